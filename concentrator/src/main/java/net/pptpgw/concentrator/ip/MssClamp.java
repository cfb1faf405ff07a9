package net.pptpgw.concentrator.ip;

import io.netty.buffer.ByteBuf;

/**
 * Lowers the Maximum Segment Size option (RFC 9293 §3.7.1, kind 2, length 4) of a TCP SYN in an
 * IPv4 packet to what fits the tunnel, in place, with the TCP checksum updated incrementally
 * (RFC 1624 eqn. 3: {@code HC' = ~(~HC + ~m + m')}). Both ends then send segments that fit the
 * PPP link without IP fragmentation, whatever their own MTU: what pppd's users do with
 * iptables' TCPMSS target and Windows' RRAS does itself.
 *
 * <p>Reads and writes only within the packet's readable bytes, after checking every length
 * against them; anything that is not a whole, unfragmented IPv4 TCP SYN is left alone.
 * No allocation.
 */
public final class MssClamp {

    private static final int PROTOCOL_TCP = 6;
    private static final int TCP_FLAG_SYN = 0x02;
    private static final int OPTION_END = 0;
    private static final int OPTION_NOP = 1;
    private static final int OPTION_MSS = 2;
    /** IPv4 and TCP headers without options: what the MSS leaves out of the MTU (RFC 9293 §3.7.1). */
    public static final int TCP_IP_HEADERS = 40;

    private MssClamp() {}

    /**
     * Clamps the MSS of {@code packet} (an IPv4 packet, its readable bytes) to {@code maxMss}.
     *
     * @return true when an MSS option was lowered
     */
    public static boolean clamp(ByteBuf packet, int maxMss) {
        int ip = packet.readerIndex();
        int length = packet.readableBytes();
        if (length < 20 || (packet.getByte(ip) & 0xF0) != 0x40 || packet.getByte(ip + 9) != PROTOCOL_TCP) {
            return false;
        }
        // Only the first fragment carries the TCP header, and only an unfragmented packet is
        // sure to carry all of it: offset 0 and no More-Fragments (RFC 791 §3.1).
        if ((packet.getShort(ip + 6) & 0x3FFF) != 0) {
            return false;
        }
        int ipHeaderLength = (packet.getByte(ip) & 0x0F) * 4;
        int totalLength = Math.min(packet.getUnsignedShort(ip + 2), length);
        int tcp = ip + ipHeaderLength;
        if (ipHeaderLength < 20 || totalLength < ipHeaderLength + 20) {
            return false;
        }
        if ((packet.getByte(tcp + 13) & TCP_FLAG_SYN) == 0) {
            return false;
        }
        int tcpHeaderLength = ((packet.getByte(tcp + 12) >> 4) & 0x0F) * 4;
        if (tcpHeaderLength < 20 || ipHeaderLength + tcpHeaderLength > totalLength) {
            return false;
        }
        int end = tcp + tcpHeaderLength;
        int at = tcp + 20;
        while (at < end) {
            int kind = packet.getUnsignedByte(at);
            if (kind == OPTION_END) {
                return false;
            }
            if (kind == OPTION_NOP) {
                at++;
                continue;
            }
            if (at + 1 >= end) {
                return false;
            }
            int optionLength = packet.getUnsignedByte(at + 1);
            if (optionLength < 2 || at + optionLength > end) {
                return false; // malformed options: not ours to repair
            }
            if (kind == OPTION_MSS && optionLength == 4) {
                int mss = packet.getUnsignedShort(at + 2);
                if (mss <= maxMss) {
                    return false;
                }
                packet.setShort(at + 2, maxMss);
                // The checksum sums 16-bit words from the TCP header's start; a value at an odd
                // offset straddles two words, and its contribution is then its bytes swapped
                // (the one's complement sum commutes with byte swapping, RFC 1071 §2(B)).
                boolean odd = ((at + 2 - tcp) & 1) != 0;
                int before = odd ? swap(mss) : mss;
                int after = odd ? swap(maxMss) : maxMss;
                int checksum = packet.getUnsignedShort(tcp + 16);
                packet.setShort(tcp + 16, updateChecksum(checksum, before, after));
                return true;
            }
            at += optionLength;
        }
        return false;
    }

    /** RFC 1624 eqn. 3: the checksum after a 16-bit word changes from {@code before} to {@code after}. */
    static int updateChecksum(int checksum, int before, int after) {
        int sum = (~checksum & 0xFFFF) + (~before & 0xFFFF) + after;
        sum = (sum & 0xFFFF) + (sum >>> 16);
        sum = (sum & 0xFFFF) + (sum >>> 16);
        return ~sum & 0xFFFF;
    }

    private static int swap(int value) {
        return ((value & 0xFF) << 8) | (value >>> 8);
    }

    /** The MSS that fits an MTU (RFC 9293 §3.7.1: MTU minus fixed IPv4 and TCP headers). */
    public static int mssFor(int mtu) {
        return mtu - TCP_IP_HEADERS;
    }
}
