package net.pptpgw.protocol.ppp.mppe;

import net.pptpgw.protocol.Octets;

/**
 * The MPPE session key strengths CCP negotiates (RFC 3078 §2: the L, M and S bits): 40 and 56
 * bits use an 8-octet key with known first octets, 128 bits a 16-octet key.
 */
public enum MppeKeyStrength {
    BITS_40(8),
    BITS_56(8),
    BITS_128(16);

    private final int sessionKeyLength;

    MppeKeyStrength(int sessionKeyLength) {
        this.sessionKeyLength = sessionKeyLength;
    }

    /** Octets of the session key: 8 or 16. */
    public int sessionKeyLength() {
        return sessionKeyLength;
    }

    /**
     * Reduces the effective key length in place (RFC 3079 §2.1, §2.2, §3.1, §3.2): a 40-bit key
     * starts with {@code D1 26 9E}, a 56-bit key with {@code D1}; a 128-bit key is unchanged.
     */
    public void reduce(byte[] sessionKey) {
        switch (this) {
            case BITS_40 -> {
                sessionKey[0] = (byte) 0xD1;
                sessionKey[1] = (byte) 0x26;
                sessionKey[2] = (byte) 0x9E;
            }
            case BITS_56 -> sessionKey[0] = (byte) 0xD1;
            case BITS_128 -> { }
        }
    }
}
