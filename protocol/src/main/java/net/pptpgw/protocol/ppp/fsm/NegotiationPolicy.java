package net.pptpgw.protocol.ppp.fsm;

import java.util.List;
import java.util.Optional;
import net.pptpgw.protocol.ppp.cp.ConfigurationOption;
import net.pptpgw.protocol.ppp.cp.ProtocolKind;

/**
 * The protocol-specific half of option negotiation, which the generic
 * {@link OptionNegotiationAutomaton} consults. It has two independent sides, as RFC 1661 §4 has
 * each direction of the link configured separately:
 *
 * <ul>
 *   <li><b>What I request</b> (options for my receive side): {@link #startNegotiation},
 *       {@link #requestedOptions}, and the peer's answers {@link #requestAcknowledged},
 *       {@link #nakReceived}, {@link #rejectReceived};
 *   <li><b>What I accept</b> from the peer: {@link #judgePeerRequest} and
 *       {@link #peerRequestAcknowledged}.
 * </ul>
 *
 * <p>The agreement is the last acknowledged request in each direction; {@link #agreementProblem}
 * vetoes one the policy cannot live with before the layer comes up.
 */
public interface NegotiationPolicy {

    /** The protocol negotiated, which decides the packets' codes and option types. */
    ProtocolKind protocol();

    /**
     * A new negotiation starts (the first Configure-Request after the layer was not negotiating):
     * forget what earlier Naks and Rejects taught and go back to the local wishes.
     */
    void startNegotiation();

    /**
     * The options of the next Configure-Request, reflecting the Naks and Rejects adopted so far.
     * Must give the same options, octet for octet, until the next {@link #startNegotiation},
     * {@link #nakReceived} or {@link #rejectReceived}: the automaton keeps only the Identifier of
     * its last request and asks again for the options to retransmit it and to check replies (one
     * list less per Opened layer, issue 5).
     */
    List<ConfigurationOption> requestedOptions();

    /** The peer acknowledged {@code options}, exactly our last request: they now hold for our receive side. */
    void requestAcknowledged(List<ConfigurationOption> options);

    /**
     * The peer Nak'ed our last request with these options (values it would accept, and hints).
     * A reply found {@link ReplyOutcome.Invalid} must leave the request as it was.
     */
    ReplyOutcome nakReceived(List<ConfigurationOption> options);

    /**
     * The peer rejected these options of our last request. The automaton has already checked
     * that they are a subsequence of that request, as RFC 1661 §5.4 requires. As for a Nak, an
     * {@link ReplyOutcome.Invalid} outcome must leave the request as it was.
     */
    ReplyOutcome rejectReceived(List<ConfigurationOption> options);

    /**
     * Judges each option of the peer's Configure-Request. Must not change the agreement: the
     * automaton reports an acknowledged request through {@link #peerRequestAcknowledged}.
     */
    RequestJudgement judgePeerRequest(List<ConfigurationOption> options);

    /** We acknowledged the peer's request with these options: they now hold for the peer's receive side. */
    void peerRequestAcknowledged(List<ConfigurationOption> options);

    /**
     * Checked when the layer is about to come up: a reason to refuse the agreement both sides
     * acknowledged (e.g. MPPE required but the peer asked for none), or empty to accept it.
     */
    default Optional<Termination> agreementProblem() {
        return Optional.empty();
    }

    /**
     * The Magic-Number this side negotiated, which an Echo-Reply carries (RFC 1661 §5.8); zero
     * for protocols without one and when none was negotiated.
     */
    default int localMagicNumber() {
        return 0;
    }
}
