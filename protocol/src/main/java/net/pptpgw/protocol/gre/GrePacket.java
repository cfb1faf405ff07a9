package net.pptpgw.protocol.gre;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufHolder;
import io.netty.buffer.Unpooled;
import java.util.OptionalLong;
import net.pptpgw.protocol.MalformedPacketException;

/**
 * One enhanced GRE packet (RFC 2637 §4.1) as an immutable message, for users off the data
 * plane (tests, the NAT helper's slow path, {@code inspect}). The data plane uses the
 * allocation-free {@link GreHeader} instead.
 *
 * <p>The payload is a PPP frame without HDLC framing; its length is the key's payload length.
 * The packet owns one reference to it.
 *
 * @param callId the receiver's call ID (0 to 65535)
 * @param sequence the sequence number when the S bit is set (unsigned 32-bit)
 * @param acknowledgment the acknowledgment number when the A bit is set (unsigned 32-bit)
 * @param payload the PPP frame; empty for an acknowledgment-only packet
 */
public record GrePacket(int callId, OptionalLong sequence, OptionalLong acknowledgment, ByteBuf payload)
        implements ByteBufHolder {

    public GrePacket {
        if ((callId & ~0xFFFF) != 0) {
            throw new IllegalArgumentException("call ID out of range: " + callId);
        }
        checkSerial("sequence", sequence);
        checkSerial("acknowledgment", acknowledgment);
        if (payload.readableBytes() > 0xFFFF) {
            throw new IllegalArgumentException("payload longer than 65535: " + payload.readableBytes());
        }
        if (payload.isReadable() && sequence.isEmpty()) {
            throw new IllegalArgumentException("a GRE payload needs a sequence number (RFC 2637 §4.1)");
        }
    }

    private static void checkSerial(String name, OptionalLong value) {
        if (value.isPresent() && (value.getAsLong() & ~SequenceNumbers.MASK) != 0) {
            throw new IllegalArgumentException(name + " number out of range: " + value.getAsLong());
        }
    }

    /** A data packet with a sequence number and no acknowledgment. */
    public static GrePacket data(int callId, long sequence, ByteBuf payload) {
        return new GrePacket(callId, OptionalLong.of(sequence), OptionalLong.empty(), payload);
    }

    /** A data packet that also acknowledges. */
    public static GrePacket data(int callId, long sequence, long acknowledgment, ByteBuf payload) {
        return new GrePacket(callId, OptionalLong.of(sequence), OptionalLong.of(acknowledgment), payload);
    }

    /** An acknowledgment-only packet (RFC 2637 §4.4): A bit, no S bit, payload length 0. */
    public static GrePacket ackOnly(int callId, long acknowledgment) {
        return new GrePacket(callId, OptionalLong.empty(), OptionalLong.of(acknowledgment), Unpooled.EMPTY_BUFFER);
    }

    public boolean isAckOnly() {
        return sequence.isEmpty() && acknowledgment.isPresent() && !payload.isReadable();
    }

    /**
     * Decodes the GRE datagram in the buffer's readable bytes (IP header already removed),
     * without moving its indices. The payload is a retained slice of {@code datagram}.
     *
     * @throws MalformedPacketException with protocol "gre" and the {@link GreDecodeStatus} reason
     */
    public static GrePacket decode(ByteBuf datagram) {
        return decode(datagram, new GreHeader());
    }

    /** As {@link #decode(ByteBuf)}, reusing {@code header} as scratch space. */
    static GrePacket decode(ByteBuf datagram, GreHeader header) {
        GreDecodeStatus status = header.decode(datagram);
        if (!status.isOk()) {
            throw header.malformed(status);
        }
        return new GrePacket(header.callId(),
                header.hasSequence() ? OptionalLong.of(header.sequence()) : OptionalLong.empty(),
                header.hasAcknowledgment() ? OptionalLong.of(header.acknowledgment()) : OptionalLong.empty(),
                datagram.retainedSlice(header.payloadOffset(), header.payloadLength()));
    }

    /** Header plus payload, as many bytes as {@link #encode} writes. */
    public int encodedLength() {
        return 8 + (sequence.isPresent() ? 4 : 0) + (acknowledgment.isPresent() ? 4 : 0) + payload.readableBytes();
    }

    /** Writes header and payload at {@code out}'s writer index; the payload's indices do not move. */
    public void encode(ByteBuf out) {
        header(new GreHeader()).writeTo(out);
        out.writeBytes(payload, payload.readerIndex(), payload.readableBytes());
    }

    /** Fills {@code header} with this packet's fields, for encoding. */
    GreHeader header(GreHeader header) {
        header.reset().callId(callId).payloadLength(payload.readableBytes());
        sequence.ifPresent(header::sequence);
        acknowledgment.ifPresent(header::acknowledgment);
        return header;
    }

    @Override
    public ByteBuf content() {
        return payload;
    }

    @Override
    public GrePacket copy() {
        return replace(payload.copy());
    }

    @Override
    public GrePacket duplicate() {
        return replace(payload.duplicate());
    }

    @Override
    public GrePacket retainedDuplicate() {
        return replace(payload.retainedDuplicate());
    }

    @Override
    public GrePacket replace(ByteBuf content) {
        return new GrePacket(callId, sequence, acknowledgment, content);
    }

    @Override
    public int refCnt() {
        return payload.refCnt();
    }

    @Override
    public GrePacket retain() {
        payload.retain();
        return this;
    }

    @Override
    public GrePacket retain(int increment) {
        payload.retain(increment);
        return this;
    }

    @Override
    public GrePacket touch() {
        payload.touch();
        return this;
    }

    @Override
    public GrePacket touch(Object hint) {
        payload.touch(hint);
        return this;
    }

    @Override
    public boolean release() {
        return payload.release();
    }

    @Override
    public boolean release(int decrement) {
        return payload.release(decrement);
    }

    @Override
    public String toString() {
        return "GrePacket[callId=" + callId
                + (sequence.isPresent() ? ", sequence=" + sequence.getAsLong() : "")
                + (acknowledgment.isPresent() ? ", acknowledgment=" + acknowledgment.getAsLong() : "")
                + ", payload=" + payload.readableBytes() + " bytes]";
    }
}
