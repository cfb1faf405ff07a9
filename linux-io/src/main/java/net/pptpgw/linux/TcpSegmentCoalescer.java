package net.pptpgw.linux;

import io.netty.buffer.ByteBuf;

/**
 * Collects a run of consecutive IPv4 TCP segments of one flow that a TUN opened with
 * {@code IFF_VNET_HDR} can take as ONE GSO super-packet, and writes that super-packet's headers:
 * in userspace what the kernel's GRO does on a NIC's receive path ({@code tcp_gro_receive} in
 * net/ipv4/tcp_offload.c) and what wireguard-go does for its TUN.
 *
 * <p>Why: every packet written to a TUN is routed, forwarded and received by the kernel inside
 * that {@code write(2)}, one 1,400-octet packet at a time. A super-packet takes that path once
 * and is cut back into segments only where needed (software GSO at the outgoing device, or not
 * at all when the receiver takes it whole).
 *
 * <p>A run is: IPv4 packets with a 20-octet header, not fragments, TCP, the same addresses,
 * ports, TOS, TTL and DF, Identifications counting up by one unless DF is set (the kernel's
 * segmentation numbers the segments so; with DF the field means nothing, RFC 6864 §4.1), the same TCP header length and identical option bytes (timestamps
 * included, as GRO demands), the same acknowledgment number and window, flags exactly ACK (PSH
 * allowed on the last, which ends the run), each segment's sequence number the previous one's
 * plus its payload length, every payload as long as the first except the last (which may be
 * shorter and then ends the run), at most {@value #MAX_TOTAL_LENGTH} octets and
 * {@value #MAX_SEGMENTS} segments. Every segment's IPv4 header checksum and TCP checksum must
 * verify: the super-packet goes to the kernel with {@code CHECKSUM_PARTIAL}, so the kernel
 * computes fresh checksums for the segments and would otherwise turn a corrupted segment into
 * a valid one (wireguard-go checks for the same reason).
 *
 * <p>The coalescer owns the segments {@link #offer offered} to it until {@link #releaseAll}.
 * Allocation-free: a fixed array of buffers and a few ints. One thread at a time.
 */
public final class TcpSegmentCoalescer {

    /** {@code struct virtio_net_hdr} (include/uapi/linux/virtio_net.h), the TUN's default {@code TUNSETVNETHDRSZ}. */
    public static final int VIRTIO_NET_HDR_LENGTH = 10;
    /** {@code VIRTIO_NET_HDR_F_NEEDS_CSUM}: the kernel completes the checksum at csum_start + csum_offset. */
    public static final int VIRTIO_NET_HDR_F_NEEDS_CSUM = 1;
    /** {@code VIRTIO_NET_HDR_GSO_TCPV4}. */
    public static final int VIRTIO_NET_HDR_GSO_TCPV4 = 1;
    /**
     * Segments per super-packet at most: bounds the per-queue iovec array; full-size segments
     * reach {@link #MAX_TOTAL_LENGTH} first (46 of 1,400 octets), only small ones get here.
     */
    public static final int MAX_SEGMENTS = 64;
    /** The IPv4 Total Length field's limit (RFC 791 §3.1). */
    public static final int MAX_TOTAL_LENGTH = 65_535;
    /** The virtio-net header plus the longest IPv4 (no options) and TCP header (data offset 15). */
    public static final int MAX_HEADER_LENGTH = VIRTIO_NET_HDR_LENGTH + 20 + 60;

    /** IPv4 header without options: the only kind a run takes. */
    private static final int IP_HEADER = 20;
    private static final int PROTOCOL_TCP = 6;
    // RFC 9293 §3.1: the flags octet of the TCP header.
    private static final int TCP_PSH = 0x08;
    private static final int TCP_ACK = 0x10;
    /** The checksum field's offset in the TCP header (RFC 9293 §3.1): csum_offset. */
    private static final int TCP_CHECKSUM_OFFSET = 16;

    private final ByteBuf[] segments = new ByteBuf[MAX_SEGMENTS];
    private int count;
    /** IPv4 + TCP header length, the same in every segment of the run. */
    private int headerLength;
    /** The first segment's payload length: the gso_size the kernel cuts by. */
    private int segmentSize;
    /** The super-packet's IPv4 Total Length so far. */
    private int totalLength;
    /** The sequence number the next segment must carry (mod 2^32). */
    private int nextSequence;
    /** The Identification the next segment must carry if DF is clear (mod 2^16). */
    private int nextIdentification;
    /** The last segment had PSH set. */
    private boolean push;
    /** No further segment can join: PSH, a short segment, or a limit reached. */
    private boolean full;

