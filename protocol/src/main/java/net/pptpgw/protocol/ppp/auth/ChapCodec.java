package net.pptpgw.protocol.ppp.auth;

import net.pptpgw.protocol.Octets;
import io.netty.buffer.ByteBuf;
import net.pptpgw.protocol.MalformedPacketException;
import net.pptpgw.protocol.ppp.cp.ControlPacketCodec;
import net.pptpgw.protocol.ppp.auth.ChapPacket.Challenge;
import net.pptpgw.protocol.ppp.auth.ChapPacket.Failure;
import net.pptpgw.protocol.ppp.auth.ChapPacket.Response;
import net.pptpgw.protocol.ppp.auth.ChapPacket.Success;
import net.pptpgw.protocol.ppp.auth.ChapPacket.Unknown;

/**
 * Decodes and encodes CHAP packets (RFC 1994 §4): the information field of a PPP frame with
 * protocol {@code 0xC223}.
 */
public final class ChapCodec {

    private static final String PROTOCOL = "chap";

    private ChapCodec() {}

    /**
     * Decodes the packet at the reader index and consumes the readable bytes, padding after
     * Length included.
     *
     * @throws MalformedPacketException if a length does not fit the bytes received
     */
    public static ChapPacket decode(ByteBuf in) {
        int length = ControlPacketCodec.packetLength(PROTOCOL, in);
        int start = in.readerIndex();
        int end = start + length;
        int code = in.getUnsignedByte(start);
        int identifier = in.getUnsignedByte(start + 1);
        int at = start + Checks.HEADER_LENGTH;
        ChapPacket packet = switch (code) {
            case ChapPacket.CHALLENGE, ChapPacket.RESPONSE -> {
                if (at == end) {
                    throw new MalformedPacketException(PROTOCOL, "missing-field", "no Value-Size in a "
                            + (code == ChapPacket.CHALLENGE ? "Challenge" : "Response"));
                }
                int valueSize = in.getUnsignedByte(at);
                if (valueSize == 0) {
                    throw new MalformedPacketException(PROTOCOL, "empty-value",
                            "Value-Size 0; the Value is one or more octets (RFC 1994 §4.1)");
                }
                if (at + 1 + valueSize > end) {
                    throw new MalformedPacketException(PROTOCOL, "field-exceeds-packet",
                            "Value-Size " + valueSize + " but " + (end - at - 1) + " octets remain in the packet");
                }
                Octets value = Octets.get(in, at + 1, valueSize);
                // The Name is whatever follows the Value up to Length (RFC 1994 §4.1).
                int nameAt = at + 1 + valueSize;
                Octets name = Octets.get(in, nameAt, end - nameAt);
                yield code == ChapPacket.CHALLENGE
                        ? new Challenge(identifier, value, name)
                        : new Response(identifier, value, name);
            }
            case ChapPacket.SUCCESS -> new Success(identifier, Octets.get(in, at, end - at));
            case ChapPacket.FAILURE -> new Failure(identifier, Octets.get(in, at, end - at));
            default -> new Unknown(code, identifier, Octets.get(in, at, end - at));
        };
        in.skipBytes(in.readableBytes());
        return packet;
    }

    /** Writes {@code packet} at the writer index. */
    public static void encode(ChapPacket packet, ByteBuf out) {
        switch (packet) {
            case Challenge challenge -> writeValueAndName(out, challenge.code(), challenge.identifier(),
                    challenge.value(), challenge.name());
            case Response response -> writeValueAndName(out, response.code(), response.identifier(),
                    response.value(), response.name());
            case Success success -> writeData(out, success.code(), success.identifier(), success.message());
            case Failure failure -> writeData(out, failure.code(), failure.identifier(), failure.message());
            case Unknown unknown -> writeData(out, unknown.code(), unknown.identifier(), unknown.data());
        }
    }

    private static void writeValueAndName(ByteBuf out, int code, int identifier, Octets value, Octets name) {
        Framing.writeHeader(out, code, identifier, 1 + value.length() + name.length());
        out.writeByte(value.length());
        value.writeTo(out);
        name.writeTo(out);
    }

    private static void writeData(ByteBuf out, int code, int identifier, Octets data) {
        Framing.writeHeader(out, code, identifier, data.length());
        data.writeTo(out);
    }
}
