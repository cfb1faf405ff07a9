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

    @Override
    public String toString() {
        return "MPPE " + strength + (stateless ? " stateless" : " stateful");
    }
}
