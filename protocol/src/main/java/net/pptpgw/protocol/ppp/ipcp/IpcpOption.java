package net.pptpgw.protocol.ppp.ipcp;

import io.netty.buffer.ByteBuf;
import java.net.Inet4Address;
import java.util.Objects;
import net.pptpgw.protocol.ppp.cp.ConfigurationOption;
import net.pptpgw.protocol.ppp.cp.FieldChecks;
import net.pptpgw.protocol.ppp.cp.ProtocolOption;
import net.pptpgw.protocol.ppp.cp.RawOption;
import net.pptpgw.protocol.Octets;

/**
 * IPCP configuration options (RFC 1332 §3, RFC 1877). An address of 0.0.0.0 in a
 * Configure-Request asks the peer to supply one in its Configure-Nak: that is how a PPTP
 * client obtains its tunnel address and its DNS and WINS (NBNS) servers.
 *
 * <p>{@link IpcpOptionCodec#decode} falls back to {@link Raw} for unknown types and for known
 * types whose Data has the wrong size, so every option re-encodes to the octets it came from.
 */
public sealed interface IpcpOption extends ConfigurationOption {

    @Override
    default String typeName() {
        return IpcpOptionType.name(type());
    }

    /** IP-Addresses (type 1, RFC 1332 §3.1, deprecated): the sender's and the peer's address. */
    record IpAddresses(Inet4Address source, Inet4Address destination) implements IpcpOption {
        public IpAddresses {
            Objects.requireNonNull(source, "source");
            Objects.requireNonNull(destination, "destination");
        }

        @Override
        public int type() {
            return IpcpOptionType.IP_ADDRESSES;
        }

        @Override
        public void encodeData(ByteBuf out) {
            out.writeBytes(source.getAddress());
            out.writeBytes(destination.getAddress());
        }
    }

    /**
     * IP-Compression-Protocol (type 2, RFC 1332 §3.2) with Van Jacobson TCP/IP header
     * compression (protocol 002d, RFC 1332 §4): the highest slot ID (slots - 1) and whether the
     * slot ID may be compressed away.
     */
    record VanJacobsonCompression(int maxSlotId, boolean compressSlotId) implements IpcpOption {
        /** The IP-Compression-Protocol value for Van Jacobson compressed TCP/IP. */
        public static final int PROTOCOL = 0x002d;

        public VanJacobsonCompression {
            FieldChecks.checkUnsigned("maxSlotId", maxSlotId, 0xff);
        }

        @Override
        public int type() {
            return IpcpOptionType.IP_COMPRESSION_PROTOCOL;
        }

        @Override
        public void encodeData(ByteBuf out) {
            out.writeShort(PROTOCOL);
            out.writeByte(maxSlotId);
            out.writeByte(compressSlotId ? 1 : 0);
        }
    }

    /**
     * IP-Compression-Protocol (type 2, RFC 1332 §3.2) with any other protocol (e.g. IPHC 0061,
     * RFC 2509), or with Van Jacobson parameters that RFC 1332 §4 does not define.
     */
    record IpCompressionProtocol(int protocol, Octets data) implements IpcpOption, ProtocolOption {
        public IpCompressionProtocol {
            ProtocolOption.check(protocol, data);
        }

        @Override
        public int type() {
            return IpcpOptionType.IP_COMPRESSION_PROTOCOL;
        }
    }

    /**
     * An option whose Data is one IPv4 address: IP-Address (RFC 1332 §3.3) and the DNS and NBNS
     * server options (RFC 1877 §1), which all ask the peer for its value with 0.0.0.0.
     */
    sealed interface AddressOption extends IpcpOption
            permits IpAddress, PrimaryDnsServer, PrimaryNbnsServer, SecondaryDnsServer, SecondaryNbnsServer {
        Inet4Address address();

        @Override
        default void encodeData(ByteBuf out) {
            out.writeBytes(address().getAddress());
        }
    }

    /** IP-Address (type 3, RFC 1332 §3.3): the sender's own address, 0.0.0.0 to ask for one. */
    record IpAddress(Inet4Address address) implements AddressOption {
        public IpAddress {
            Objects.requireNonNull(address, "address");
        }

        @Override
        public int type() {
            return IpcpOptionType.IP_ADDRESS;
        }
    }

    /** Primary-DNS-Server-Address (type 129, RFC 1877 §1.1). */
    record PrimaryDnsServer(Inet4Address address) implements AddressOption {
        public PrimaryDnsServer {
            Objects.requireNonNull(address, "address");
        }

        @Override
        public int type() {
            return IpcpOptionType.PRIMARY_DNS_SERVER_ADDRESS;
        }
    }

    /** Primary-NBNS-Server-Address (type 130, RFC 1877 §1.2): the WINS server Windows clients ask for. */
    record PrimaryNbnsServer(Inet4Address address) implements AddressOption {
        public PrimaryNbnsServer {
            Objects.requireNonNull(address, "address");
        }

        @Override
        public int type() {
            return IpcpOptionType.PRIMARY_NBNS_SERVER_ADDRESS;
        }
    }

    /** Secondary-DNS-Server-Address (type 131, RFC 1877 §1.3). */
    record SecondaryDnsServer(Inet4Address address) implements AddressOption {
        public SecondaryDnsServer {
            Objects.requireNonNull(address, "address");
        }

        @Override
        public int type() {
            return IpcpOptionType.SECONDARY_DNS_SERVER_ADDRESS;
        }
    }

    /** Secondary-NBNS-Server-Address (type 132, RFC 1877 §1.4). */
    record SecondaryNbnsServer(Inet4Address address) implements AddressOption {
        public SecondaryNbnsServer {
            Objects.requireNonNull(address, "address");
        }

        @Override
        public int type() {
            return IpcpOptionType.SECONDARY_NBNS_SERVER_ADDRESS;
        }
    }

    /**
     * Any other option (e.g. Mobile-IPv4, type 4), or a known one whose Data has the wrong size,
     * kept octet for octet so that it can be Configure-Rejected verbatim (RFC 1661 §5.4).
     */
    record Raw(int type, Octets data) implements IpcpOption, RawOption {
        public Raw {
            RawOption.check(type, data);
        }

        @Override
        public String toString() {
            return RawOption.toString(this);
        }
    }
}