    /**
     * Takes {@code packet} (its readable bytes, one IPv4 packet) into the run if it continues
     * it, or starts a run with it if there is none and it can be part of one. Returns false, and
     * leaves {@code packet} alone and its caller's, otherwise.
     */
    public boolean offer(ByteBuf packet) {
        if (full) {
            return false;
        }
        int header = candidateHeaderLength(packet);
        if (header < 0) {
            return false;
        }
        int start = packet.readerIndex();
        int payload = packet.readableBytes() - header;
        if (count > 0 && !(header == headerLength
                && payload <= segmentSize
                && totalLength + payload <= MAX_TOTAL_LENGTH
                && packet.getInt(start + IP_HEADER + 4) == nextSequence
                && sameFlowAndHeaders(segments[0], packet, header)
                && (dontFragment(packet) || packet.getUnsignedShort(start + 4) == nextIdentification))) {
            return false;
        }
        if (!checksumsValid(packet)) {
            return false; // goes out alone, and the kernel drops it as it should
        }
        if (count == 0) {
            headerLength = header;
            segmentSize = payload;
            totalLength = header;
        }
        segments[count++] = packet;
        totalLength += payload;
        nextSequence = packet.getInt(start + IP_HEADER + 4) + payload;
        nextIdentification = (packet.getUnsignedShort(start + 4) + 1) & 0xFFFF;
        push = (packet.getByte(start + IP_HEADER + 13) & TCP_PSH) != 0;
        full = push || payload < segmentSize || count == MAX_SEGMENTS
                || totalLength + segmentSize > MAX_TOTAL_LENGTH;
        return true;
    }

    /** Segments in the run. */
    public int count() {
        return count;
    }

    /** Whether the run is closed to further segments; write it. */
    public boolean isFull() {
        return full;
    }

    /** Segment {@code index} of the run, still owned by the coalescer. */
    public ByteBuf segment(int index) {
        return segments[index];
    }

    /** IPv4 + TCP header length of every segment: where each one's payload starts. */
    public int headerLength() {
        return headerLength;
    }

    /** The first payload's length, the super-packet's gso_size. */
    public int segmentSize() {
        return segmentSize;
    }

    /** The super-packet's IPv4 Total Length. */
    public int totalLength() {
        return totalLength;
    }

    /** Bytes {@link #writeHeaders} writes: the virtio-net header, then IPv4 and TCP headers. */
    public int headersLength() {
        return VIRTIO_NET_HDR_LENGTH + headerLength;
    }

    /**
     * Writes the super-packet's headers at {@code index} of {@code out} ({@link #headersLength}
     * octets; followed on the wire by every segment's payload in order):
     *
     * <ul>
     *   <li>{@code struct virtio_net_hdr}, little-endian (we do not set TUNSETVNETBE): flags
     *       NEEDS_CSUM, gso_type TCPV4, hdr_len = IPv4 + TCP header, gso_size = the first
     *       payload's length, csum_start = 20 (the TCP header), csum_offset = 16 (its checksum);
     *   <li>the first segment's IPv4 header with Total Length the run's and a new header
     *       checksum (RFC 791 §3.1);
     *   <li>its TCP header, PSH if the last segment had it, and as checksum the folded,
     *       NOT complemented pseudo-header sum (source, destination, protocol, TCP length;
     *       RFC 9293 §3.1): with CHECKSUM_PARTIAL the kernel adds the sum of the rest and
     *       complements (what {@code tcp_v4_send_check} leaves for a device).
     * </ul>
     * Needs a run of at least one segment.
     */
    public void writeHeaders(ByteBuf out, int index) {
        if (count == 0) {
            throw new IllegalStateException("no run to write");
        }
        ByteBuf first = segments[0];
        out.setByte(index, VIRTIO_NET_HDR_F_NEEDS_CSUM);
        out.setByte(index + 1, VIRTIO_NET_HDR_GSO_TCPV4);
        out.setShortLE(index + 2, headerLength);
        out.setShortLE(index + 4, segmentSize);
        out.setShortLE(index + 6, IP_HEADER);
        out.setShortLE(index + 8, TCP_CHECKSUM_OFFSET);
        int ip = index + VIRTIO_NET_HDR_LENGTH;
        // Word by word: ByteBuf.setBytes between two buffers may go through NIO views (allocating)
        // when one of them has no memory address; a header is at most 20 32-bit words.
        for (int i = 0, from = first.readerIndex(); i < headerLength; i += 4) {
            out.setInt(ip + i, first.getInt(from + i));
        }
        out.setShort(ip + 2, totalLength);
        out.setShort(ip + 10, 0);
        out.setShort(ip + 10, InternetChecksum.checksum(out, ip, IP_HEADER));
        if (push) {
            out.setByte(ip + IP_HEADER + 13, TCP_ACK | TCP_PSH);
        }
        long pseudoHeader = pseudoHeaderSum(out.getInt(ip + 12), out.getInt(ip + 16), totalLength - IP_HEADER);
        out.setShort(ip + IP_HEADER + TCP_CHECKSUM_OFFSET, InternetChecksum.fold(pseudoHeader));
    }

