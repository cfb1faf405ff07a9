package net.pptpgw.gateway.loadgen;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.net.Inet4Address;
import net.pptpgw.linux.InternetChecksum;
import net.pptpgw.linux.Ipv4Header;

/** ICMP Echo Request packets (RFC 792) for traffic inside a tunnel, and recognising their replies. */
final class IcmpEcho {

    static final int PAYLOAD = 32;
    private static final int IP_HEADER = 20;
    private static final int ICMP_HEADER = 8;

    private IcmpEcho() {}

    /** An IPv4 ICMP Echo Request with {@code headroom} free octets before it, for in-place framing. */
    static ByteBuf request(ByteBufAllocator alloc, int headroom, Inet4Address source, Inet4Address destination,
            int identifier, int sequence) {
        int length = IP_HEADER + ICMP_HEADER + PAYLOAD;
        ByteBuf buf = alloc.directBuffer(headroom + length);
        buf.writerIndex(headroom).readerIndex(headroom);
        int start = headroom;
        buf.writeByte(0x45).writeByte(0).writeShort(length).writeShort(sequence).writeShort(0)
                .writeByte(64).writeByte(1).writeShort(0)
                .writeInt(Ipv4Header.toInt(source)).writeInt(Ipv4Header.toInt(destination));
        buf.setShort(start + 10, InternetChecksum.checksum(buf, start, IP_HEADER));
        int icmp = buf.writerIndex();
        buf.writeByte(8).writeByte(0).writeShort(0).writeShort(identifier).writeShort(sequence);
        for (int i = 0; i < PAYLOAD; i++) {
            buf.writeByte(i);
        }
        buf.setShort(icmp + 2, InternetChecksum.checksum(buf, icmp, ICMP_HEADER + PAYLOAD));
        return buf;
    }

    /** Whether {@code packet} is an ICMP Echo Reply with this identifier. */
    static boolean isReply(ByteBuf packet, int identifier) {
        int at = packet.readerIndex();
        if (packet.readableBytes() < IP_HEADER + ICMP_HEADER || (packet.getByte(at) & 0xF0) != 0x40) {
            return false;
        }
        int headerLength = (packet.getByte(at) & 0x0F) * 4;
        if (packet.getUnsignedByte(at + 9) != 1 || packet.readableBytes() < headerLength + ICMP_HEADER) {
            return false;
        }
        return packet.getUnsignedByte(at + headerLength) == 0
                && packet.getUnsignedShort(at + headerLength + 4) == identifier;
    }
}
