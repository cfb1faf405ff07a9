package net.pptpgw.protocol.ppp.auth;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * MS-CHAP version 1, CHAP algorithm {@code 0x80}: the functions of RFC 2433 Appendix A under
 * their RFC names. MS-CHAPv2 reuses {@link #ntPasswordHash}, {@link #challengeResponse} and
 * {@link #desEncrypt} unchanged (RFC 2759 §8.3, §8.5, §8.6).
 *
 * <p>Passwords are Unicode, hashed as UTF-16LE (the RFC's "0-to-256-unicode-char Password").
 */
public final class MsChapV1 {

    /** The CHAP algorithm number LCP negotiates for MS-CHAP (RFC 2433, LCP Configuration). */
    public static final int ALGORITHM = 0x80;

    /** The clear text the LAN Manager hash encrypts under each half of the password. */
    private static final byte[] STD_TEXT = "KGS!@#$%".getBytes(StandardCharsets.US_ASCII);

    private static final int LM_PASSWORD_LENGTH = 14;

    private MsChapV1() {}

    /** NtChallengeResponse: {@code ChallengeResponse(challenge, NtPasswordHash(password))}, 24 octets. */
    public static byte[] ntChallengeResponse(byte[] challenge, String password) {
        return challengeResponse(challenge, ntPasswordHash(password));
    }

    /**
     * LmChallengeResponse: the same with the LAN Manager hash. Only for peers that cannot send
     * an NT response (the Use-NT flag is 0); the LAN Manager hash is weak.
     */
    public static byte[] lmChallengeResponse(byte[] challenge, String password) {
        return challengeResponse(challenge, lmPasswordHash(password));
    }

    /** NtPasswordHash: MD4 of the password in UTF-16LE, 16 octets. */
    public static byte[] ntPasswordHash(String password) {
        return Digests.md4(password.getBytes(StandardCharsets.UTF_16LE));
    }

    /**
     * LmPasswordHash: the password upper-cased, in 14 octets of the OEM character set (ASCII
     * here; other characters become {@code '?'}), zero-padded or cut; each 7-octet half is
     * the DES key that encrypts {@code "KGS!@#$%"} (DesHash). 16 octets.
     */
    public static byte[] lmPasswordHash(String password) {
        byte[] upper = password.toUpperCase(Locale.ROOT).getBytes(StandardCharsets.US_ASCII);
        byte[] padded = new byte[LM_PASSWORD_LENGTH];
        System.arraycopy(upper, 0, padded, 0, Math.min(upper.length, LM_PASSWORD_LENGTH));
        byte[] hash = new byte[16];
        Digests.desEncrypt(STD_TEXT, 0, padded, 0, hash, 0);
        Digests.desEncrypt(STD_TEXT, 0, padded, 7, hash, 8);
        return hash;
    }

    /**
     * ChallengeResponse: the 16-octet password hash, zero-padded to 21 octets, makes three
     * 7-octet DES keys; each encrypts the 8-octet challenge. 24 octets.
     */
    public static byte[] challengeResponse(byte[] challenge, byte[] passwordHash) {
        if (challenge.length != 8 || passwordHash.length != 16) {
            throw new IllegalArgumentException("needs an 8-octet challenge and a 16-octet password hash, got "
                    + challenge.length + " and " + passwordHash.length);
        }
        byte[] zPasswordHash = new byte[21];
        System.arraycopy(passwordHash, 0, zPasswordHash, 0, 16);
        byte[] response = new byte[24];
        for (int block = 0; block < 3; block++) {
            Digests.desEncrypt(challenge, 0, zPasswordHash, 7 * block, response, 8 * block);
        }
        return response;
    }

    /** DesEncrypt: one 8-octet block under a 7-octet key, parity bits added (RFC 2759 §9.3). */
    public static byte[] desEncrypt(byte[] clear, byte[] key) {
        if (clear.length != 8 || key.length != 7) {
            throw new IllegalArgumentException("needs 8 octets of clear text and a 7-octet key, got "
                    + clear.length + " and " + key.length);
        }
        byte[] cypher = new byte[8];
        Digests.desEncrypt(clear, 0, key, 0, cypher, 0);
        return cypher;
    }
}
