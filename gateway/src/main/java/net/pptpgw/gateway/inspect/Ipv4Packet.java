package net.pptpgw.gateway.inspect;

import io.netty.buffer.ByteBuf;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import net.pptpgw.protocol.MalformedPacketException;

/**
 * An IPv4 packet as captured (RFC 791 section 3.1).
 *
 * @param headerLength the header length in bytes (IHL times 4), options included
 * @param totalLength the packet's length on the wire, header included
 * @param identification the identification field, shared by the fragments of one datagram
 * @param dontFragment the DF flag
 * @param moreFragments the MF flag
 * @param fragmentOffset where this fragment's data belongs in the datagram, in bytes
 * @param timeToLive the TTL
 * @param protocol the payload's IP protocol number (6 TCP, 47 GRE...)
 * @param source the source address
 * @param destination the destination address
 * @param options the header options, empty when IHL is 5
 * @param payload the payload bytes captured: fewer than {@link #payloadLength()} when the snap length cut the frame
 */
public record Ipv4Packet(
        int headerLength,
        int totalLength,
        int identification,
        boolean dontFragment,
        boolean moreFragments,
        int fragmentOffset,
        int timeToLive,
        int protocol,
        Inet4Address source,
        Inet4Address destination,
        ByteBuf options,
        ByteBuf payload) {

    public static final int PROTOCOL_ICMP = 1;
    public static final int PROTOCOL_TCP = 6;
    public static final int PROTOCOL_GRE = 47;
    private static final int MIN_HEADER = 20;

    /**
     * Reads the packet at {@code packet}'s reader index; options and payload are slices of it.
     * Bytes past the total length (Ethernet padding) are not part of the payload.
     *
     * @throws MalformedPacketException when the version is not 4 or a length does not fit
     */
    public static Ipv4Packet decode(ByteBuf packet) {
        int at = packet.readerIndex();
        int captured = packet.readableBytes();
        if (captured < MIN_HEADER) {
            throw malformed("truncated-header", "an IPv4 header is at least 20 bytes, " + captured + " captured");
        }
        int versionAndIhl = packet.getUnsignedByte(at);
        if (versionAndIhl >> 4 != 4) {
            throw malformed("bad-version", "IP version " + (versionAndIhl >> 4));
        }
        int headerLength = (versionAndIhl & 0x0f) * 4;
        if (headerLength < MIN_HEADER) {
            throw malformed("bad-header-length", "IHL " + (headerLength / 4) + " is below the minimum of 5");
        }
        if (headerLength > captured) {
            throw malformed("truncated-header", "IHL says a " + headerLength + "-byte header, " + captured + " captured");
        }
        int totalLength = packet.getUnsignedShort(at + 2);
        if (totalLength < headerLength) {
            throw malformed("bad-total-length", "total length " + totalLength + " is shorter than the " + headerLength + "-byte header");
        }
        int flagsAndOffset = packet.getUnsignedShort(at + 6);
        int payloadCaptured = Math.min(captured, totalLength) - headerLength;
        return new Ipv4Packet(
                headerLength,
                totalLength,
                packet.getUnsignedShort(at + 4),
                (flagsAndOffset & 0x4000) != 0,
                (flagsAndOffset & 0x2000) != 0,
                (flagsAndOffset & 0x1fff) * 8,
                packet.getUnsignedByte(at + 8),
                packet.getUnsignedByte(at + 9),
                address(packet, at + 12),
                address(packet, at + 16),
                packet.slice(at + MIN_HEADER, headerLength - MIN_HEADER),
                packet.slice(at + headerLength, payloadCaptured));
    }

    /** The payload's length on the wire. */
    public int payloadLength() {
        return totalLength - headerLength;
    }

    /** Whether the capture kept less of the payload than the packet carried. */
    public boolean payloadTruncated() {
        return payload.readableBytes() < payloadLength();
    }

    /** Whether this is one fragment of a larger datagram (RFC 791 section 2.3): MF set or a non-zero offset. */
    public boolean isFragment() {
        return moreFragments || fragmentOffset != 0;
    }

    private static Inet4Address address(ByteBuf packet, int index) {
        byte[] bytes = new byte[4];
        packet.getBytes(index, bytes);
        try {
            return (Inet4Address) InetAddress.getByAddress(bytes);
        } catch (UnknownHostException impossible) {
            throw new AssertionError("4 bytes are always an IPv4 address", impossible);
        }
    }

    private static MalformedPacketException malformed(String reason, String detail) {
        return new MalformedPacketException("ipv4", reason, detail);
    }
}
