package net.pptpgw.protocol.ppp.fsm;

import java.util.Objects;

/** What a policy made of a Configure-Nak or Configure-Reject answering our request. */
public sealed interface ReplyOutcome {

    /** The reply was understood; the next Configure-Request reflects it. */
    record Adopted() implements ReplyOutcome {}

    /**
     * The reply is invalid (e.g. it rejects an option with a value we did not send): RFC 1661
     * §5.3/§5.4 have it silently discarded, and the automaton does so.
     */
    record Invalid(String reason) implements ReplyOutcome {
        public Invalid {
            Objects.requireNonNull(reason, "reason");
        }
    }

    /**
     * No agreement is possible (the peer refuses what the policy requires): the automaton closes
     * the layer, as RFC 1661 §4.3 suggests for an authentication failure, with this reason.
     */
    record Failed(Termination reason) implements ReplyOutcome {
        public Failed {
            Objects.requireNonNull(reason, "reason");
        }
    }

    ReplyOutcome ADOPTED = new Adopted();

    static ReplyOutcome invalid(String reason) {
        return new Invalid(reason);
    }

    static ReplyOutcome failed(String cause, String detail) {
        return new Failed(Termination.of(cause, detail));
    }
}
