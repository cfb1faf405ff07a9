package net.pptpgw.protocol.ppp.session;

import io.netty.buffer.ByteBuf;
import java.util.Optional;
import net.pptpgw.protocol.ppp.fsm.IpcpAgreement;
import net.pptpgw.protocol.ppp.fsm.LcpAgreement;
import net.pptpgw.protocol.ppp.fsm.MppeAgreement;
import net.pptpgw.protocol.ppp.fsm.Termination;

/**
 * What a {@link PppSession} gives its caller: frames for the link, IP packets for the host,
 * and the milestones of the session. Called synchronously from the session's methods.
 */
public interface PppOutput {

    /**
     * A PPP frame to send: its readable bytes are the whole frame (Address/Control as LCP
     * agreed, Protocol, Information), without HDLC framing. Takes ownership.
     */
    void sendFrame(ByteBuf frame);

    /**
     * An IPv4 packet received from the peer, decrypted when MPPE is on: its readable bytes are
     * the packet. Takes ownership; it is the received frame's own buffer (no copy).
     */
    void ipPacketReceived(ByteBuf packet);

    /** The phase changed (RFC 1661 §3.2). */
    default void phaseChanged(Phase from, Phase to) {}

    /** LCP came up with this agreement (Authenticate phase starts). */
    default void linkUp(LcpAgreement agreement) {}

    /**
     * Authentication failed, ours or the peer's (RFC 1994 §4.3, RFC 2759 §6): the session closes
     * for {@code reason} now, though it reaches Dead (and {@link #linkDown}) only after the LCP
     * Terminate exchange. Called once per failed authentication. The lower layer often goes first (a PNS clears
     * the call, a PAC disconnects it) and the session then ends as lower-layer-down, so whoever
     * counts or reports authentication failures takes them from here.
     */
    default void authenticationFailed(Termination reason) {}

    /** Authentication finished in both directions LCP asked for; {@code peerName} is empty for a client. */
    default void authenticated(Optional<String> peerName) {}

    /**
     * IP can flow: IPCP is up and CCP settled (MPPE on as agreed, or off as the policy allows).
     * {@link PppSession#sendIp} works from here until {@link #networkDown}.
     */
    default void networkUp(IpcpAgreement ipcp, Optional<MppeAgreement> mppe) {}

    /** IP no longer flows (IPCP or CCP went down, or the link is ending). */
    default void networkDown() {}

    /** The session reached Dead for {@code reason}; it does nothing from here on. */
    default void linkDown(Termination reason) {}

    /** Something worth a log line: discarded packets, resynchronisation, retries. */
    default void event(String message) {}
}
