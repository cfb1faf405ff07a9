package net.pptpgw.protocol.ppp.auth;

import net.pptpgw.protocol.Octets;
import java.security.MessageDigest;

/**
 * CHAP with MD5, algorithm 5 (RFC 1994 §4.1): the Response Value is the MD5 hash of the
 * Identifier, the shared secret and the Challenge Value, in that order.
 */
public final class ChapMd5 {

    /** The CHAP algorithm number LCP negotiates for MD5 (RFC 1994 §3). */
    public static final int ALGORITHM = 5;

    /** Octets in an MD5 Response Value. */
    public static final int RESPONSE_SIZE = 16;

    private ChapMd5() {}

    /** MD5(Identifier || secret || challenge): the Value of the Response to {@code challenge}. */
    public static byte[] response(int identifier, byte[] secret, byte[] challenge) {
        MessageDigest md5 = Digests.md5();
        md5.update((byte) identifier);
        md5.update(secret);
        md5.update(challenge);
        return md5.digest();
    }

    /** Whether {@code received} is the right Response Value, compared in constant time. */
    public static boolean verify(int identifier, byte[] secret, byte[] challenge, Octets received) {
        return received.equalsConstantTime(response(identifier, secret, challenge));
    }
}
