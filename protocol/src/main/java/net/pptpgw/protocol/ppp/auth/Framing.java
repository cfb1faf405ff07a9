package net.pptpgw.protocol.ppp.auth;

import io.netty.buffer.ByteBuf;

/**
 * Writing the header PAP and CHAP share (RFC 1334 §2.2, RFC 1994 §4); reading it is
 * {@link net.pptpgw.protocol.ppp.cp.ControlPacketCodec#packetLength}, shared with LCP/IPCP/CCP.
 */
final class Framing {

    private Framing() {}

    /** Writes Code, Identifier and Length for a packet with {@code dataLength} octets of data. */
    static void writeHeader(ByteBuf out, int code, int identifier, int dataLength) {
        out.writeByte(code);
        out.writeByte(identifier);
        out.writeShort(Checks.HEADER_LENGTH + dataLength);
    }
}
