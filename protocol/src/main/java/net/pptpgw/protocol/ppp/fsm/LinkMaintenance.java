package net.pptpgw.protocol.ppp.fsm;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.Optional;
import net.pptpgw.protocol.ppp.cp.ControlPacket;
import net.pptpgw.protocol.ppp.cp.ControlPacket.CodeReject;
import net.pptpgw.protocol.ppp.cp.ControlPacket.EchoReply;
import net.pptpgw.protocol.ppp.cp.ControlPacket.EchoRequest;
import net.pptpgw.protocol.ppp.cp.ControlPacket.MagicNumberPacket;
import net.pptpgw.protocol.ppp.cp.ControlPacket.ProtocolReject;
import net.pptpgw.protocol.ppp.cp.ControlPacketCodec;
import net.pptpgw.protocol.Octets;

/**
 * The LCP packets that are not negotiation (RFC 1661 §5.6-5.9, the "link maintenance" codes,
 * and RFC 1570's Identification and Time-Remaining): what to answer, and how to build the two
 * reject packets within the peer's MRU. Pure functions for the engine and the automaton.
 */
public final class LinkMaintenance {

    /** The MRU to assume before LCP agreed on one (RFC 1661 §6.1). */
    public static final int DEFAULT_MRU = 1500;

    private LinkMaintenance() {}

    /**
     * The answer to a link maintenance packet received in the Opened state: an Echo-Reply to an
     * Echo-Request (§5.8), nothing to an Echo-Reply (the keep-alive's business), a
     * Discard-Request (§5.9), an Identification or a Time-Remaining (RFC 1570 §1: informational,
     * they "MUST NOT affect" the link). Packets of other codes get no answer here either.
     *
     * @param localMagicNumber our negotiated Magic-Number, 0 if none
     */
    public static Optional<ControlPacket> answer(ControlPacket packet, int localMagicNumber) {
        return packet instanceof EchoRequest request
                ? Optional.of(echoReply(request, localMagicNumber))
                : Optional.empty();
    }

    /**
     * The Echo-Reply to {@code request}: same Identifier and data, our own Magic-Number (RFC
     * 1661 §5.8), or zero when none was negotiated.
     */
    public static EchoReply echoReply(EchoRequest request, int localMagicNumber) {
        return new EchoReply(request.identifier(), localMagicNumber, request.data());
    }

    /**
     * Whether a received Echo or Discard packet carries our own non-zero Magic-Number, which
     * means the link is looped back (RFC 1661 §6.4: "a looped-back link").
     */
    public static boolean loopedBack(MagicNumberPacket packet, int localMagicNumber) {
        return localMagicNumber != 0 && packet.magicNumber() == localMagicNumber;
    }

    /**
     * A Code-Reject quoting {@code rejected} from its Code octet (RFC 1661 §5.6), truncated so
     * that the whole Code-Reject fits the peer's MRU.
     */
    public static CodeReject codeReject(int identifier, ControlPacket rejected, int peerMru) {
        ByteBuf octets = Unpooled.buffer();
        try {
            ControlPacketCodec.encode(rejected, octets);
            int room = Math.max(0, peerMru - ControlPacketCodec.HEADER_LENGTH);
            return new CodeReject(identifier, Octets.read(octets, Math.min(room, octets.readableBytes())));
        } finally {
            octets.release();
        }
    }

    /**
     * A Protocol-Reject of a frame whose Protocol field is {@code protocol} (RFC 1661 §5.7),
     * quoting its Information field truncated so the Protocol-Reject fits the peer's MRU. Reads
     * {@code information} without moving its reader index.
     */
    public static ProtocolReject protocolReject(int identifier, int protocol, ByteBuf information, int peerMru) {
        int room = Math.max(0, peerMru - ControlPacketCodec.HEADER_LENGTH - 2);
        int length = Math.min(room, information.readableBytes());
        return new ProtocolReject(identifier, protocol, Octets.read(information.duplicate(), length));
    }
}
