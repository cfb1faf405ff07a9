package net.pptpgw.protocol.ppp.mppe;

import java.security.MessageDigest;
import java.util.Arrays;

/**
 * The session key of one direction of an MPPE link, and its changes (RFC 3078 §7.3).
 *
 * <p>A key change happens every packet in stateless mode and every 256 packets in stateful
 * mode, so it runs on the data path: it allocates nothing.
 *
 * <p>Not thread-safe: each direction of a session owns one.
 */
public final class MppeSessionKey {

    private final MppeKeyStrength strength;
    private final int length;
    private final byte[] startKey;
    private final byte[] currentKey;
    private final byte[] digest = new byte[20];
    private final MessageDigest sha1 = MppeKeyDerivation.sha1();
    private final Rc4 keyChangeCipher = new Rc4();

    /**
     * Starts a direction from its start key (the first {@code strength.sessionKeyLength()}
     * octets are used) with the first session key of RFC 3079.
     */
    public MppeSessionKey(byte[] startKey, MppeKeyStrength strength) {
        this.strength = strength;
        this.length = strength.sessionKeyLength();
        if (startKey.length < length) {
            throw new IllegalArgumentException(strength + " needs a start key of " + length + " octets, got "
                    + startKey.length);
        }
        this.startKey = Arrays.copyOf(startKey, length);
        this.currentKey = Arrays.copyOf(startKey, length);
        MppeKeyDerivation.getNewKeyFromSha(sha1, this.startKey, currentKey, length, digest);
        System.arraycopy(digest, 0, currentKey, 0, length);
        strength.reduce(currentKey);
    }

    /**
     * Changes the key (RFC 3078 §7.3): the interim key GetNewKeyFromSHA(StartKey, CurrentKey)
     * is RC4-encrypted under itself, and the result, reduced to the strength, is the new key.
     */
    public void change() {
        MppeKeyDerivation.getNewKeyFromSha(sha1, startKey, currentKey, length, digest);
        System.arraycopy(digest, 0, currentKey, 0, length);
        keyChangeCipher.setKey(currentKey, 0, length);
        keyChangeCipher.process(currentKey, 0, length);
        strength.reduce(currentKey);
    }

    /**
     * Takes {@code other}'s current key: a scratch copy to try key changes on without touching
     * the real one. Both must come from the same start key and strength. Allocates nothing.
     */
    public void copyFrom(MppeSessionKey other) {
        if (other.length != length || !Arrays.equals(other.startKey, startKey)) {
            throw new IllegalArgumentException("not the same MPPE direction: another start key or strength");
        }
        System.arraycopy(other.currentKey, 0, currentKey, 0, length);
    }

    /** Starts {@code cipher}'s keystream from the current key. */
    public void keyCipher(Rc4 cipher) {
        cipher.setKey(currentKey, 0, length);
    }

    public MppeKeyStrength strength() {
        return strength;
    }

    /** A copy of the current session key. */
    public byte[] currentKey() {
        return currentKey.clone();
    }
}
