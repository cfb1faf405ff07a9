package net.pptpgw.protocol.ppp.fsm;

import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import net.pptpgw.protocol.ppp.ccp.CcpOption.Mppe;
import net.pptpgw.protocol.ppp.ccp.MppeSupportedBits;
import net.pptpgw.protocol.ppp.cp.ConfigurationOption;
import net.pptpgw.protocol.ppp.cp.ProtocolKind;
import net.pptpgw.protocol.ppp.fsm.CcpSettings.Mode;

/**
 * CCP negotiation of MPPE (RFC 1962, RFC 3078 §2, RFC 3079) by {@link CcpSettings}, in the
 * one-option dance Windows and pppd perform:
 *
 * <ol>
 *   <li>Each side requests option 18 with every strength it allows (L/M/S bits) and the H bit of
 *       its preferred mode: a concentrator typically sends {@code 01 00 00 60} (H, S, L).
 *   <li>The other side Naks with exactly one strength, its preferred one among those offered,
 *       and the mode it accepts (a multi-bit request is never acknowledged: RFC 3078 wants one
 *       strength per direction). Unknown bits, the obsolete D bit and MPPC's C bit are Nak'ed
 *       away, since this gateway does not compress.
 *   <li>The requester adopts the Nak if it allows what it names, and its next request is then
 *       acknowledged. If it allows none of it, MPPE cannot be agreed: with MPPE required that
 *       fails the negotiation (cause {@code mppe-required}), with MPPE allowed the requester just
 *       stops asking for it.
 * </ol>
 *
 * <p>A peer request without option 18 is Nak'ed with our offer as a hint when MPPE is required
 * (pppd instead waits and fails); other compression methods are rejected. Before the layer
 * comes up, {@link #agreementProblem} insists on MPPE both ways when required, on one strength
 * and mode for both directions whenever MPPE is used, and on MS-CHAP keys being available
 * (RFC 3079 derives MPPE keys from MS-CHAP; after PAP or CHAP-MD5 there are none).
 *
 * <p>Every session keeps one for as long as it lives (issue 5), so of each acknowledged request
 * it keeps only the MPPE it asks for, as one of the shared {@link MppeAgreement} instances, and
 * its offer as Supported Bits rather than a set.
 */
public final class CcpPolicy implements NegotiationPolicy {

    public static final String MPPE_REQUIRED = "mppe-required";
    public static final String MPPE_ONE_DIRECTION = "mppe-one-direction";
    public static final String MPPE_MISMATCH = "mppe-mismatch";

    private final CcpSettings settings;
    private final boolean mppeKeysAvailable;

    // What we request: MPPE or nothing, and if MPPE, which strengths (their Supported Bits) and mode.
    private boolean requestMppe;
    private int offer;
    private Mode mode;

    // The MPPE of each acknowledged request, null for none: ours (receive) and the peer's (transmit).
    private MppeAgreement acknowledgedByPeer;
    private MppeAgreement acknowledgedByUs;

