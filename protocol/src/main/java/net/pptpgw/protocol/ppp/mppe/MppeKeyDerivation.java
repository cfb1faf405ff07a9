package net.pptpgw.protocol.ppp.mppe;

import net.pptpgw.protocol.Octets;
import java.nio.charset.StandardCharsets;
import java.security.DigestException;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import net.pptpgw.protocol.ppp.auth.MsChapV1;
import net.pptpgw.protocol.ppp.auth.MsChapV2;

/**
 * MPPE key derivation from MS-CHAP credentials (RFC 3079), under the RFC's function names.
 *
 * <p>Each direction of a link has a start key (the RFC's "master send/receive key"), from which
 * the first session key is made by {@link #getNewKeyFromSha} and {@link MppeKeyStrength#reduce};
 * {@link MppeSessionKey} keeps a direction's keys from there on.
 *
 * <ul>
 *   <li>MS-CHAPv2 (§3): {@link #msChapV2StartKeys}: one key per direction, distinct.
 *   <li>MS-CHAP (§2): {@link #msChapV1StartKey} for 128 bits, {@link #lanManagerStartKey} for 40
 *       and 56 bits; the same key in both directions.
 * </ul>
 */
public final class MppeKeyDerivation {

    /** §3.4 Magic1. */
    private static final byte[] MAGIC_MASTER_KEY = ascii("This is the MPPE Master Key");

    /** §3.4 Magic2: the client's send key, the server's receive key. */
    private static final byte[] MAGIC_CLIENT_SEND =
            ascii("On the client side, this is the send key; on the server side, it is the receive key.");

    /** §3.4 Magic3: the client's receive key, the server's send key. */
    private static final byte[] MAGIC_CLIENT_RECEIVE =
            ascii("On the client side, this is the receive key; on the server side, it is the send key.");

    /** §2.4 and §3.4 SHSpad1 and SHSpad2, 40 octets each. */
    private static final byte[] SHA_PAD_1 = new byte[40];
    private static final byte[] SHA_PAD_2 = new byte[40];

    static {
        Arrays.fill(SHA_PAD_2, (byte) 0xF2);
    }

    /** Octets of a master key and of the start keys derived from it. */
    public static final int START_KEY_LENGTH = 16;

    private MppeKeyDerivation() {}

    /** The start keys of the two directions of one end of a link. */
    public record StartKeys(byte[] send, byte[] receive) {}

    /**
     * The start keys of an MS-CHAPv2 authentication (RFC 3079 §3): the authenticator
     * ({@code isServer}) sends with the key the peer receives with, and the other way round.
     */
    public static StartKeys msChapV2StartKeys(String password, byte[] ntResponse, boolean isServer) {
        byte[] passwordHashHash = MsChapV2.hashNtPasswordHash(MsChapV2.ntPasswordHash(password));
        byte[] masterKey = getMasterKey(passwordHashHash, ntResponse);
        return new StartKeys(
                getAsymmetricStartKey(masterKey, START_KEY_LENGTH, true, isServer),
                getAsymmetricStartKey(masterKey, START_KEY_LENGTH, false, isServer));
    }

    /** §3.4 GetMasterKey: SHA-1(PasswordHashHash || NT-Response || Magic1), first 16 octets. */
    public static byte[] getMasterKey(byte[] passwordHashHash, byte[] ntResponse) {
        MessageDigest sha1 = sha1();
        sha1.update(passwordHashHash);
        sha1.update(ntResponse);
        sha1.update(MAGIC_MASTER_KEY);
        return Arrays.copyOf(sha1.digest(), START_KEY_LENGTH);
    }

