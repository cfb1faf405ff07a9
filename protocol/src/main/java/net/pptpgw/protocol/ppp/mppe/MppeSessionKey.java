package net.pptpgw.protocol.ppp.mppe;

import io.netty.buffer.ByteBuf;
import java.security.MessageDigest;
import java.util.Arrays;

/**
 * The session key of one direction of an MPPE link, and its changes (RFC 3078 §7.3).
 *
 * <p>A key change happens every packet in stateless mode and every 256 packets in stateful
 * mode, so it runs on the data path: it allocates nothing.
 *
 * <p>Per direction it keeps only what the RFC carries from one change to the next: the start key
 * and the current session key. The SHA-1, its digest and the RC4 that encrypts the interim key
 * are working storage of one change, so they are per thread ({@link KeyChange}), not per
 * session: with tens of thousands of sessions (issue 5) a SHA-1 and an RC4 state per direction
 * would be most of a session's heap.
 *
 * <p>Not thread-safe: each direction of a session owns one.
 */
public final class MppeSessionKey {

    /** The working storage of a key change, one per thread; used only inside one call. */
    private static final class KeyChange {
        final MessageDigest sha1 = MppeKeyDerivation.sha1();
        final byte[] digest = new byte[20];
    }

    private static final ThreadLocal<KeyChange> KEY_CHANGE = ThreadLocal.withInitial(KeyChange::new);

    private final MppeKeyStrength strength;
    private final byte[] startKey;
    private final byte[] currentKey;

    /**
     * Starts a direction from its start key (the first {@code strength.sessionKeyLength()}
     * octets are used) with the first session key of RFC 3079.
     */
    public MppeSessionKey(byte[] startKey, MppeKeyStrength strength) {
        this.strength = strength;
        int length = strength.sessionKeyLength();
        if (startKey.length < length) {
            throw new IllegalArgumentException(strength + " needs a start key of " + length + " octets, got "
                    + startKey.length);
        }
        this.startKey = Arrays.copyOf(startKey, length);
        this.currentKey = Arrays.copyOf(startKey, length);
        KeyChange scratch = KEY_CHANGE.get();
        MppeKeyDerivation.getNewKeyFromSha(scratch.sha1, this.startKey, currentKey, length, scratch.digest);
        System.arraycopy(scratch.digest, 0, currentKey, 0, length);
        strength.reduce(currentKey);
    }

    /**
     * Changes the key (RFC 3078 §7.3): the interim key GetNewKeyFromSHA(StartKey, CurrentKey)
     * is RC4-encrypted under itself, and the result, reduced to the strength, is the new key.
     */
    public void change() {
        KeyChange scratch = KEY_CHANGE.get();
        int length = currentKey.length;
        MppeKeyDerivation.getNewKeyFromSha(scratch.sha1, startKey, currentKey, length, scratch.digest);
        System.arraycopy(scratch.digest, 0, currentKey, 0, length);
        Rc4.processOnce(currentKey, 0, length, currentKey, 0, length);
        strength.reduce(currentKey);
    }

    /**
     * Takes {@code other}'s current key: a scratch copy to try key changes on without touching
     * the real one. Both must come from the same start key and strength. Allocates nothing.
     */
    public void copyFrom(MppeSessionKey other) {
        if (other.strength != strength || !Arrays.equals(other.startKey, startKey)) {
            throw new IllegalArgumentException("not the same MPPE direction: another start key or strength");
        }
        System.arraycopy(other.currentKey, 0, currentKey, 0, currentKey.length);
    }

    /** A copy of {@code other} (same start key, strength and current key), for {@link #copyFrom}. */
    public MppeSessionKey(MppeSessionKey other) {
        this.strength = other.strength;
        this.startKey = other.startKey.clone();
        this.currentKey = other.currentKey.clone();
    }

    /**
     * Encrypts (or decrypts) one packet in stateless mode: a keystream from the current key, used
     * for {@code length} octets of {@code buffer} at {@code index} and thrown away. A stateless
     * direction changes its key before every packet (RFC 3078 §3.1), so no keystream outlives a
     * packet and the session needs no RC4 state of its own.
     */
    public void processPacket(ByteBuf buffer, int index, int length) {
        Rc4.processOnce(currentKey, 0, currentKey.length, buffer, index, length);
    }

    /** Starts {@code cipher}'s keystream from the current key. */
    public void keyCipher(Rc4 cipher) {
        cipher.setKey(currentKey, 0, currentKey.length);
    }

    public MppeKeyStrength strength() {
        return strength;
    }

    /** A copy of the current session key. */
    public byte[] currentKey() {
        return currentKey.clone();
    }
}
