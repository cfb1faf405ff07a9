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
 * instances (send and receive).
 *
 * <p>Size: a concentrator holds two per session, tens of thousands of sessions (issue 5), so the
 * state is the 256-octet permutation as a {@code byte[256]} and the two indexes, about 300 bytes
 * of heap, and nothing else: the copy buffer for direct buffers is per thread.
 *
 * <p>Speed (JMH, 1400-octet packets, JDK 25 C2; benchmarks/RESULTS.md): the keystream is made 8
 * octets at a time in a hand-unrolled block that is XORed into the data as one {@code long}. The
 * state entries are loaded sign-extended and never masked: the sums that index the state are
 * taken {@code & 0xff}, which gives the same index for a byte read as -1 as for 255, so only the
 * keystream octet placed into the {@code long} needs a mask. Unrolling by hand matters: the block
 * as a loop over 8 octets, or with {@code i} and {@code j} kept in fields, ran 12-25 % slower.
 */
public final class Rc4 {

    private static final VarHandle LONG_LE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    /** Octets copied at a time through the per-thread chunk for buffers without a backing array. */
    private static final int CHUNK_SIZE = 512;

    /**
     * The copy buffer for direct buffers, one per thread: only the thread running a
     * {@link #process(ByteBuf, int, int)} uses it, and only during that call.
     */
    private static final ThreadLocal<byte[]> CHUNK = ThreadLocal.withInitial(() -> new byte[CHUNK_SIZE]);

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
        Objects.checkFromIndexSize(offset, length, key.length);
        if (length < 1 || length > 256) {
            throw new IllegalArgumentException("an RC4 key has 1 to 256 octets, not " + length);
        }
        byte[] s = state;
        for (int n = 0; n < 256; n++) {
            s[n] = (byte) n;
        }
        int k = 0;
        for (int n = 0, keyIndex = 0; n < 256; n++) {
            byte sn = s[n];
            k = (k + sn + key[offset + keyIndex]) & 0xff;
            s[n] = s[k];
            s[k] = sn;
            if (++keyIndex == length) {
                keyIndex = 0;
            }
        }
        i = 0;
        j = 0;
    }

    /** Encrypts (or decrypts: the same) {@code data[offset, offset + length)} in place. */
    public void process(byte[] data, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, data.length);
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

    /**
     * Encrypts {@code length} octets of {@code buffer} at {@code index} in place; reader and
     * writer indexes do not move.
     *
     * <p>A heap buffer is processed in its array. A direct buffer is copied through the thread's
     * 512-octet chunk: measured as fast as the array path (copies are cheap next to RC4), while
     * {@code getLongLE}/{@code setLongLE} on the buffer itself ran at 40 %. The copies go through
     * the buffer's internal NIO view with absolute bulk transfers: {@code ByteBuf.getBytes} on a
     * pooled direct buffer duplicates a {@code ByteBuffer} per call, which C2 only sometimes
     * optimises away. A buffer of several NIO buffers (a composite) takes {@code getBytes}.
     */
    public void process(ByteBuf buffer, int index, int length) {
        Objects.checkFromIndexSize(index, length, buffer.capacity());
        if (buffer.hasArray()) {
            process(buffer.array(), buffer.arrayOffset() + index, length);
            return;
        }
        byte[] chunk = CHUNK.get();
        if (buffer.nioBufferCount() == 1) {
            ByteBuffer memory = buffer.internalNioBuffer(index, length);
            int base = memory.position();
            for (int done = 0; done < length; done += CHUNK_SIZE) {
                int size = Math.min(length - done, CHUNK_SIZE);
                memory.get(base + done, chunk, 0, size);
                process(chunk, 0, size);
                memory.put(base + done, chunk, 0, size);
            }
        } else {
            for (int done = 0; done < length; done += CHUNK_SIZE) {
                int size = Math.min(length - done, CHUNK_SIZE);
                buffer.getBytes(index + done, chunk, 0, size);
                process(chunk, 0, size);
                buffer.setBytes(index + done, chunk, 0, size);
            }
        }
    }
}
