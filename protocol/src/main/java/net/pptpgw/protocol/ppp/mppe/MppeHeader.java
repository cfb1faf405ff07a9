package net.pptpgw.protocol.ppp.mppe;

import net.pptpgw.protocol.Octets;
import io.netty.buffer.ByteBuf;
import net.pptpgw.protocol.MalformedPacketException;

/**
 * The 2-octet header of an MPPE packet (RFC 3078 §3), after PPP protocol {@code 0x00FD}:
 *
 * <pre>
 *  |A|B|C|D| Coherency Count (12 bits) |
 * </pre>
 *
 * A: the RC4 state was flushed (re-keyed) before this packet; B and C: MPPC's "at front of
 * history" and "compressed" bits (RFC 2118), zero when only MPPE is on; D: the packet is
 * encrypted. The coherency count numbers packets modulo 4096 so the receiver can tell how many
 * key changes it missed.
 *
 * <p>The header is handled as an {@code int} holding its 16 bits, with static accessors, so the
 * data path allocates nothing per packet.
 */
public final class MppeHeader {

    /** Octets of the header. */
    public static final int LENGTH = 2;

    /** A: flushed. */
    public static final int FLUSHED = 0x8000;
    /** B: MPPC packet placed at the front of the history buffer. */
    public static final int AT_FRONT = 0x4000;
    /** C: MPPC compressed. */
    public static final int COMPRESSED = 0x2000;
    /** D: encrypted. */
    public static final int ENCRYPTED = 0x1000;

    public static final int COHERENCY_COUNT_MASK = 0x0FFF;

    private MppeHeader() {}

    /** The header of flags {@code A}-{@code D} (or-ed constants) and a coherency count (taken modulo 4096). */
    public static int of(int flags, int coherencyCount) {
        if ((flags & ~(FLUSHED | AT_FRONT | COMPRESSED | ENCRYPTED)) != 0) {
            throw new IllegalArgumentException("flags " + Integer.toHexString(flags) + " are not A, B, C, D");
        }
        return flags | (coherencyCount & COHERENCY_COUNT_MASK);
    }

    /**
     * Reads the header at the reader index. Every 16-bit value is a header; whether its bits
     * fit what CCP negotiated is the receiver's decision.
     *
     * @throws MalformedPacketException if fewer than 2 octets are readable
     */
    public static int decode(ByteBuf in) {
        if (in.readableBytes() < LENGTH) {
            throw new MalformedPacketException("mppe", "truncated-header",
                    in.readableBytes() + " octets received, the MPPE header needs " + LENGTH);
        }
        return in.readUnsignedShort();
    }

    public static void encode(int header, ByteBuf out) {
        out.writeShort(header);
    }

    public static boolean isFlushed(int header) {
        return (header & FLUSHED) != 0;
    }

    public static boolean isAtFront(int header) {
        return (header & AT_FRONT) != 0;
    }

    public static boolean isCompressed(int header) {
        return (header & COMPRESSED) != 0;
    }

    public static boolean isEncrypted(int header) {
        return (header & ENCRYPTED) != 0;
    }

    public static int coherencyCount(int header) {
        return header & COHERENCY_COUNT_MASK;
    }

    /** E.g. {@code "MPPE[A D cc=4095]"}, for logs. */
    public static String toString(int header) {
        StringBuilder text = new StringBuilder("MPPE[");
        if (isFlushed(header)) {
            text.append("A ");
        }
        if (isAtFront(header)) {
            text.append("B ");
        }
        if (isCompressed(header)) {
            text.append("C ");
        }
        if (isEncrypted(header)) {
            text.append("D ");
        }
        return text.append("cc=").append(coherencyCount(header)).append(']').toString();
    }
}
