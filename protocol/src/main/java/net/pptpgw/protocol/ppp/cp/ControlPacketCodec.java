package net.pptpgw.protocol.ppp.cp;

import net.pptpgw.protocol.Octets;
import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;
import net.pptpgw.protocol.MalformedPacketException;
import net.pptpgw.protocol.ppp.cp.ControlPacket.CodeReject;
import net.pptpgw.protocol.ppp.cp.ControlPacket.ConfigureAck;
import net.pptpgw.protocol.ppp.cp.ControlPacket.ConfigureNak;
import net.pptpgw.protocol.ppp.cp.ControlPacket.ConfigurePacket;
import net.pptpgw.protocol.ppp.cp.ControlPacket.ConfigureReject;
import net.pptpgw.protocol.ppp.cp.ControlPacket.ConfigureRequest;
import net.pptpgw.protocol.ppp.cp.ControlPacket.DiscardRequest;
import net.pptpgw.protocol.ppp.cp.ControlPacket.EchoReply;
import net.pptpgw.protocol.ppp.cp.ControlPacket.EchoRequest;
import net.pptpgw.protocol.ppp.cp.ControlPacket.Identification;
import net.pptpgw.protocol.ppp.cp.ControlPacket.MagicNumberPacket;
import net.pptpgw.protocol.ppp.cp.ControlPacket.ProtocolReject;
import net.pptpgw.protocol.ppp.cp.ControlPacket.ResetAck;
import net.pptpgw.protocol.ppp.cp.ControlPacket.ResetRequest;
import net.pptpgw.protocol.ppp.cp.ControlPacket.TerminateAck;
import net.pptpgw.protocol.ppp.cp.ControlPacket.TerminateRequest;
import net.pptpgw.protocol.ppp.cp.ControlPacket.TimeRemaining;
import net.pptpgw.protocol.ppp.cp.ControlPacket.UnknownCode;

/**
 * Decoder and encoder of the packet format LCP, IPCP and CCP share (RFC 1661 §5):
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |     Code      |  Identifier   |            Length             |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |    Data ...
 * </pre>
 *
 * <p>The buffer handed to {@link #decode} is the PPP Information field. Length covers Code to
 * the end of Data; octets after it are padding that RFC 1661 §5 says to ignore (a peer may pad
 * short frames), while a Length larger than what arrived, or smaller than the 4 header octets,
 * makes the packet invalid and it is rejected.
 *
 * <p>Control packets are a handful per session, so decoding allocates freely (records, lists,
 * copies of opaque fields) in exchange for immutable values the engine can keep.
 */
public final class ControlPacketCodec {

    /** Code, Identifier and Length. */
    public static final int HEADER_LENGTH = 4;

    /** Length is a 16-bit field. */
    public static final int MAX_LENGTH = 0xffff;

    private ControlPacketCodec() {}

    /**
     * Validates the Code/Identifier/Length header at the reader index, shared by LCP, IPCP, CCP
     * (RFC 1661 §5) and PAP, CHAP (RFC 1334 §2.2, RFC 1994 §4), and returns Length. Octets after
     * Length are padding, to be ignored.
     *
     * @throws MalformedPacketException ({@code protocol}) with reason {@code truncated-header},
     *     {@code bad-length} or {@code length-beyond-frame}
     */
    public static int packetLength(String protocol, ByteBuf in) {
        int received = in.readableBytes();
        if (received < HEADER_LENGTH) {
            throw new MalformedPacketException(protocol, "truncated-header",
                    received + " octets received, the Code/Identifier/Length header needs " + HEADER_LENGTH);
        }
        int length = in.getUnsignedShort(in.readerIndex() + 2);
        if (length < HEADER_LENGTH) {
            throw new MalformedPacketException(protocol, "bad-length",
                    "Length " + length + " is smaller than the " + HEADER_LENGTH + "-octet header");
        }
        if (length > received) {
            throw new MalformedPacketException(protocol, "length-beyond-frame",
                    "Length " + length + " but only " + received + " octets received");
        }
        return length;
    }

