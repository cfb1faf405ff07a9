package net.pptpgw.protocol.ppp.fsm;

import java.util.Objects;

/**
 * MPPE as CCP agreed it, the same in both directions.
 *
 * @param strength the session key length
 * @param stateless H bit: a new key for every packet (RFC 3078 §2), which survives packet loss
 *     without Reset-Requests; otherwise stateful, a new key every 256 packets
 */
public record MppeAgreement(MppeStrength strength, boolean stateless) {

    public MppeAgreement {
        Objects.requireNonNull(strength, "strength");
    }

    /** Every combination, stateful then stateless, by strength: see {@link #of}. */
    private static final MppeAgreement[] ALL = new MppeAgreement[MppeStrength.values().length * 2];

    static {
        for (MppeStrength strength : MppeStrength.values()) {
            ALL[strength.ordinal() * 2] = new MppeAgreement(strength, false);
            ALL[strength.ordinal() * 2 + 1] = new MppeAgreement(strength, true);
        }
    }

    /** A shared instance: there are six values, and every encrypted session holds one (issue 5). */
    public static MppeAgreement of(MppeStrength strength, boolean stateless) {
        return ALL[strength.ordinal() * 2 + (stateless ? 1 : 0)];
    }

    @Override
    public String toString() {
        return "MPPE " + strength + (stateless ? " stateless" : " stateful");
    }
}
