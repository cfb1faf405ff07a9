package net.pptpgw.gateway.inspect;

import io.netty.buffer.ByteBuf;
import net.pptpgw.protocol.MalformedPacketException;

/**
 * A TCP segment as captured (RFC 9293 section 3.1).
 *
 * @param sourcePort the source port
 * @param destinationPort the destination port
 * @param sequenceNumber the sequence number, unsigned 32 bits
 * @param acknowledgementNumber the acknowledgement number, unsigned 32 bits (meaningful with ACK)
 * @param flags the control bits of byte 13 (CWR ECE URG ACK PSH RST SYN FIN)
 * @param window the receive window, unscaled
 * @param options the header options
 * @param payload the payload bytes captured: fewer than {@code payloadLength} when the snap length cut the frame
 * @param payloadLength the payload's length on the wire
 */
public record TcpSegment(
        int sourcePort,
        int destinationPort,
        long sequenceNumber,
        long acknowledgementNumber,
        int flags,
        int window,
        ByteBuf options,
        ByteBuf payload,
        int payloadLength) {

    public static final int FIN = 0x01;
    public static final int SYN = 0x02;
    public static final int RST = 0x04;
    public static final int PSH = 0x08;
    public static final int ACK = 0x10;
    private static final int MIN_HEADER = 20;

    /**
     * Reads the segment at {@code captured}'s reader index.
     *
     * @param captured the IP payload as captured
     * @param segmentLength the segment's length on the wire (IP total length minus IP header)
     * @throws MalformedPacketException when the header is cut short or its data offset does not fit
     */
    public static TcpSegment decode(ByteBuf captured, int segmentLength) {
        int at = captured.readerIndex();
        int available = Math.min(captured.readableBytes(), segmentLength);
        if (available < MIN_HEADER) {
            throw malformed("truncated-header", "a TCP header is at least 20 bytes, " + available + " of a "
                    + segmentLength + "-byte segment captured");
        }
        int headerLength = (captured.getUnsignedByte(at + 12) >> 4) * 4;
        if (headerLength < MIN_HEADER || headerLength > segmentLength) {
            throw malformed("bad-data-offset", "data offset says a " + headerLength + "-byte header in a "
                    + segmentLength + "-byte segment");
        }
        if (headerLength > available) {
            throw malformed("truncated-header", "data offset says a " + headerLength + "-byte header, " + available + " captured");
        }
        return new TcpSegment(
                captured.getUnsignedShort(at),
                captured.getUnsignedShort(at + 2),
                captured.getUnsignedInt(at + 4),
                captured.getUnsignedInt(at + 8),
                captured.getUnsignedByte(at + 13),
                captured.getUnsignedShort(at + 14),
                captured.slice(at + MIN_HEADER, headerLength - MIN_HEADER),
                captured.slice(at + headerLength, available - headerLength),
                segmentLength - headerLength);
    }

    public boolean syn() {
        return (flags & SYN) != 0;
    }

    public boolean fin() {
        return (flags & FIN) != 0;
    }

    public boolean rst() {
        return (flags & RST) != 0;
    }

    public boolean ack() {
        return (flags & ACK) != 0;
    }

    /** Whether the capture kept less of the payload than the segment carried. */
    public boolean payloadTruncated() {
        return payload.readableBytes() < payloadLength;
    }

    private static MalformedPacketException malformed(String reason, String detail) {
        return new MalformedPacketException("tcp", reason, detail);
    }
}
