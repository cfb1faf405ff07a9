package net.pptpgw.protocol.ppp.mppe;

import io.netty.buffer.ByteBuf;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Objects;

/**
 * The RC4 stream cipher that MPPE encrypts with (RFC 3078), in place, without allocating.
 *
 * <p>One instance is one keystream: MPPE keeps it running across packets in stateful mode and
 * re-keys it ({@link #setKey}) at every key change. Not thread-safe; a session owns its two
 * instances (send and receive) in stateful mode.
 *
 * <p>Size: a concentrator holds tens of thousands of sessions (issue 5), so an instance keeps
 * the permutation as a {@code byte[256]} and the two indexes, about 300 bytes of heap, and
 * nothing else: the working storage below is per thread.
 *
 * <p>Speed (JMH, 1400-octet packets, JDK 25 C2; benchmarks/RESULTS.md): the keystream is made 8
 * octets at a time in a hand-unrolled block that is XORed into the data as one {@code long}
 * (as a loop over 8 octets, or with {@code i} and {@code j} in fields, it ran 12-25 % slower).
 * The same block runs about 20 % faster over an {@code int[256]} state than over a
 * {@code byte[256]} one, more than it costs to widen the 256 octets into the thread's
 * {@code int[256]} and narrow them back (about 0.1 µs). So a run of at least
 * {@value #WIDEN_THRESHOLD} octets (a full-size packet) is processed widened, a shorter one (an
 * ACK, a key change) in the {@code byte[]} directly; both blocks are the same PRGA. In the
 * {@code byte[]} block the state entries are loaded sign-extended and never masked: the sums
 * that index the state are taken {@code & 0xff}, which gives the same index for an octet read
 * as -1 as for 255, so only the keystream octet placed into the {@code long} needs a mask.
 */
public final class Rc4 {

    private static final VarHandle LONG_LE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    /** Octets copied at a time through the per-thread chunk for buffers without a backing array. */
    private static final int CHUNK_SIZE = 2048;

    /** Runs at least this long are processed with the state widened to {@code int}s (measured crossover). */
    static final int WIDEN_THRESHOLD = 512;

    /**
     * Working storage, one per thread, used only inside one {@code process} call: the state
     * widened to {@code int}s and the copy buffer for direct buffers.
     */
    private static final class Scratch {
        final int[] wide = new int[256];
        final byte[] chunk = new byte[CHUNK_SIZE];
    }

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    /** The permutation S of 0..255, one value per octet (read as signed, see above). */
    private final byte[] state = new byte[256];
    private int i;
    private int j;

    /** An unkeyed cipher; call {@link #setKey} before use. */
    public Rc4() {}

    public Rc4(byte[] key) {
        setKey(key, 0, key.length);
    }

    /** Key scheduling (KSA): starts a new keystream from 1 to 256 key octets. */
    public void setKey(byte[] key, int offset, int length) {
        // One key schedule for both uses (see processOnce): run on the thread's int[256], kept narrowed.
        narrow(scheduleWide(SCRATCH.get().wide, key, offset, length));
        i = 0;
        j = 0;
    }

