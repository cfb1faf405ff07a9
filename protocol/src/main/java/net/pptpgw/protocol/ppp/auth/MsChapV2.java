package net.pptpgw.protocol.ppp.auth;

import net.pptpgw.protocol.Octets;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;

/**
 * MS-CHAPv2, CHAP algorithm {@code 0x81}: the functions of RFC 2759 §8 under their RFC names.
 *
 * <p>Passwords are Unicode, hashed as UTF-16LE. A user name is the CHAP Name octets; a
 * {@code DOMAIN\} prefix is dropped where §8.2 says so. Servers that store NT password hashes
 * instead of passwords use the overloads that take the hash.
 */
public final class MsChapV2 {

    /** The CHAP algorithm number LCP negotiates for MS-CHAPv2 (RFC 2759 §2). */
    public static final int ALGORITHM = 0x81;

    /** RFC 2759 §8.7 Magic1. */
    private static final byte[] MAGIC_SERVER_TO_CLIENT =
            "Magic server to client signing constant".getBytes(StandardCharsets.US_ASCII);

    /** RFC 2759 §8.7 Magic2. */
    private static final byte[] MAGIC_PAD =
            "Pad to make it do more than one iteration".getBytes(StandardCharsets.US_ASCII);

    private MsChapV2() {}

    /** §8.1 GenerateNTResponse: the 24-octet NT-Response of a Response packet. */
    public static byte[] generateNtResponse(byte[] authenticatorChallenge, byte[] peerChallenge, byte[] userName,
            String password) {
        return generateNtResponse(authenticatorChallenge, peerChallenge, userName, ntPasswordHash(password));
    }

    /** §8.1 GenerateNTResponse from a stored NT password hash. */
    public static byte[] generateNtResponse(byte[] authenticatorChallenge, byte[] peerChallenge, byte[] userName,
            byte[] passwordHash) {
        return challengeResponse(challengeHash(peerChallenge, authenticatorChallenge, userName), passwordHash);
    }

    /**
     * §8.2 ChallengeHash: the first 8 octets of SHA-1(PeerChallenge || AuthenticatorChallenge
     * || UserName), the user name without any {@code DOMAIN\} prefix.
     */
    public static byte[] challengeHash(byte[] peerChallenge, byte[] authenticatorChallenge, byte[] userName) {
        checkChallenge("Peer-Challenge", peerChallenge);
        checkChallenge("Authenticator Challenge", authenticatorChallenge);
        MessageDigest sha1 = Digests.sha1();
        sha1.update(peerChallenge);
        sha1.update(authenticatorChallenge);
        int nameStart = lastBackslash(userName) + 1;
        sha1.update(userName, nameStart, userName.length - nameStart);
        return Arrays.copyOf(sha1.digest(), 8);
    }

    /** §8.3 NtPasswordHash: MD4 of the password in UTF-16LE. */
    public static byte[] ntPasswordHash(String password) {
        return MsChapV1.ntPasswordHash(password);
    }

    /** §8.4 HashNtPasswordHash: MD4 of the NT password hash. */
    public static byte[] hashNtPasswordHash(byte[] passwordHash) {
        return Digests.md4(passwordHash);
    }

    /** §8.5 ChallengeResponse: as in MS-CHAP (RFC 2433). */
    public static byte[] challengeResponse(byte[] challenge, byte[] passwordHash) {
        return MsChapV1.challengeResponse(challenge, passwordHash);
    }

    /** §8.6 DesEncrypt: as in MS-CHAP (RFC 2433). */
    public static byte[] desEncrypt(byte[] clear, byte[] key) {
        return MsChapV1.desEncrypt(clear, key);
    }

    /**
     * §8.7 GenerateAuthenticatorResponse: the 20 octets the server sends as {@code S=} in its
     * Success message, proving it knows the password too.
     */
    public static byte[] generateAuthenticatorResponse(String password, byte[] ntResponse, byte[] peerChallenge,
            byte[] authenticatorChallenge, byte[] userName) {
        return generateAuthenticatorResponse(ntPasswordHash(password), ntResponse, peerChallenge,
                authenticatorChallenge, userName);
    }

    /** §8.7 GenerateAuthenticatorResponse from a stored NT password hash. */
    public static byte[] generateAuthenticatorResponse(byte[] passwordHash, byte[] ntResponse, byte[] peerChallenge,
            byte[] authenticatorChallenge, byte[] userName) {
        if (ntResponse.length != 24) {
            throw new IllegalArgumentException("the NT-Response has 24 octets, not " + ntResponse.length);
        }
        MessageDigest sha1 = Digests.sha1();
        sha1.update(hashNtPasswordHash(passwordHash));
        sha1.update(ntResponse);
        sha1.update(MAGIC_SERVER_TO_CLIENT);
        byte[] digest = sha1.digest();
        sha1.update(digest);
        sha1.update(challengeHash(peerChallenge, authenticatorChallenge, userName));
        sha1.update(MAGIC_PAD);
        return sha1.digest();
    }

    /**
     * §8.8 CheckAuthenticatorResponse: whether the server's {@code S=} value (as
     * {@link MsChapSuccess#authenticatorResponse()} reads it) is right, compared in constant time.
     */
    public static boolean checkAuthenticatorResponse(String password, byte[] ntResponse, byte[] peerChallenge,
            byte[] authenticatorChallenge, byte[] userName, Octets receivedResponse) {
        return receivedResponse.equalsConstantTime(generateAuthenticatorResponse(password, ntResponse,
                peerChallenge, authenticatorChallenge, userName));
    }

    private static int lastBackslash(byte[] userName) {
        for (int i = userName.length - 1; i >= 0; i--) {
            if (userName[i] == '\\') {
                return i;
            }
        }
        return -1;
    }

    private static void checkChallenge(String name, byte[] challenge) {
        if (challenge.length != 16) {
            throw new IllegalArgumentException("the " + name + " has 16 octets, not " + challenge.length);
        }
    }
}
