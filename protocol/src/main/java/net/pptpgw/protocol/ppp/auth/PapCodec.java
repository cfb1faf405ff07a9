package net.pptpgw.protocol.ppp.auth;

import net.pptpgw.protocol.Octets;
import io.netty.buffer.ByteBuf;
import net.pptpgw.protocol.MalformedPacketException;
import net.pptpgw.protocol.ppp.cp.ControlPacketCodec;
import net.pptpgw.protocol.ppp.auth.PapPacket.AuthenticateAck;
import net.pptpgw.protocol.ppp.auth.PapPacket.AuthenticateNak;
import net.pptpgw.protocol.ppp.auth.PapPacket.AuthenticateRequest;
import net.pptpgw.protocol.ppp.auth.PapPacket.Unknown;

/**
 * Decodes and encodes PAP packets (RFC 1334 §2.2): the information field of a PPP frame with
 * protocol {@code 0xC023}.
 */
public final class PapCodec {

    private static final String PROTOCOL = "pap";

    private PapCodec() {}

    /**
     * Decodes the packet at the reader index and consumes the readable bytes, padding after
     * Length included.
     *
     * @throws MalformedPacketException if a length does not fit the bytes received
     */
    public static PapPacket decode(ByteBuf in) {
        int length = ControlPacketCodec.packetLength(PROTOCOL, in);
        int start = in.readerIndex();
        int end = start + length;
        int code = in.getUnsignedByte(start);
        int identifier = in.getUnsignedByte(start + 1);
        int at = start + Checks.HEADER_LENGTH;
        PapPacket packet = switch (code) {
            case PapPacket.AUTHENTICATE_REQUEST -> {
                Octets peerId = lengthPrefixed(in, at, end, "Peer-ID");
                at += 1 + peerId.length();
                Octets password = lengthPrefixed(in, at, end, "Password");
                // Octets after the Password inside Length are ignored: they change nothing the
                // authenticator checks, and rejecting them would fail a peer with valid credentials.
                yield new AuthenticateRequest(identifier, peerId, password);
            }
            case PapPacket.AUTHENTICATE_ACK -> new AuthenticateAck(identifier, message(in, at, end));
            case PapPacket.AUTHENTICATE_NAK -> new AuthenticateNak(identifier, message(in, at, end));
            default -> new Unknown(code, identifier, Octets.get(in, at, end - at));
        };
        in.skipBytes(in.readableBytes());
        return packet;
    }

    /** Writes {@code packet} at the writer index. */
    public static void encode(PapPacket packet, ByteBuf out) {
        switch (packet) {
            case AuthenticateRequest request -> {
                Framing.writeHeader(out, request.code(), request.identifier(),
                        1 + request.peerId().length() + 1 + request.password().length());
                out.writeByte(request.peerId().length());
                request.peerId().writeTo(out);
                out.writeByte(request.password().length());
                request.password().writeTo(out);
            }
            case AuthenticateAck ack -> writeMessage(out, ack.code(), ack.identifier(), ack.message());
            case AuthenticateNak nak -> writeMessage(out, nak.code(), nak.identifier(), nak.message());
            case Unknown unknown -> {
                Framing.writeHeader(out, unknown.code(), unknown.identifier(), unknown.data().length());
                unknown.data().writeTo(out);
            }
        }
    }

    /**
     * The Msg-Length and Message of an Ack or Nak (RFC 1334 §2.2.2). A packet that ends right
     * after the header (Length 4) is read as an empty message rather than rejected: its meaning
     * is not in doubt, and refusing an Ack would fail a login that succeeded.
     */
    private static Octets message(ByteBuf in, int at, int end) {
        return at == end ? Octets.EMPTY : lengthPrefixed(in, at, end, "Message");
    }

    private static Octets lengthPrefixed(ByteBuf in, int at, int end, String field) {
        if (at >= end) {
            throw new MalformedPacketException(PROTOCOL, "missing-field",
                    field + "-Length is beyond the packet's Length");
        }
        int fieldLength = in.getUnsignedByte(at);
        if (at + 1 + fieldLength > end) {
            throw new MalformedPacketException(PROTOCOL, "field-exceeds-packet",
                    field + "-Length " + fieldLength + " but " + (end - at - 1) + " octets remain in the packet");
        }
        return Octets.get(in, at + 1, fieldLength);
    }

    private static void writeMessage(ByteBuf out, int code, int identifier, Octets message) {
        Framing.writeHeader(out, code, identifier, 1 + message.length());
        out.writeByte(message.length());
        message.writeTo(out);
    }
}