    /**
     * Decodes the packet at {@code in}'s reader index. On success the reader index moves past the
     * whole readable region: the packet and any padding after its Length. On failure it is left
     * where it was.
     *
     * @throws MalformedPacketException with layer {@link ProtocolKind#label()} and reason
     *     {@code truncated-header}, {@code bad-length}, {@code length-beyond-frame},
     *     {@code truncated-data} (a code's fixed fields do not fit in Length) or
     *     {@code bad-option-length}
     */
    public static ControlPacket decode(ProtocolKind kind, ByteBuf in) {
        int start = in.readerIndex();
        int received = in.readableBytes();
        int length = packetLength(kind.label(), in);
        int code = in.getUnsignedByte(start);
        int identifier = in.getUnsignedByte(start + 1);
        ByteBuf data = in.slice(start + HEADER_LENGTH, length - HEADER_LENGTH);
        ControlPacket packet = kind.usesCode(code)
                ? decodeData(kind, code, identifier, data)
                : new UnknownCode(code, identifier, rest(data));
        in.skipBytes(received);
        return packet;
    }

    private static ControlPacket decodeData(ProtocolKind kind, int code, int identifier, ByteBuf data) {
        return switch (code) {
            case ControlCode.CONFIGURE_REQUEST -> new ConfigureRequest(identifier, decodeOptions(kind, data));
            case ControlCode.CONFIGURE_ACK -> new ConfigureAck(identifier, decodeOptions(kind, data));
            case ControlCode.CONFIGURE_NAK -> new ConfigureNak(identifier, decodeOptions(kind, data));
            case ControlCode.CONFIGURE_REJECT -> new ConfigureReject(identifier, decodeOptions(kind, data));
            case ControlCode.TERMINATE_REQUEST -> new TerminateRequest(identifier, rest(data));
            case ControlCode.TERMINATE_ACK -> new TerminateAck(identifier, rest(data));
            case ControlCode.CODE_REJECT -> new CodeReject(identifier, rest(data));
            case ControlCode.PROTOCOL_REJECT -> {
                require(kind, code, data, 2, "Rejected-Protocol");
                yield new ProtocolReject(identifier, data.readUnsignedShort(), rest(data));
            }
            case ControlCode.ECHO_REQUEST -> {
                require(kind, code, data, 4, "Magic-Number");
                yield new EchoRequest(identifier, data.readInt(), rest(data));
            }
            case ControlCode.ECHO_REPLY -> {
                require(kind, code, data, 4, "Magic-Number");
                yield new EchoReply(identifier, data.readInt(), rest(data));
            }
            case ControlCode.DISCARD_REQUEST -> {
                require(kind, code, data, 4, "Magic-Number");
                yield new DiscardRequest(identifier, data.readInt(), rest(data));
            }
            case ControlCode.IDENTIFICATION -> {
                require(kind, code, data, 4, "Magic-Number");
                yield new Identification(identifier, data.readInt(), rest(data));
            }
            case ControlCode.TIME_REMAINING -> {
                require(kind, code, data, 8, "Magic-Number and Seconds-Remaining");
                yield new TimeRemaining(identifier, data.readInt(), data.readUnsignedInt(), rest(data));
            }
            case ControlCode.RESET_REQUEST -> new ResetRequest(identifier, rest(data));
            case ControlCode.RESET_ACK -> new ResetAck(identifier, rest(data));
            // ProtocolKind.usesCode admits only the codes above.
            default -> throw new IllegalStateException(kind + " code " + code);
        };
    }

