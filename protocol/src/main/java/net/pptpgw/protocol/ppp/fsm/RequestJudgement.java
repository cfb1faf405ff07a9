package net.pptpgw.protocol.ppp.fsm;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import net.pptpgw.protocol.ppp.cp.ConfigurationOption;
import net.pptpgw.protocol.ppp.cp.ControlPacket.ConfigureAck;
import net.pptpgw.protocol.ppp.cp.ControlPacket.ConfigureNak;
import net.pptpgw.protocol.ppp.cp.ControlPacket.ConfigurePacket;
import net.pptpgw.protocol.ppp.cp.ControlPacket.ConfigureReject;

/**
 * A policy's option-by-option judgement of the peer's Configure-Request, turned into the one
 * reply RFC 1661 §5.2-5.4 allow:
 *
 * <ul>
 *   <li>any option Rejected: a Configure-Reject listing exactly the rejected options, unmodified
 *       and in the order received (§5.4: Reject takes precedence, Naks wait for the next round);
 *   <li>else any option Nak'ed or suggested: a Configure-Nak with the acceptable values (§5.3),
 *       including options the peer did not send but should (§5.3 "hints");
 *   <li>else a Configure-Ack repeating every option exactly as received (§5.2).
 * </ul>
 *
 * <p>When the negotiation does not converge (Max-Failure Naks sent, §4.6), Naks turn into Rejects
 * of the option as received and hints are dropped, except for Naks a policy marks as
 * {@linkplain #nakAlways insistent}: a Magic-Number collision must stay a Nak, since rejecting
 * the option would switch off the very loop detection that found the collision (pppd does the
 * same).
 */
public final class RequestJudgement {

    /** What the policy decided about one option, or one option it wants the peer to add. */
    public sealed interface Verdict {
        /** The option acceptable as received. */
        record Ack(ConfigurationOption option) implements Verdict {}

        /** The option's value unacceptable; {@code suggestion} is one we would accept. */
        record Nak(ConfigurationOption option, ConfigurationOption suggestion, boolean insistent) implements Verdict {}

        /** The option unknown or not negotiable: returned verbatim. */
        record Reject(ConfigurationOption option) implements Verdict {}

        /** An option the peer did not include but should (a Nak "hint", RFC 1661 §5.3). */
        record Suggest(ConfigurationOption suggestion) implements Verdict {}
    }

    private final List<Verdict> verdicts = new ArrayList<>();

    public RequestJudgement ack(ConfigurationOption option) {
        verdicts.add(new Verdict.Ack(Objects.requireNonNull(option)));
        return this;
    }

    public RequestJudgement nak(ConfigurationOption option, ConfigurationOption suggestion) {
        verdicts.add(new Verdict.Nak(Objects.requireNonNull(option), Objects.requireNonNull(suggestion), false));
        return this;
    }

    /** A Nak that stays a Nak even when the negotiation does not converge (see the class comment). */
    public RequestJudgement nakAlways(ConfigurationOption option, ConfigurationOption suggestion) {
        verdicts.add(new Verdict.Nak(Objects.requireNonNull(option), Objects.requireNonNull(suggestion), true));
        return this;
    }

    public RequestJudgement reject(ConfigurationOption option) {
        verdicts.add(new Verdict.Reject(Objects.requireNonNull(option)));
        return this;
    }

    public RequestJudgement suggest(ConfigurationOption suggestion) {
        verdicts.add(new Verdict.Suggest(Objects.requireNonNull(suggestion)));
        return this;
    }

    public List<Verdict> verdicts() {
        return List.copyOf(verdicts);
    }

    /**
     * The reply to send.
     *
     * @param identifier the Identifier of the Configure-Request being answered (§5.2-5.4)
     * @param requestOptions the request's options, echoed in full by a Configure-Ack
     * @param notConverging whether Max-Failure Naks were already sent without an Ack
     */
    public ConfigurePacket reply(int identifier, List<ConfigurationOption> requestOptions, boolean notConverging) {
        List<ConfigurationOption> rejected = new ArrayList<>();
        List<ConfigurationOption> naked = new ArrayList<>();
        for (Verdict verdict : verdicts) {
            switch (verdict) {
                case Verdict.Ack ack -> {}
                case Verdict.Reject reject -> rejected.add(reject.option());
                case Verdict.Nak nak when notConverging && !nak.insistent() -> rejected.add(nak.option());
                case Verdict.Nak nak -> naked.add(nak.suggestion());
                case Verdict.Suggest suggest -> {
                    if (!notConverging) {
                        naked.add(suggest.suggestion());
                    }
                }
            }
        }
        if (!rejected.isEmpty()) {
            return new ConfigureReject(identifier, rejected);
        }
        if (!naked.isEmpty()) {
            return new ConfigureNak(identifier, naked);
        }
        return new ConfigureAck(identifier, requestOptions);
    }

    @Override
    public String toString() {
        return "RequestJudgement" + verdicts;
    }
}
