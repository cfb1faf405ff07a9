package net.pptpgw.protocol.ppp.auth;

import net.pptpgw.protocol.Octets;
import io.netty.buffer.ByteBuf;
import net.pptpgw.protocol.MalformedPacketException;

/**
 * The header PAP and CHAP share (RFC 1334 §2.2, RFC 1994 §4): Code, Identifier, and a Length
 * that counts the header and must fit in the bytes received.
 */
final class Framing {

    private Framing() {}

    /**
     * Validates the header at the reader index and returns the packet's Length. Octets after
     * Length are data-link padding, to be ignored on reception (RFC 1334 §2.2, RFC 1994 §4).
     */
    static int packetLength(String protocol, ByteBuf in) {
        int received = in.readableBytes();
        if (received < Checks.HEADER_LENGTH) {
            throw new MalformedPacketException(protocol, "truncated-header",
                    received + " octets received, the header needs " + Checks.HEADER_LENGTH);
        }
        int length = in.getUnsignedShort(in.readerIndex() + 2);
        if (length < Checks.HEADER_LENGTH) {
            throw new MalformedPacketException(protocol, "length-too-short",
                    "Length " + length + " is shorter than the " + Checks.HEADER_LENGTH + "-octet header");
        }
        if (length > received) {
            throw new MalformedPacketException(protocol, "length-exceeds-frame",
                    "Length " + length + " but only " + received + " octets received");
        }
        return length;
    }

    /** Writes Code, Identifier and Length for a packet with {@code dataLength} octets of data. */
    static void writeHeader(ByteBuf out, int code, int identifier, int dataLength) {
        out.writeByte(code);
        out.writeByte(identifier);
        out.writeShort(Checks.HEADER_LENGTH + dataLength);
    }
}
