package net.pptpgw.concentrator.ip;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import net.pptpgw.linux.InternetChecksum;

/**
 * ICMP Destination Unreachable, "fragmentation needed and DF set" (RFC 792, type 3 code 4), with
 * the Next-Hop MTU of RFC 1191 §4 in the low 16 bits of the word RFC 792 left unused: what a
 * router answers a datagram it may not fragment and cannot forward whole, and what drives the
 * sender's Path MTU Discovery. The message quotes the datagram's IP header and its first 8 data
 * octets (RFC 792), enough for the sender to find the TCP connection or UDP socket it concerns.
 */
final class FragmentationNeeded {

    static final int TYPE_DESTINATION_UNREACHABLE = 3;
    static final int CODE_FRAGMENTATION_NEEDED = 4;
    private static final int PROTOCOL_ICMP = 1;
    private static final int ICMP_HEADER_LENGTH = 8;
    private static final int QUOTED_DATA = 8;
    /** RFC 1812 §4.3.2.5: ICMP errors SHOULD have precedence 6 (Internetwork Control), as Linux sends them. */
    private static final int TOS_INTERNETWORK_CONTROL = 0xC0;
    private static final int TTL = 64;
    /** The highest ICMP type RFC 792 and RFC 950 define; Linux, too, answers nothing above it. */
    private static final int HIGHEST_KNOWN_TYPE = 18;

    private FragmentationNeeded() {}

    /**
     * Whether RFC 1812 §4.3.2.7 lets a router answer {@code packet} (a datagram
     * {@link Ipv4Fragmenter#headerLength} accepts, header length {@code headerLength}) with an
     * ICMP error. It must not for: an ICMP error (or an ICMP message of unknown type, which may
     * be one), a fragment other than the first, a source that is not one host (0/8, 127/8,
     * multicast, class E, limited broadcast). The destination is a pool address, always unicast.
     */
    static boolean mayAnswer(ByteBuf packet, int headerLength) {
        int start = packet.readerIndex();
        if ((packet.getUnsignedShort(start + 6) & 0x1FFF) != 0) {
            return false;
        }
        int firstOctet = packet.getUnsignedByte(start + 12);
        if (firstOctet == 0 || firstOctet == 127 || firstOctet >= 224) {
            return false;
        }
        if (packet.getUnsignedByte(start + 9) == PROTOCOL_ICMP) {
            if (packet.getUnsignedShort(start + 2) <= headerLength) {
                return false; // no ICMP type to look at: not something to answer
            }
            int type = packet.getUnsignedByte(start + headerLength);
            return type <= HIGHEST_KNOWN_TYPE && !isError(type);
        }
        return true;
    }

    /** The ICMP error types of RFC 792: Destination Unreachable, Source Quench, Redirect, Time Exceeded, Parameter Problem. */
    private static boolean isError(int type) {
        return type == 3 || type == 4 || type == 5 || type == 11 || type == 12;
    }

    /**
     * The answer to {@code packet} (header length {@code headerLength}), from {@code source} (the
     * concentrator's own address on the TUN) to the datagram's source, telling it {@code mtu}.
     * A new buffer from {@code allocator}, owned by the caller.
     */
    static ByteBuf build(ByteBufAllocator allocator, ByteBuf packet, int headerLength, int source, int mtu,
            int identification) {
        int start = packet.readerIndex();
        int quoted = headerLength + Math.min(QUOTED_DATA, packet.getUnsignedShort(start + 2) - headerLength);
        int icmpLength = ICMP_HEADER_LENGTH + quoted;
        int totalLength = Ipv4Fragmenter.MIN_HEADER_LENGTH + icmpLength;
        ByteBuf answer = allocator.directBuffer(totalLength);
        answer.writeByte(0x45).writeByte(TOS_INTERNETWORK_CONTROL).writeShort(totalLength)
                .writeShort(identification).writeShort(0).writeByte(TTL).writeByte(PROTOCOL_ICMP).writeShort(0)
                .writeInt(source).writeInt(packet.getInt(start + 12));
        answer.setShort(10, InternetChecksum.checksum(answer, 0, Ipv4Fragmenter.MIN_HEADER_LENGTH));
        int icmp = answer.writerIndex();
        answer.writeByte(TYPE_DESTINATION_UNREACHABLE).writeByte(CODE_FRAGMENTATION_NEEDED).writeShort(0)
                .writeShort(0).writeShort(mtu);
        answer.writeBytes(packet, start, quoted);
        answer.setShort(icmp + 2, InternetChecksum.checksum(answer, icmp, icmpLength));
        return answer;
    }
}