    /**
     * §3.4 GetAsymmetricStartKey: SHA-1(MasterKey || SHSpad1 || Magic || SHSpad2), first
     * {@code sessionKeyLength} octets; Magic3 for the server's send key and the client's receive
     * key, Magic2 for the other two.
     */
    public static byte[] getAsymmetricStartKey(byte[] masterKey, int sessionKeyLength, boolean isSend,
            boolean isServer) {
        byte[] magic = isSend == isServer ? MAGIC_CLIENT_RECEIVE : MAGIC_CLIENT_SEND;
        MessageDigest sha1 = sha1();
        sha1.update(masterKey, 0, START_KEY_LENGTH);
        sha1.update(SHA_PAD_1);
        sha1.update(magic);
        sha1.update(SHA_PAD_2);
        return Arrays.copyOf(sha1.digest(), sessionKeyLength);
    }

    /**
     * §3.4 GetNewKeyFromSHA (§2.4 calls it GetKey): SHA-1(StartKey || SHSpad1 || SessionKey ||
     * SHSpad2), first {@code sessionKeyLength} octets. With the start key as both arguments it
     * gives the first session key; with the current session key, the interim key of a key
     * change (RFC 3078 §7.3).
     */
    public static byte[] getNewKeyFromSha(byte[] startKey, byte[] sessionKey, int sessionKeyLength) {
        byte[] digest = new byte[20];
        getNewKeyFromSha(sha1(), startKey, sessionKey, sessionKeyLength, digest);
        return Arrays.copyOf(digest, sessionKeyLength);
    }

    /** As above into {@code digest} (20 octets) with a reused SHA-1, for key changes without allocation. */
    static void getNewKeyFromSha(MessageDigest sha1, byte[] startKey, byte[] sessionKey, int sessionKeyLength,
            byte[] digest) {
        sha1.update(startKey, 0, sessionKeyLength);
        sha1.update(SHA_PAD_1);
        sha1.update(sessionKey, 0, sessionKeyLength);
        sha1.update(SHA_PAD_2);
        try {
            sha1.digest(digest, 0, digest.length);
        } catch (DigestException e) {
            throw new IllegalStateException("a SHA-1 digest is 20 octets", e);
        }
    }

    /**
     * The first session key of a direction (RFC 3079 §2.1-2.3, §3.1-3.3):
     * GetNewKeyFromSHA(StartKey, StartKey), reduced to the negotiated strength.
     */
    public static byte[] initialSessionKey(byte[] startKey, MppeKeyStrength strength) {
        byte[] key = getNewKeyFromSha(startKey, startKey, strength.sessionKeyLength());
        strength.reduce(key);
        return key;
    }

    /**
     * §2.4 GetStartKey, MS-CHAP's 128-bit start key for both directions: SHA-1(NtPasswordHashHash
     * || NtPasswordHashHash || Challenge), first 16 octets; {@code challenge} is the
     * authenticator's 8-octet challenge.
     */
    public static byte[] getStartKey(byte[] challenge, byte[] ntPasswordHashHash) {
        MessageDigest sha1 = sha1();
        sha1.update(ntPasswordHashHash);
        sha1.update(ntPasswordHashHash);
        sha1.update(challenge);
        return Arrays.copyOf(sha1.digest(), START_KEY_LENGTH);
    }

    /** MS-CHAP's 128-bit start key from the password: {@link #getStartKey} of its hash's hash. */
    public static byte[] msChapV1StartKey(byte[] challenge, String password) {
        return getStartKey(challenge, MsChapV2.hashNtPasswordHash(MsChapV1.ntPasswordHash(password)));
    }

    /**
     * MS-CHAP's 40- and 56-bit start key (RFC 3079 §2.1, §2.2): the first 8 octets of the LAN
     * Manager password hash. Peers that never compute that hash (pppd is one) use the first 8
     * octets of {@link #msChapV1StartKey} instead; which one a peer uses is a configuration
     * matter.
     */
    public static byte[] lanManagerStartKey(String password) {
        return Arrays.copyOf(MsChapV1.lmPasswordHash(password), 8);
    }

    static MessageDigest sha1() {
        try {
            return MessageDigest.getInstance("SHA-1");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK's SHA-1 is unavailable", e);
        }
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
