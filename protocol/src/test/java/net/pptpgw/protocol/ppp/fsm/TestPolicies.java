package net.pptpgw.protocol.ppp.fsm;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import net.pptpgw.protocol.ppp.cp.ConfigurationOption;
import net.pptpgw.protocol.ppp.cp.ProtocolKind;

/** Policy doubles for peers that behave in ways our own policies never do. */
final class TestPolicies {

    private TestPolicies() {}

    /**
     * A peer that Configure-Rejects every option of the given types in our requests, and
     * otherwise behaves as {@code inner}: e.g. a peer that will not hear of an MRU.
     */
    static NegotiationPolicy rejecting(NegotiationPolicy inner, Set<Integer> types) {
        return new NegotiationPolicy() {
            @Override
            public ProtocolKind protocol() {
                return inner.protocol();
            }

            @Override
            public void startNegotiation() {
                inner.startNegotiation();
            }

            @Override
            public List<ConfigurationOption> requestedOptions() {
                return inner.requestedOptions();
            }

            @Override
            public void requestAcknowledged(List<ConfigurationOption> options) {
                inner.requestAcknowledged(options);
            }

            @Override
            public ReplyOutcome nakReceived(List<ConfigurationOption> options) {
                return inner.nakReceived(options);
            }

            @Override
            public ReplyOutcome rejectReceived(List<ConfigurationOption> options) {
                return inner.rejectReceived(options);
            }

            @Override
            public RequestJudgement judgePeerRequest(List<ConfigurationOption> options) {
                List<ConfigurationOption> unwanted = options.stream().filter(o -> types.contains(o.type())).toList();
                if (unwanted.isEmpty()) {
                    return inner.judgePeerRequest(options);
                }
                RequestJudgement judgement = new RequestJudgement();
                unwanted.forEach(judgement::reject);
                return judgement;
            }

            @Override
            public void peerRequestAcknowledged(List<ConfigurationOption> options) {
                inner.peerRequestAcknowledged(options);
            }

            @Override
            public Optional<Termination> agreementProblem() {
                return inner.agreementProblem();
            }

            @Override
            public int localMagicNumber() {
                return inner.localMagicNumber();
            }
        };
    }
}
