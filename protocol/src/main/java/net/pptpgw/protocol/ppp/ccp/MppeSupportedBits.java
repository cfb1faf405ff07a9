package net.pptpgw.protocol.ppp.ccp;

import java.util.StringJoiner;

/**
 * The 32-bit Supported Bits field of the CCP option 18 that negotiates MPPC compression and MPPE
 * encryption (RFC 2118, RFC 3078 §2; 56-bit keys from RFC 3079). Bits are named as in the
 * RFC, counted from the most significant octet, which is sent first:
 *
 * <pre>
 *  H (0x01000000)  stateless mode: a new key for every packet
 *  M (0x00000080)  56-bit session keys (derived per RFC 3079)
 *  S (0x00000040)  128-bit session keys
 *  L (0x00000020)  40-bit session keys
 *  D (0x00000010)  obsolete; RFC 3078 says it should be 0
 *  C (0x00000001)  MPPC compression (RFC 2118)
 * </pre>
 *
 * <p>Other bits are kept as received, so a Configure-Nak can name exactly what is refused.
 *
 * @param bits the field, most significant octet first on the wire
 */
public record MppeSupportedBits(int bits) {

    public static final int STATELESS = 0x0100_0000;
    public static final int KEY_56_BIT = 0x0000_0080;
    public static final int KEY_128_BIT = 0x0000_0040;
    public static final int KEY_40_BIT = 0x0000_0020;
    public static final int OBSOLETE_D = 0x0000_0010;
    public static final int MPPC_COMPRESSION = 0x0000_0001;

    /** Every bit an RFC defines. */
    public static final int KNOWN_BITS = STATELESS | KEY_56_BIT | KEY_128_BIT | KEY_40_BIT | OBSOLETE_D | MPPC_COMPRESSION;

    public static final MppeSupportedBits NONE = new MppeSupportedBits(0);

    public boolean has(int bit) {
        return (bits & bit) == bit;
    }

    public MppeSupportedBits with(int bit) {
        return new MppeSupportedBits(bits | bit);
    }

    public MppeSupportedBits without(int bit) {
        return new MppeSupportedBits(bits & ~bit);
    }

    /** H: stateless (historyless) mode, a key change for every packet. */
    public boolean stateless() {
        return has(STATELESS);
    }

    /** S: 128-bit keys. */
    public boolean key128Bit() {
        return has(KEY_128_BIT);
    }

    /** M: 56-bit keys. */
    public boolean key56Bit() {
        return has(KEY_56_BIT);
    }

    /** L: 40-bit keys. */
    public boolean key40Bit() {
        return has(KEY_40_BIT);
    }

    /** C: MPPC compression. */
    public boolean mppcCompression() {
        return has(MPPC_COMPRESSION);
    }

    /** Whether any encryption strength (L, M or S) is offered: the field then negotiates MPPE. */
    public boolean encryption() {
        return (bits & (KEY_40_BIT | KEY_56_BIT | KEY_128_BIT)) != 0;
    }

    /** The bits no RFC defines. */
    public int unknownBits() {
        return bits & ~KNOWN_BITS;
    }

    @Override
    public String toString() {
        StringJoiner names = new StringJoiner(" ", "MppeSupportedBits[0x" + String.format("%08x", bits) + " ", "]")
                .setEmptyValue("MppeSupportedBits[0x" + String.format("%08x", bits) + "]");
        if (stateless()) {
            names.add("H");
        }
        if (key56Bit()) {
            names.add("M");
        }
        if (key128Bit()) {
            names.add("S");
        }
        if (key40Bit()) {
            names.add("L");
        }
        if (has(OBSOLETE_D)) {
            names.add("D");
        }
        if (mppcCompression()) {
            names.add("C");
        }
        if (unknownBits() != 0) {
            names.add("unknown=0x" + String.format("%08x", unknownBits()));
        }
        return names.toString();
    }
}
