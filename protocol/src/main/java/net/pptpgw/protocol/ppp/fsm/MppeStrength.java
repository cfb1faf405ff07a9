package net.pptpgw.protocol.ppp.fsm;

import java.util.EnumSet;
import java.util.Set;
import net.pptpgw.protocol.ppp.ccp.MppeSupportedBits;

/** MPPE session key lengths (RFC 3078 §2, RFC 3079 §3), each a bit of the Supported Bits. */
public enum MppeStrength {

    /** L: 40-bit keys. */
    BITS_40(MppeSupportedBits.KEY_40_BIT, 40),
    /** M: 56-bit keys (RFC 3079 §3.2). */
    BITS_56(MppeSupportedBits.KEY_56_BIT, 56),
    /** S: 128-bit keys. */
    BITS_128(MppeSupportedBits.KEY_128_BIT, 128);

    private final int bit;
    private final int keyBits;

    MppeStrength(int bit, int keyBits) {
        this.bit = bit;
        this.keyBits = keyBits;
    }

    /** The strength's bit in the Supported Bits field. */
    public int bit() {
        return bit;
    }

    /** The effective key length in bits. */
    public int keyBits() {
        return keyBits;
    }

    /** The strengths whose bits are set in {@code bits}. */
    public static Set<MppeStrength> in(MppeSupportedBits bits) {
        Set<MppeStrength> strengths = EnumSet.noneOf(MppeStrength.class);
        for (MppeStrength strength : values()) {
            if (bits.has(strength.bit)) {
                strengths.add(strength);
            }
        }
        return strengths;
    }

    @Override
    public String toString() {
        return keyBits + "-bit";
    }
}