    /**
     * @param mppeKeysAvailable whether authentication produced MPPE key material (MS-CHAP or
     *     MS-CHAPv2, RFC 3079 §3); without it MPPE cannot be offered
     */
    public CcpPolicy(CcpSettings settings, boolean mppeKeysAvailable) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.mppeKeysAvailable = mppeKeysAvailable;
        startNegotiation();
    }

    @Override
    public ProtocolKind protocol() {
        return ProtocolKind.CCP;
    }

    private boolean mppeUsable() {
        return settings.mppe() != CcpSettings.Mppe.DENY && mppeKeysAvailable;
    }

    // ---- what we request -----------------------------------------------------------------

    @Override
    public void startNegotiation() {
        requestMppe = mppeUsable();
        offer = 0;
        for (MppeStrength strength : settings.strengths()) {
            offer |= strength.bit();
        }
        mode = settings.modes().isEmpty() ? null : settings.modes().getFirst();
    }

    /** Option 18 with our current offer, or nothing: an empty request asks for no compression (RFC 1962 §3). */
    @Override
    public List<ConfigurationOption> requestedOptions() {
        return requestMppe ? List.of(new Mppe(new MppeSupportedBits(offer | CcpSettings.bits(mode)))) : List.of();
    }

    @Override
    public void requestAcknowledged(List<ConfigurationOption> options) {
        acknowledgedByPeer = mppeIn(options).orElse(null);
    }

    @Override
    public ReplyOutcome nakReceived(List<ConfigurationOption> options) {
        for (ConfigurationOption option : options) {
            if (!(option instanceof Mppe suggested) || !requestMppe) {
                continue; // hints for other methods, or MPPE we no longer ask for
            }
            Set<MppeStrength> acceptable = allowedAmong(suggested.supportedBits());
            Mode suggestedMode = modeOf(suggested.supportedBits());
            if (acceptable.isEmpty() || !settings.modes().contains(suggestedMode)) {
                if (settings.mppe() == CcpSettings.Mppe.REQUIRE) {
                    return ReplyOutcome.failed(MPPE_REQUIRED, "the peer's Configure-Nak asks for " + describe(suggested)
                            + " but the policy allows only " + settings.strengths() + " " + settings.modes());
                }
                requestMppe = false;
                continue;
            }
            offer = preferred(acceptable).bit();
            mode = suggestedMode;
        }
        return ReplyOutcome.ADOPTED;
    }

    @Override
    public ReplyOutcome rejectReceived(List<ConfigurationOption> options) {
        for (ConfigurationOption option : options) {
            if (option instanceof Mppe) {
                if (settings.mppe() == CcpSettings.Mppe.REQUIRE) {
                    return ReplyOutcome.failed(MPPE_REQUIRED,
                            "the peer rejected MPPE (CCP option 18) but the policy requires it");
                }
                requestMppe = false;
            }
        }
        return ReplyOutcome.ADOPTED;
    }

    // ---- what we accept ------------------------------------------------------------------

    @Override
    public RequestJudgement judgePeerRequest(List<ConfigurationOption> options) {
        RequestJudgement judgement = new RequestJudgement();
        boolean mppeSeen = false;
        for (ConfigurationOption option : options) {
            if (option instanceof Mppe requested && mppeUsable()) {
                mppeSeen = true;
                judgeMppe(requested, judgement);
            } else {
                judgement.reject(option); // compression methods, or MPPE we cannot do
            }
        }
        if (!mppeSeen && settings.mppe() == CcpSettings.Mppe.REQUIRE && mppeUsable()) {
            judgement.suggest(new Mppe(bits(EnumSet.copyOf(settings.strengths()), settings.modes().getFirst())));
        }
        return judgement;
    }

    private void judgeMppe(Mppe requested, RequestJudgement judgement) {
        MppeSupportedBits bits = requested.supportedBits();
        Set<MppeStrength> acceptable = allowedAmong(bits);
        Mode requestedMode = modeOf(bits);
        Mode modeChoice = settings.modes().contains(requestedMode) ? requestedMode : settings.modes().getFirst();
        MppeSupportedBits answer = acceptable.isEmpty()
                // Nothing we allow: show everything we allow and let the peer pick.
                ? bits(EnumSet.copyOf(settings.strengths()), modeChoice)
                : bits(EnumSet.of(preferred(acceptable)), modeChoice);
        if (answer.equals(bits)) {
            judgement.ack(requested);
        } else {
            judgement.nak(requested, new Mppe(answer));
        }
    }

    @Override
    public void peerRequestAcknowledged(List<ConfigurationOption> options) {
        acknowledgedByUs = mppeIn(options).orElse(null);
    }

    @Override
    public Optional<Termination> agreementProblem() {
        Optional<MppeAgreement> receive = Optional.ofNullable(acknowledgedByPeer);
        Optional<MppeAgreement> transmit = Optional.ofNullable(acknowledgedByUs);
        if (settings.mppe() == CcpSettings.Mppe.REQUIRE) {
            if (!mppeKeysAvailable) {
                return problem(MPPE_REQUIRED, "MPPE is required but authentication produced no MPPE keys "
                        + "(RFC 3079 derives them from MS-CHAP or MS-CHAPv2)");
            }
            if (receive.isEmpty()) {
                return problem(MPPE_REQUIRED, "MPPE is required but the peer did not acknowledge it for the direction toward us");
            }
            if (transmit.isEmpty()) {
                return problem(MPPE_REQUIRED, "MPPE is required but the peer did not request it for the direction toward it");
            }
        }
        if (receive.isPresent() != transmit.isPresent()) {
            return problem(MPPE_ONE_DIRECTION, "MPPE agreed in one direction only: toward us " + receive.map(Object::toString)
                    .orElse("none") + ", toward the peer " + transmit.map(Object::toString).orElse("none"));
        }
        if (!receive.equals(transmit)) {
            return problem(MPPE_MISMATCH, "MPPE differs by direction: toward us " + receive.get()
                    + ", toward the peer " + transmit.get());
        }
        return Optional.empty();
    }

    /** MPPE as agreed by the last negotiation, or empty for no encryption; meaningful once the layer is up. */
    public Optional<MppeAgreement> agreement() {
        return Optional.ofNullable(acknowledgedByPeer);
    }

    // ---- helpers -------------------------------------------------------------------------

    /**
     * The MPPE an acknowledged request asks for. Should a peer acknowledge a request with several
     * strengths, the strongest holds, as in Linux's ppp_mppe.
     */
    private static Optional<MppeAgreement> mppeIn(List<ConfigurationOption> options) {
        return options.stream().filter(Mppe.class::isInstance).map(Mppe.class::cast).findFirst()
                .flatMap(mppe -> MppeStrength.in(mppe.supportedBits()).stream()
                        .max(Comparator.comparingInt(MppeStrength::keyBits))
                        .map(strength -> MppeAgreement.of(strength, mppe.supportedBits().stateless())));
    }

    private Set<MppeStrength> allowedAmong(MppeSupportedBits bits) {
        Set<MppeStrength> strengths = MppeStrength.in(bits);
        strengths.retainAll(settings.strengths());
        return strengths;
    }

    /**
     * Our pick among acceptable strengths: the one our own request already settled on, so both
     * directions end up alike, else the first in our preference order.
     */
    private MppeStrength preferred(Set<MppeStrength> acceptable) {
        for (MppeStrength strength : acceptable) {
            if (offer == strength.bit()) {
                return strength;
            }
        }
        return settings.strengths().stream().filter(acceptable::contains).findFirst().orElseThrow();
    }

    private static Mode modeOf(MppeSupportedBits bits) {
        return bits.stateless() ? Mode.STATELESS : Mode.STATEFUL;
    }

    private static MppeSupportedBits bits(Set<MppeStrength> strengths, Mode mode) {
        int bits = CcpSettings.bits(mode);
        for (MppeStrength strength : strengths) {
            bits |= strength.bit();
        }
        return new MppeSupportedBits(bits);
    }

    private static String describe(Mppe option) {
        MppeSupportedBits bits = option.supportedBits();
        return MppeStrength.in(bits) + " " + modeOf(bits) + " (" + bits + ")";
    }

    private static Optional<Termination> problem(String cause, String detail) {
        return Optional.of(Termination.of(cause, detail));
    }
}
