package net.pptpgw.linux;

import io.netty.buffer.ByteBuf;

/**
 * The Internet checksum (RFC 1071): the one's complement of the one's complement sum of the
 * 16-bit words, an odd last octet padded with zero. IPv4 headers (RFC 791 §3.1), ICMP (RFC 792)
 * and TCP (RFC 9293 §3.1, over a pseudo-header) carry it; a range that includes its own correct
 * checksum sums to 0xFFFF, so its checksum is zero.
 *
 * <p>{@link #sum} and {@link #fold} are the steps, for a sum built from pieces (a pseudo-header,
 * a partial checksum); {@link #checksum} is the usual whole. Allocation-free.
 */
public final class InternetChecksum {

    private InternetChecksum() {}

    /** The checksum of {@code length} octets of {@code buffer} from absolute index {@code index}. */
    public static int checksum(ByteBuf buffer, int index, int length) {
        return ~fold(sum(buffer, index, length)) & 0xFFFF;
    }

    /**
     * RFC 1071 sum of {@code length} octets at {@code index}, not folded. Eight octets per step
     * as two 32-bit words: the one's complement sum does not depend on the word size once
     * folded (RFC 1071 §2 (B)), and a 64-bit accumulator cannot overflow on a packet.
     */
    public static long sum(ByteBuf buffer, int index, int length) {
        long sum = 0;
        int i = 0;
        for (; i + 8 <= length; i += 8) {
            long word = buffer.getLong(index + i);
            sum += (word >>> 32) + (word & 0xFFFF_FFFFL);
        }
        for (; i + 2 <= length; i += 2) {
            sum += buffer.getUnsignedShort(index + i);
        }
        if (i < length) {
            sum += buffer.getUnsignedByte(index + i) << 8;
        }
        return sum;
    }

    /** Folds a one's complement sum to 16 bits (RFC 1071 §4.1), without complementing. */
    public static int fold(long sum) {
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xFFFF) + (sum >>> 16);
        }
        return (int) sum;
    }
}
