package net.pptpgw.protocol.ppp.lcp;

import io.netty.buffer.ByteBuf;
import java.util.Optional;
import net.pptpgw.protocol.ppp.cp.ConfigurationOption;
import net.pptpgw.protocol.ppp.cp.FieldChecks;
import net.pptpgw.protocol.ppp.cp.ProtocolOption;
import net.pptpgw.protocol.ppp.cp.RawOption;
import net.pptpgw.protocol.Octets;

/**
 * LCP configuration options (RFC 1661 §6 and its extensions). Each record is one option as it
 * appears on the wire; {@link LcpOptionCodec#decode} picks the record from the Type and falls
 * back to {@link Raw} for unknown types and for known types whose Data does not have the RFC's
 * form, so every option re-encodes to the octets it was decoded from.
 */
public sealed interface LcpOption extends ConfigurationOption {

    @Override
    default String typeName() {
        return LcpOptionType.name(type());
    }

    /**
     * Maximum-Receive-Unit (type 1, RFC 1661 §6.1): the largest Information field the sender
     * can receive. PPTP clients ask for less than the default 1500 (Windows 1400) so that the
     * GRE/IP packet fits an Ethernet link.
     */
    record MaximumReceiveUnit(int maximumReceiveUnit) implements LcpOption {
        public MaximumReceiveUnit {
            FieldChecks.checkUnsigned("maximumReceiveUnit", maximumReceiveUnit, 0xffff);
        }

        @Override
        public int type() {
            return LcpOptionType.MAXIMUM_RECEIVE_UNIT;
        }

        @Override
        public void encodeData(ByteBuf out) {
            out.writeShort(maximumReceiveUnit);
        }
    }

    /**
     * Async-Control-Character-Map (type 2, RFC 1662 §7.1): bit n set means control character n
     * must be escaped. Meaningless over PPTP's synchronous GRE link, yet pppd sends it (map 0).
     */
    record AsyncControlCharacterMap(int map) implements LcpOption {
        @Override
        public int type() {
            return LcpOptionType.ASYNC_CONTROL_CHARACTER_MAP;
        }

        @Override
        public void encodeData(ByteBuf out) {
            out.writeInt(map);
        }

        @Override
        public String toString() {
            return "AsyncControlCharacterMap[map=0x" + String.format("%08x", map) + "]";
        }
    }

    /**
     * Authentication-Protocol (type 3, RFC 1661 §6.2): the protocol the sender wants its peer to
     * authenticate with, and protocol-specific data. For CHAP the data is one Algorithm octet
     * (RFC 1994 §3.1), which tells MD5, MS-CHAP and MS-CHAPv2 apart.
     */
    record AuthenticationProtocol(int protocol, Octets data) implements LcpOption, ProtocolOption {
        /** Password Authentication Protocol (RFC 1334 §2.2), no data. */
        public static final int PAP = 0xc023;
        /** Challenge-Handshake Authentication Protocol (RFC 1994 §3.1), one Algorithm octet. */
        public static final int CHAP = 0xc223;
        /** Extensible Authentication Protocol (RFC 3748 §4), no data. */
        public static final int EAP = 0xc227;

        public AuthenticationProtocol {
            ProtocolOption.check(protocol, data);
        }

        public static AuthenticationProtocol pap() {
            return new AuthenticationProtocol(PAP, Octets.EMPTY);
        }

        public static AuthenticationProtocol chap(ChapAlgorithm algorithm) {
            return new AuthenticationProtocol(CHAP, Octets.of((byte) algorithm.value()));
        }

        /** The CHAP algorithm, when this option asks for CHAP with exactly one Algorithm octet. */
        public Optional<ChapAlgorithm> chapAlgorithm() {
            return protocol == CHAP && data.length() == 1 ? Optional.of(new ChapAlgorithm(data.get(0))) : Optional.empty();
        }

        @Override
        public int type() {
            return LcpOptionType.AUTHENTICATION_PROTOCOL;
        }
    }

    /**
     * Quality-Protocol (type 4, RFC 1661 §6.3): the link-quality monitoring protocol, e.g. Link
     * Quality Report c025 whose data is a 4-octet Reporting-Period (RFC 1989 §2.5).
     */
    record QualityProtocol(int protocol, Octets data) implements LcpOption, ProtocolOption {
        /** Link Quality Report (RFC 1989). */
        public static final int LINK_QUALITY_REPORT = 0xc025;

        public QualityProtocol {
            ProtocolOption.check(protocol, data);
        }

        @Override
        public int type() {
            return LcpOptionType.QUALITY_PROTOCOL;
        }
    }

    /**
     * Magic-Number (type 5, RFC 1661 §6.4): a random number that detects a looped-back link;
     * 0 is not a valid magic number to request.
     */
    record MagicNumber(int magicNumber) implements LcpOption {
        @Override
        public int type() {
            return LcpOptionType.MAGIC_NUMBER;
        }

