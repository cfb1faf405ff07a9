package net.pptpgw.protocol.ppp.fsm;

import java.util.List;
import java.util.Objects;
import net.pptpgw.protocol.ppp.ccp.MppeSupportedBits;

/**
 * The MPPE policy for CCP (RFC 3078, RFC 3079). This gateway does no compression (MPPC and
 * RFC 1962's methods are refused); CCP exists to negotiate encryption.
 *
 * @param mppe whether MPPE is required, allowed or refused
 * @param strengths the key lengths allowed, strongest preference first
 * @param modes the modes allowed, preferred first: stateless (a key per packet, what pppd
 *     insists on by default since stateful mode breaks on lossy links) and/or stateful
 */
public record CcpSettings(Mppe mppe, List<MppeStrength> strengths, List<Mode> modes) {

    /** Whether MPPE must, may or must not be used. */
    public enum Mppe {
        /** The link ends if MPPE is not agreed in both directions. */
        REQUIRE,
        /** MPPE if the peer wants it; no encryption otherwise. */
        ALLOW,
        /** Never: option 18 is rejected and never requested. */
        DENY
    }

    /** MPPE key change mode (H bit, RFC 3078 §2). */
    public enum Mode {
        STATELESS,
        STATEFUL
    }

    public CcpSettings {
        Objects.requireNonNull(mppe, "mppe");
        strengths = List.copyOf(strengths);
        modes = List.copyOf(modes);
        if (mppe != Mppe.DENY && (strengths.isEmpty() || modes.isEmpty())) {
            throw new IllegalArgumentException("MPPE " + mppe + " needs at least one strength and one mode");
        }
        if (strengths.stream().distinct().count() != strengths.size() || modes.stream().distinct().count() != modes.size()) {
            throw new IllegalArgumentException("strength or mode listed twice: " + strengths + ", " + modes);
        }
    }

    /** MPPE required, 128-bit only, stateless only: what pppd's {@code require-mppe-128} does. */
    public static CcpSettings require128Stateless() {
        return new CcpSettings(Mppe.REQUIRE, List.of(MppeStrength.BITS_128), List.of(Mode.STATELESS));
    }

    /** No encryption. */
    public static CcpSettings deny() {
        return new CcpSettings(Mppe.DENY, List.of(), List.of());
    }

    /** The H bit for {@code mode}. */
    static int bits(Mode mode) {
        return mode == Mode.STATELESS ? MppeSupportedBits.STATELESS : 0;
    }
}