    /** Releases every segment and starts over; returns how many there were. */
    public int releaseAll() {
        int released = count;
        for (int i = 0; i < count; i++) {
            segments[i].release();
            segments[i] = null;
        }
        count = 0;
        push = false;
        full = false;
        return released;
    }

    // ---------------------------------------------------------------- the rules

    /**
     * IPv4 + TCP header length if {@code packet} may be in a run by itself: version 4, IHL 5,
     * Total Length = the bytes there, not a fragment (MF clear, offset 0, reserved bit clear),
     * TCP, a TCP header that fits with a payload after it, reserved bits clear, flags ACK or
     * ACK+PSH. Else -1. Checksums are checked later, once the cheap rules pass.
     */
    static int candidateHeaderLength(ByteBuf packet) {
        int start = packet.readerIndex();
        int length = packet.readableBytes();
        if (length < IP_HEADER + 20
                || packet.getUnsignedByte(start) != 0x45
                || packet.getUnsignedShort(start + 2) != length
                || (packet.getUnsignedShort(start + 6) & 0xBFFF) != 0 // all but DF: reserved, MF, offset
                || packet.getUnsignedByte(start + 9) != PROTOCOL_TCP) {
            return -1;
        }
        int offsetByte = packet.getUnsignedByte(start + IP_HEADER + 12);
        int tcpHeader = (offsetByte >> 4) * 4;
        int flags = packet.getUnsignedByte(start + IP_HEADER + 13);
        if (tcpHeader < 20 || IP_HEADER + tcpHeader >= length || (offsetByte & 0x0F) != 0
                || (flags != TCP_ACK && flags != (TCP_ACK | TCP_PSH))) {
            return -1;
        }
        return IP_HEADER + tcpHeader;
    }

    /**
     * {@code next} belongs to {@code first}'s flow and may share its headers: TOS, DF, TTL,
     * addresses, ports, acknowledgment number, window and option bytes equal. The previous
     * segment's flags were ACK alone (a PSH would have closed the run).
     */
    private static boolean sameFlowAndHeaders(ByteBuf first, ByteBuf next, int header) {
        int a = first.readerIndex();
        int b = next.readerIndex();
        if (first.getByte(a + 1) != next.getByte(b + 1) // TOS
                || first.getShort(a + 6) != next.getShort(b + 6) // DF (the rest is zero in both)
                || first.getByte(a + 8) != next.getByte(b + 8) // TTL
                || first.getLong(a + 12) != next.getLong(b + 12) // source and destination
                || first.getInt(a + IP_HEADER) != next.getInt(b + IP_HEADER) // ports
                || first.getInt(a + IP_HEADER + 8) != next.getInt(b + IP_HEADER + 8) // acknowledgment number
                || first.getShort(a + IP_HEADER + 14) != next.getShort(b + IP_HEADER + 14)) { // window
            return false;
        }
        for (int i = IP_HEADER + 20; i < header; i += 4) { // options: the data offset counts 32-bit words
            if (first.getInt(a + i) != next.getInt(b + i)) {
                return false;
            }
        }
        return true;
    }

    /** DF set (RFC 791 §3.1); then the Identification is meaningless (RFC 6864 §4.1). */
    private static boolean dontFragment(ByteBuf packet) {
        return (packet.getUnsignedShort(packet.readerIndex() + 6) & 0x4000) != 0;
    }

    /** The IPv4 header checksum and the TCP checksum (over pseudo-header, header and payload) both verify. */
    static boolean checksumsValid(ByteBuf packet) {
        int start = packet.readerIndex();
        int length = packet.readableBytes();
        if (InternetChecksum.checksum(packet, start, IP_HEADER) != 0) {
            return false;
        }
        long tcp = pseudoHeaderSum(packet.getInt(start + 12), packet.getInt(start + 16), length - IP_HEADER)
                + InternetChecksum.sum(packet, start + IP_HEADER, length - IP_HEADER);
        return InternetChecksum.fold(tcp) == 0xFFFF;
    }

    /** The pseudo-header's part of the TCP checksum sum (RFC 9293 §3.1), not folded. */
    private static long pseudoHeaderSum(int source, int destination, int tcpLength) {
        return (source >>> 16) + (source & 0xFFFF) + (destination >>> 16) + (destination & 0xFFFF)
                + PROTOCOL_TCP + tcpLength;
    }
}