        @Override
        public void encodeData(ByteBuf out) {
            out.writeInt(magicNumber);
        }

        @Override
        public String toString() {
            return "MagicNumber[0x" + String.format("%08x", magicNumber) + "]";
        }
    }

    /** Protocol-Field-Compression (type 7, RFC 1661 §6.5): the Protocol field may be one octet. */
    record ProtocolFieldCompression() implements LcpOption {
        @Override
        public int type() {
            return LcpOptionType.PROTOCOL_FIELD_COMPRESSION;
        }

        @Override
        public void encodeData(ByteBuf out) {}
    }

    /** Address-and-Control-Field-Compression (type 8, RFC 1661 §6.6): FF 03 may be left out. */
    record AddressControlFieldCompression() implements LcpOption {
        @Override
        public int type() {
            return LcpOptionType.ADDRESS_AND_CONTROL_FIELD_COMPRESSION;
        }

        @Override
        public void encodeData(ByteBuf out) {}
    }

    /**
     * Callback (type 13, RFC 1570 §2.3): the sender asks to be called back. Windows sends
     * operation 6, Microsoft's Callback Control Protocol, which a concentrator Configure-Rejects.
     */
    record Callback(int operation, Octets message) implements LcpOption {
        /** RFC 1570 §2.3: location determined by user authentication. */
        public static final int USER_AUTHENTICATION = 0;
        /** RFC 1570 §2.3: dialing string. */
        public static final int DIALING_STRING = 1;
        /** RFC 1570 §2.3: location identifier. */
        public static final int LOCATION_IDENTIFIER = 2;
        /** RFC 1570 §2.3: E.164 number. */
        public static final int E164_NUMBER = 3;
        /** RFC 1570 §2.3: distinguished name. */
        public static final int DISTINGUISHED_NAME = 4;
        /** Microsoft's Callback Control Protocol (CBCP), negotiated after authentication. */
        public static final int CALLBACK_CONTROL_PROTOCOL = 6;

        public Callback {
            FieldChecks.checkUnsigned("operation", operation, 0xff);
            FieldChecks.checkLength("message", message, MAX_DATA_LENGTH - 1);
        }

        @Override
        public int type() {
            return LcpOptionType.CALLBACK;
        }

        @Override
        public void encodeData(ByteBuf out) {
            out.writeByte(operation);
            message.writeTo(out);
        }
    }

    /** Multilink Maximum-Received-Reconstructed-Unit (type 17, RFC 1990 §5.1.1): asks for multilink. */
    record MultilinkMrru(int maximumReconstructedUnit) implements LcpOption {
        public MultilinkMrru {
            FieldChecks.checkUnsigned("maximumReconstructedUnit", maximumReconstructedUnit, 0xffff);
        }

        @Override
        public int type() {
            return LcpOptionType.MULTILINK_MRRU;
        }

        @Override
        public void encodeData(ByteBuf out) {
            out.writeShort(maximumReconstructedUnit);
        }
    }

    /**
     * Multilink Endpoint-Discriminator (type 19, RFC 1990 §5.1.3): identifies the system at the
     * other end of a link, so that links of one bundle can be recognized.
     */
    record EndpointDiscriminator(int endpointClass, Octets address) implements LcpOption {
        /** RFC 1990 §5.1.3 class 0: no address. */
        public static final int NULL_CLASS = 0;
        /** Class 1: locally assigned address. */
        public static final int LOCALLY_ASSIGNED = 1;
        /** Class 2: an IPv4 address. */
        public static final int IP_ADDRESS = 2;
        /** Class 3: an IEEE 802.1 MAC address. */
        public static final int IEEE_802_1_ADDRESS = 3;
        /** Class 4: a PPP Magic-Number block. */
        public static final int MAGIC_NUMBER_BLOCK = 4;
        /** Class 5: a public switched network directory number. */
        public static final int DIRECTORY_NUMBER = 5;

        public EndpointDiscriminator {
            FieldChecks.checkUnsigned("endpointClass", endpointClass, 0xff);
            FieldChecks.checkLength("address", address, MAX_DATA_LENGTH - 1);
        }

        @Override
        public int type() {
            return LcpOptionType.MULTILINK_ENDPOINT_DISCRIMINATOR;
        }

        @Override
        public void encodeData(ByteBuf out) {
            out.writeByte(endpointClass);
            address.writeTo(out);
        }
    }

    /**
     * Any other option, or a known one whose Data has the wrong size, kept octet for octet so
     * that it can be Configure-Rejected verbatim (RFC 1661 §5.4) or relayed.
     */
    record Raw(int type, Octets data) implements LcpOption, RawOption {
        public Raw {
            RawOption.check(type, data);
        }

        @Override
        public String toString() {
            return RawOption.toString(this);
        }
    }
}