    /**
     * Options are back-to-back Type, Length, Data (RFC 1661 §6); Length counts Type and Length
     * themselves, so a value below 2 could never advance and one past the packet would read
     * another option's octets.
     */
    private static List<ConfigurationOption> decodeOptions(ProtocolKind kind, ByteBuf data) {
        List<ConfigurationOption> options = new ArrayList<>();
        while (data.isReadable()) {
            int offset = data.readerIndex() + HEADER_LENGTH;
            if (data.readableBytes() < 2) {
                throw malformed(kind, "bad-option-length",
                        "one octet left at packet offset " + offset + ", an option needs Type and Length");
            }
            int type = data.readUnsignedByte();
            int length = data.readUnsignedByte();
            if (length < 2 || length - 2 > data.readableBytes()) {
                throw malformed(kind, "bad-option-length", "option type " + type + " at packet offset " + offset
                        + " has Length " + length + " with " + (data.readableBytes() + 2) + " octets left in the packet");
            }
            options.add(kind.optionDecoder().decode(type, data.readSlice(length - 2)));
        }
        return options;
    }

    private static void require(ProtocolKind kind, int code, ByteBuf data, int octets, String fields) {
        if (data.readableBytes() < octets) {
            throw malformed(kind, "truncated-data", ControlCode.name(code) + " needs " + octets + " octets of "
                    + fields + ", Length leaves " + data.readableBytes());
        }
    }

    private static Octets rest(ByteBuf data) {
        return Octets.read(data, data.readableBytes());
    }

    private static MalformedPacketException malformed(ProtocolKind kind, String reason, String detail) {
        return new MalformedPacketException(kind.label(), reason, detail);
    }

    /**
     * Writes {@code packet} at {@code out}'s writer index, with its Length computed, and options
     * in the order the packet lists them.
     *
     * @throws IllegalArgumentException if the packet is longer than 65535 octets or an option's
     *     Data longer than 253; {@code out} is then left as it was
     */
    public static void encode(ControlPacket packet, ByteBuf out) {
        int start = out.writerIndex();
        out.writeByte(packet.code());
        out.writeByte(packet.identifier());
        out.writeShort(0); // Length, filled in below
        try {
            switch (packet) {
                case ConfigurePacket configure -> {
                    for (ConfigurationOption option : configure.options()) {
                        encodeOption(option, out);
                    }
                }
                case TerminateRequest terminate -> terminate.data().writeTo(out);
                case TerminateAck terminate -> terminate.data().writeTo(out);
                case CodeReject reject -> reject.rejectedPacket().writeTo(out);
                case ProtocolReject reject -> {
                    out.writeShort(reject.rejectedProtocol());
                    reject.rejectedInformation().writeTo(out);
                }
                case MagicNumberPacket echo -> {
                    out.writeInt(echo.magicNumber());
                    echo.data().writeTo(out);
                }
                case Identification identification -> {
                    out.writeInt(identification.magicNumber());
                    identification.message().writeTo(out);
                }
                case TimeRemaining timeRemaining -> {
                    out.writeInt(timeRemaining.magicNumber());
                    out.writeInt((int) timeRemaining.secondsRemaining());
                    timeRemaining.message().writeTo(out);
                }
                case ResetRequest reset -> reset.data().writeTo(out);
                case ResetAck reset -> reset.data().writeTo(out);
                case UnknownCode unknown -> unknown.data().writeTo(out);
            }
            int length = out.writerIndex() - start;
            if (length > MAX_LENGTH) {
                throw new IllegalArgumentException(ControlCode.name(packet.code()) + " is " + length
                        + " octets, more than the Length field can hold");
            }
            out.setShort(start + 2, length);
        } catch (IllegalArgumentException e) {
            out.writerIndex(start);
            throw e;
        }
    }

    /** Writes one option: Type, Length (Data plus the 2 header octets), Data. */
    public static void encodeOption(ConfigurationOption option, ByteBuf out) {
        int start = out.writerIndex();
        out.writeByte(option.type());
        out.writeByte(0); // Length, filled in below
        option.encodeData(out);
        int length = out.writerIndex() - start;
        if (length > 0xff) {
            out.writerIndex(start);
            throw new IllegalArgumentException(option.typeName() + " option is " + length
                    + " octets, more than its Length octet can hold");
        }
        out.setByte(start + 1, length);
    }
}
