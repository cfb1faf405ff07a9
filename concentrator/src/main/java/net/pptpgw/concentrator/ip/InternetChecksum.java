package net.pptpgw.concentrator.ip;

import io.netty.buffer.ByteBuf;

/**
 * The Internet checksum (RFC 1071): the one's complement of the one's complement sum of the
 * 16-bit words, an odd last octet padded with zero. IPv4 headers (RFC 791 §3.1) and ICMP
 * messages (RFC 792) carry it; a range that includes its own correct checksum sums to zero.
 */
final class InternetChecksum {

    private InternetChecksum() {}

    /** The checksum of {@code length} octets of {@code buf} from absolute index {@code offset}. */
    static int compute(ByteBuf buf, int offset, int length) {
        long sum = 0;
        int end = offset + length;
        int at = offset;
        for (; at + 1 < end; at += 2) {
            sum += buf.getUnsignedShort(at);
        }
        if (at < end) {
            sum += buf.getUnsignedByte(at) << 8;
        }
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xFFFF) + (sum >>> 16);
        }
        return (int) ~sum & 0xFFFF;
    }
}
