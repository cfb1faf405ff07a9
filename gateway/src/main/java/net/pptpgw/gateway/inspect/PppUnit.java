package net.pptpgw.gateway.inspect;

import io.netty.buffer.ByteBuf;
import net.pptpgw.protocol.MalformedPacketException;
import net.pptpgw.protocol.ppp.PppDecodeStatus;
import net.pptpgw.protocol.ppp.PppHeader;
import net.pptpgw.protocol.ppp.PppProtocol;
import net.pptpgw.protocol.ppp.auth.ChapCodec;
import net.pptpgw.protocol.ppp.auth.ChapPacket;
import net.pptpgw.protocol.ppp.auth.PapCodec;
import net.pptpgw.protocol.ppp.auth.PapPacket;
import net.pptpgw.protocol.ppp.cp.ControlPacket;
import net.pptpgw.protocol.ppp.cp.ControlPacketCodec;
import net.pptpgw.protocol.ppp.cp.ProtocolKind;
import net.pptpgw.protocol.ppp.mppe.MppeHeader;

/**
 * What one PPP frame inside GRE carries, decoded by the protocol module's codecs: a control
 * protocol packet, an authentication packet, an MPPE/MPPC frame (its 2-octet header only: the rest
 * is encrypted) or a datagram of another protocol, counted by its number.
 */
sealed interface PppUnit {

    /** An LCP, IPCP or CCP packet (RFC 1661 §5). */
    record Control(ProtocolKind kind, ControlPacket packet) implements PppUnit {}

    /** A PAP packet (RFC 1334). */
    record Pap(PapPacket packet) implements PppUnit {}

    /** A CHAP packet (RFC 1994), also MS-CHAP and MS-CHAPv2. */
    record Chap(ChapPacket packet) implements PppUnit {}

    /** A compressed datagram (protocol 0x00FD): the MPPE header (RFC 3078 §3) and the octets after it. */
    record Mppe(int header, int octets) implements PppUnit {}

    /** Anything else, e.g. an unencrypted IPv4 datagram. */
    record Other(PppProtocol protocol, int octets) implements PppUnit {}

    /**
     * Decodes the synchronous PPP frame (RFC 1661 §2, no HDLC framing: RFC 2637 §4) in
     * {@code frame}'s readable bytes without moving its indices.
     *
     * @param header scratch space, reused from frame to frame
     * @throws MalformedPacketException from the layer that rejected the frame
     */
    static PppUnit decode(ByteBuf frame, PppHeader header) {
        PppDecodeStatus status = header.decode(frame);
        if (!status.isOk()) {
            throw PppHeader.malformed(status, frame.readableBytes());
        }
        ByteBuf information = frame.slice(header.payloadOffset(), header.payloadLength());
        PppProtocol protocol = PppProtocol.of(header.protocol());
        ProtocolKind kind = ProtocolKind.of(protocol);
        if (kind != null) {
            return new Control(kind, ControlPacketCodec.decode(kind, information));
        }
        if (protocol.equals(PppProtocol.PAP)) {
            return new Pap(PapCodec.decode(information));
        }
        if (protocol.equals(PppProtocol.CHAP)) {
            return new Chap(ChapCodec.decode(information));
        }
        if (protocol.equals(PppProtocol.COMPRESSED_DATAGRAM)) {
            return new Mppe(MppeHeader.decode(information), information.readableBytes());
        }
        return new Other(protocol, information.readableBytes());
    }
}