    /** Encrypts (or decrypts: the same) {@code data[offset, offset + length)} in place. */
    public void process(byte[] data, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, data.length);
        if (length >= WIDEN_THRESHOLD) {
            int[] wide = widen(SCRATCH.get());
            indexes(processWide(wide, i, j, data, offset, length));
            narrow(wide);
        } else {
            processCompact(data, offset, length);
        }
    }

    /** The PRGA over the {@code byte[]} state. */
    private void processCompact(byte[] data, int offset, int length) {
        byte[] s = state;
        int i = this.i;
        int j = this.j;
        int n = offset;
        int end = offset + length;
        for (; end - n >= 8; n += 8) {
            int si;
            int sj;
            // PRGA, 8 times: i += 1; j += S[i]; swap S[i], S[j]; keystream octet S[S[i] + S[j]].
            i = (i + 1) & 0xff; si = s[i]; j = (j + si) & 0xff; sj = s[j]; s[i] = (byte) sj; s[j] = (byte) si;
            long k = s[(si + sj) & 0xff] & 0xffL;
            i = (i + 1) & 0xff; si = s[i]; j = (j + si) & 0xff; sj = s[j]; s[i] = (byte) sj; s[j] = (byte) si;
            k |= (s[(si + sj) & 0xff] & 0xffL) << 8;
            i = (i + 1) & 0xff; si = s[i]; j = (j + si) & 0xff; sj = s[j]; s[i] = (byte) sj; s[j] = (byte) si;
            k |= (s[(si + sj) & 0xff] & 0xffL) << 16;
            i = (i + 1) & 0xff; si = s[i]; j = (j + si) & 0xff; sj = s[j]; s[i] = (byte) sj; s[j] = (byte) si;
            k |= (s[(si + sj) & 0xff] & 0xffL) << 24;
            i = (i + 1) & 0xff; si = s[i]; j = (j + si) & 0xff; sj = s[j]; s[i] = (byte) sj; s[j] = (byte) si;
            k |= (s[(si + sj) & 0xff] & 0xffL) << 32;
            i = (i + 1) & 0xff; si = s[i]; j = (j + si) & 0xff; sj = s[j]; s[i] = (byte) sj; s[j] = (byte) si;
            k |= (s[(si + sj) & 0xff] & 0xffL) << 40;
            i = (i + 1) & 0xff; si = s[i]; j = (j + si) & 0xff; sj = s[j]; s[i] = (byte) sj; s[j] = (byte) si;
            k |= (s[(si + sj) & 0xff] & 0xffL) << 48;
            i = (i + 1) & 0xff; si = s[i]; j = (j + si) & 0xff; sj = s[j]; s[i] = (byte) sj; s[j] = (byte) si;
            k |= (long) s[(si + sj) & 0xff] << 56; // the sign extension is shifted out
            // Little-endian: the first keystream octet (bits 0-7) meets the first data octet.
            LONG_LE.set(data, n, (long) LONG_LE.get(data, n) ^ k);
        }
        for (; n < end; n++) {
            i = (i + 1) & 0xff;
            int si = s[i];
            j = (j + si) & 0xff;
            int sj = s[j];
            s[i] = (byte) sj;
            s[j] = (byte) si;
            data[n] ^= s[(si + sj) & 0xff];
        }
        this.i = i;
        this.j = j;
    }

    /** Copies the state into the thread's {@code int[256]} and returns that. */
    private int[] widen(Scratch scratch) {
        int[] w = scratch.wide;
        byte[] s = state;
        for (int n = 0; n < 256; n++) {
            w[n] = s[n] & 0xff;
        }
        return w;
    }

    /** Copies the widened state back after {@link #processWide}. */
    private void narrow(int[] w) {
        byte[] s = state;
        for (int n = 0; n < 256; n++) {
            s[n] = (byte) w[n];
        }
    }

    /**
     * The PRGA over a state widened into {@code w}, from indexes {@code i} and {@code j};
     * returns them after the run as {@code i << 8 | j}.
     */
    private static int processWide(int[] w, int i, int j, byte[] data, int offset, int length) {
        int n = offset;
        int end = offset + length;
        for (; end - n >= 8; n += 8) {
            int si;
            int sj;
            // The block of processCompact over int entries: no masks, no narrowing stores.
            i = (i + 1) & 0xff; si = w[i]; j = (j + si) & 0xff; sj = w[j]; w[i] = sj; w[j] = si;
            long k = w[(si + sj) & 0xff];
            i = (i + 1) & 0xff; si = w[i]; j = (j + si) & 0xff; sj = w[j]; w[i] = sj; w[j] = si;
            k |= (long) w[(si + sj) & 0xff] << 8;
            i = (i + 1) & 0xff; si = w[i]; j = (j + si) & 0xff; sj = w[j]; w[i] = sj; w[j] = si;
            k |= (long) w[(si + sj) & 0xff] << 16;
            i = (i + 1) & 0xff; si = w[i]; j = (j + si) & 0xff; sj = w[j]; w[i] = sj; w[j] = si;
            k |= (long) w[(si + sj) & 0xff] << 24;
            i = (i + 1) & 0xff; si = w[i]; j = (j + si) & 0xff; sj = w[j]; w[i] = sj; w[j] = si;
            k |= (long) w[(si + sj) & 0xff] << 32;
            i = (i + 1) & 0xff; si = w[i]; j = (j + si) & 0xff; sj = w[j]; w[i] = sj; w[j] = si;
            k |= (long) w[(si + sj) & 0xff] << 40;
            i = (i + 1) & 0xff; si = w[i]; j = (j + si) & 0xff; sj = w[j]; w[i] = sj; w[j] = si;
            k |= (long) w[(si + sj) & 0xff] << 48;
            i = (i + 1) & 0xff; si = w[i]; j = (j + si) & 0xff; sj = w[j]; w[i] = sj; w[j] = si;
            k |= (long) w[(si + sj) & 0xff] << 56;
            LONG_LE.set(data, n, (long) LONG_LE.get(data, n) ^ k);
        }
        for (; n < end; n++) {
            i = (i + 1) & 0xff;
            int si = w[i];
            j = (j + si) & 0xff;
            int sj = w[j];
            w[i] = sj;
            w[j] = si;
            data[n] ^= (byte) w[(si + sj) & 0xff];
        }
        return i << 8 | j;
    }

    /**
     * Encrypts {@code length} octets of {@code buffer} at {@code index} in place; reader and
     * writer indexes do not move.
     *
     * <p>A heap buffer is processed in its array, a direct one through the thread's chunk (see
     * {@link #copyOut}).
     */
    public void process(ByteBuf buffer, int index, int length) {
        Objects.checkFromIndexSize(index, length, buffer.capacity());
        if (buffer.hasArray()) {
            process(buffer.array(), buffer.arrayOffset() + index, length);
            return;
        }
        Scratch scratch = SCRATCH.get();
        if (length >= WIDEN_THRESHOLD) {
            int[] wide = widen(scratch); // once for the whole run, not per chunk
            indexes(processWide(wide, i, j, buffer, index, length, scratch.chunk));
            narrow(wide);
            return;
        }
        // Shorter than WIDEN_THRESHOLD, so one chunk.
        byte[] chunk = scratch.chunk;
        copyOut(buffer, index, chunk, length);
        processCompact(chunk, 0, length);
        copyIn(chunk, buffer, index, length);
    }

    /**
     * A keystream used once and thrown away: keys RC4 with {@code key[keyOffset, keyOffset +
     * keyLength)} and encrypts {@code data[offset, offset + length)} in place. Stateless MPPE
     * (RFC 3078 §3.1) keys a fresh keystream for every packet, and the key change encrypts its
     * interim key under itself (§7.3): neither needs the keystream afterwards, so the key
     * schedule runs straight in the thread's {@code int[256]} and no {@code byte[]} state is kept,
     * widened or narrowed. {@code key} and {@code data} may overlap: the key is read before the
     * data is touched.
     */
    public static void processOnce(byte[] key, int keyOffset, int keyLength, byte[] data, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, data.length);
        int[] wide = scheduleWide(SCRATCH.get().wide, key, keyOffset, keyLength);
        processWide(wide, 0, 0, data, offset, length);
    }

    /** {@link #processOnce(byte[], int, int, byte[], int, int)} on {@code length} octets of {@code buffer} at {@code index}. */
    public static void processOnce(byte[] key, int keyOffset, int keyLength, ByteBuf buffer, int index, int length) {
        Objects.checkFromIndexSize(index, length, buffer.capacity());
        if (buffer.hasArray()) {
            processOnce(key, keyOffset, keyLength, buffer.array(), buffer.arrayOffset() + index, length);
            return;
        }
        Scratch scratch = SCRATCH.get();
        int[] wide = scheduleWide(scratch.wide, key, keyOffset, keyLength);
        processWide(wide, 0, 0, buffer, index, length, scratch.chunk);
    }

    /** Key scheduling (KSA) into {@code w}, the state widened to {@code int}s; returns {@code w}. */
    private static int[] scheduleWide(int[] w, byte[] key, int offset, int length) {
        checkKey(key, offset, length);
        for (int n = 0; n < 256; n++) {
            w[n] = n;
        }
        int k = 0;
        for (int n = 0, keyIndex = 0; n < 256; n++) {
            int wn = w[n];
            k = (k + wn + key[offset + keyIndex]) & 0xff; // a negative key octet gives the same sum mod 256
            w[n] = w[k];
            w[k] = wn;
            if (++keyIndex == length) {
                keyIndex = 0;
            }
        }
        return w;
    }

    /**
     * {@link #processWide} on a buffer without a backing array, copied through {@code chunk}
     * ({@value #CHUNK_SIZE} octets: a full-size packet in one piece). Measured as fast as the
     * array path (copies are cheap next to RC4), while {@code getLongLE}/{@code setLongLE} on the
     * buffer itself ran at 40 %.
     */
    private static int processWide(int[] w, int i, int j, ByteBuf buffer, int index, int length, byte[] chunk) {
        int indexes = i << 8 | j;
        for (int done = 0; done < length; done += CHUNK_SIZE) {
            int size = Math.min(length - done, CHUNK_SIZE);
            copyOut(buffer, index + done, chunk, size);
            indexes = processWide(w, indexes >>> 8, indexes & 0xff, chunk, 0, size);
            copyIn(chunk, buffer, index + done, size);
        }
        return indexes;
    }

    /**
     * Copies {@code buffer[index, index + size)} into {@code chunk}. Through the buffer's internal
     * NIO view with an absolute bulk transfer: {@code ByteBuf.getBytes} on a pooled direct buffer
     * duplicates a {@code ByteBuffer} per call, which C2 only sometimes optimises away. A buffer
     * of several NIO buffers (a composite) takes {@code getBytes}.
     */
    private static void copyOut(ByteBuf buffer, int index, byte[] chunk, int size) {
        if (buffer.nioBufferCount() == 1) {
            ByteBuffer memory = buffer.internalNioBuffer(index, size);
            memory.get(memory.position(), chunk, 0, size);
        } else {
            buffer.getBytes(index, chunk, 0, size);
        }
    }

    /** Copies {@code chunk[0, size)} back to {@code buffer} at {@code index}; see {@link #copyOut}. */
    private static void copyIn(byte[] chunk, ByteBuf buffer, int index, int size) {
        if (buffer.nioBufferCount() == 1) {
            ByteBuffer memory = buffer.internalNioBuffer(index, size);
            memory.put(memory.position(), chunk, 0, size);
        } else {
            buffer.setBytes(index, chunk, 0, size);
        }
    }

    private static void checkKey(byte[] key, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, key.length);
        if (length < 1 || length > 256) {
            throw new IllegalArgumentException("an RC4 key has 1 to 256 octets, not " + length);
        }
    }

    private void indexes(int packed) {
        i = packed >>> 8;
        j = packed & 0xff;
    }
}
