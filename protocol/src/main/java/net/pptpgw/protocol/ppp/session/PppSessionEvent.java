package net.pptpgw.protocol.ppp.session;

import java.util.Objects;
import java.util.Optional;
import net.pptpgw.protocol.ppp.fsm.IpcpAgreement;
import net.pptpgw.protocol.ppp.fsm.LcpAgreement;
import net.pptpgw.protocol.ppp.fsm.MppeAgreement;
import net.pptpgw.protocol.ppp.fsm.Termination;

/**
 * The milestones of a {@link PppSession} as {@link PppSessionHandler} fires them up the
 * pipeline ({@code userEventTriggered}), one record per {@link PppOutput} callback.
 */
public sealed interface PppSessionEvent {

    /** The phase changed (RFC 1661 §3.2). */
    record PhaseChanged(Phase from, Phase to) implements PppSessionEvent {}

    /** LCP is up with this agreement; the Authenticate phase starts. */
    record LinkUp(LcpAgreement agreement) implements PppSessionEvent {}

    /** Authentication finished; {@code peerName} is the authenticated peer's (server side). */
    record Authenticated(Optional<String> peerName) implements PppSessionEvent {}

    /** IP can flow: writes of IP packets are sent from here until {@link NetworkDown}. */
    record NetworkUp(IpcpAgreement ipcp, Optional<MppeAgreement> mppe) implements PppSessionEvent {}

    /** IP no longer flows. */
    record NetworkDown() implements PppSessionEvent {}

    /** The session is dead for {@code reason}; it does nothing more. */
    record LinkDown(Termination reason) implements PppSessionEvent {
        public LinkDown {
            Objects.requireNonNull(reason, "reason");
        }
    }

    /** Something worth a log line: a discarded packet, a resynchronisation, a retry. */
    record Note(String message) implements PppSessionEvent {}
}
