package net.pptpgw.protocol.gre;

import io.netty.buffer.ByteBuf;
import net.pptpgw.protocol.MalformedPacketException;

/**
 * The enhanced GRE header of RFC 2637 §4.1 as a mutable flyweight: the data plane keeps one
 * instance per receive loop and refills it for every packet, so decoding and encoding allocate
 * nothing.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |C|R|K|S|s|Recur|A| Flags | Ver |         Protocol Type         |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |    Key (HW) Payload Length    |       Key (LW) Call ID        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                  Sequence Number (Optional)                   |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |               Acknowledgment Number (Optional)                |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * <p>The call ID is the <em>receiver's</em>: each side puts its peer's call ID into what it sends.
 * Call ID 0 is valid. Sequence and acknowledgment numbers are unsigned 32-bit values held in a
 * {@code long}; they wrap, so compare them with {@link SequenceNumbers}.
 *
 * <p>After {@link #decode} returns anything but {@link GreDecodeStatus#OK}, only the fields
 * that were read before the check failed hold packet values; {@link #detail} describes the
 * problem; {@link #reset()} before reusing such an instance for encoding. Not thread-safe.
 */
public final class GreHeader {

    /** Protocol Type for PPP (RFC 2637 §4.1). */
    public static final int PROTOCOL_PPP = 0x880B;
    /** Ver field of enhanced GRE. */
    public static final int VERSION_ENHANCED = 1;
    /** Flags word, protocol type and key: always present. */
    public static final int BASE_LENGTH = 8;
    /** With both sequence and acknowledgment numbers. */
    public static final int MAX_LENGTH = 16;

    // Bits of the first 16-bit word, numbered as in the RFC's diagram (bit 0 = most significant).
    public static final int FLAG_CHECKSUM = 0x8000;          // C, bit 0
    public static final int FLAG_ROUTING = 0x4000;           // R, bit 1
    public static final int FLAG_KEY = 0x2000;               // K, bit 2
    public static final int FLAG_SEQUENCE = 0x1000;          // S, bit 3
    public static final int FLAG_STRICT_SOURCE_ROUTE = 0x0800; // s, bit 4
    public static final int MASK_RECURSION = 0x0700;         // Recur, bits 5-7
    public static final int FLAG_ACKNOWLEDGMENT = 0x0080;    // A, bit 8
    public static final int MASK_RESERVED = 0x0078;          // Flags, bits 9-12
    public static final int MASK_VERSION = 0x0007;           // Ver, bits 13-15

    private static final long MAX_SEQUENCE = 0xFFFF_FFFFL;

    private int flags;
    private int protocolType;
    private int payloadLength;
    private int callId;
    private long sequence;
    private long acknowledgment;
    private int headerLength;
    private int payloadOffset;
    private int datagramLength;

    /** A header for encoding: K bit, version 1, call ID 0, no sequence or acknowledgment number. */
    public GreHeader() {
        reset();
    }

    /** Back to the state of a new instance. */
    public GreHeader reset() {
        flags = FLAG_KEY | VERSION_ENHANCED;
        protocolType = PROTOCOL_PPP;
        payloadLength = 0;
        callId = 0;
        sequence = 0;
        acknowledgment = 0;
        headerLength = BASE_LENGTH;
        payloadOffset = 0;
        datagramLength = 0;
        return this;
    }

    /** Decodes the GRE datagram that fills the buffer's readable bytes. */
    public GreDecodeStatus decode(ByteBuf buffer) {
        return decode(buffer, buffer.readerIndex(), buffer.readableBytes());
    }

    /**
     * Decodes the header of the GRE datagram at {@code buffer[offset, offset + length)},
     * without moving the buffer's indices and without reading outside that range.
     *
     * @param length the bytes of the GRE datagram as really received, i.e. after the IP
     *     header (taken from the IP total length, not from the socket read size). The payload
     *     length in the key is checked against it.
     */
    public GreDecodeStatus decode(ByteBuf buffer, int offset, int length) {
        datagramLength = length;
        headerLength = BASE_LENGTH;
        payloadLength = 0;
        callId = 0;
        sequence = 0;
        acknowledgment = 0;
        payloadOffset = offset + BASE_LENGTH;
        if (length < 4) {
            flags = 0;
            protocolType = 0;
            return GreDecodeStatus.TRUNCATED;
        }
        flags = buffer.getUnsignedShort(offset);
        protocolType = buffer.getUnsignedShort(offset + 2);
        // Version and protocol first: they tell "not PPTP's GRE at all" apart from a broken one.
        if ((flags & MASK_VERSION) != VERSION_ENHANCED) {
            return GreDecodeStatus.BAD_VERSION;
        }
        if (protocolType != PROTOCOL_PPP) {
            return GreDecodeStatus.BAD_PROTOCOL;
        }
        if ((flags & (FLAG_CHECKSUM | FLAG_ROUTING)) != 0) {
            return GreDecodeStatus.CHECKSUM_OR_ROUTING_PRESENT;
        }
        if ((flags & FLAG_KEY) == 0) {
            return GreDecodeStatus.KEY_MISSING;
        }
        if ((flags & (FLAG_STRICT_SOURCE_ROUTE | MASK_RECURSION)) != 0) {
            return GreDecodeStatus.STRICT_ROUTE_OR_RECURSION;
        }
        if ((flags & MASK_RESERVED) != 0) {
            return GreDecodeStatus.RESERVED_FLAGS;
        }
        headerLength = lengthFor(flags);
        payloadOffset = offset + headerLength;
        if (length < headerLength) {
            return GreDecodeStatus.TRUNCATED;
        }
        payloadLength = buffer.getUnsignedShort(offset + 4);
        callId = buffer.getUnsignedShort(offset + 6);
        int index = offset + BASE_LENGTH;
        if ((flags & FLAG_SEQUENCE) != 0) {
            sequence = buffer.getUnsignedInt(index);
            index += 4;
        }
        if ((flags & FLAG_ACKNOWLEDGMENT) != 0) {
            acknowledgment = buffer.getUnsignedInt(index);
        }
        // The key's payload length delimits the PPP frame (RFC 2637 §4.1: "Size of the payload,
        // not including the GRE header"). More declared than received is a lie we must not
        // follow; fewer declared than received leaves trailing bytes that belong to no PPP
        // frame (padding from the sender or a middlebox), which we ignore rather than drop the
        // packet, as the declared length is what the sender vouches for.
        if (payloadLength > length - headerLength) {
            return GreDecodeStatus.PAYLOAD_LENGTH_EXCEEDS_DATAGRAM;
        }
        if (payloadLength > 0 && (flags & FLAG_SEQUENCE) == 0) {
            return GreDecodeStatus.PAYLOAD_WITHOUT_SEQUENCE;
        }
        return GreDecodeStatus.OK;
    }

    /** Header length for a flags word: 8, plus 4 for each of S and A. */
    public static int lengthFor(int flags) {
        return BASE_LENGTH + ((flags & FLAG_SEQUENCE) != 0 ? 4 : 0) + ((flags & FLAG_ACKNOWLEDGMENT) != 0 ? 4 : 0);
    }

    /** The whole first 16-bit word: flag bits, recursion control and version. */
    public int flags() {
        return flags;
    }

    public int protocolType() {
        return protocolType;
    }

    /** Payload length from the key's high 16 bits. */
    public int payloadLength() {
        return payloadLength;
    }

    /** Call ID from the key's low 16 bits: the receiver's call ID. */
    public int callId() {
        return callId;
    }

    public boolean hasSequence() {
        return (flags & FLAG_SEQUENCE) != 0;
    }

    /** The sequence number (unsigned 32-bit); 0 when {@link #hasSequence()} is false. */
    public long sequence() {
        return sequence;
    }

    public boolean hasAcknowledgment() {
        return (flags & FLAG_ACKNOWLEDGMENT) != 0;
    }

    /** The acknowledgment number (unsigned 32-bit); 0 when {@link #hasAcknowledgment()} is false. */
    public long acknowledgment() {
        return acknowledgment;
    }

    /** An acknowledgment without data (RFC 2637 §4.4): A set, S clear, no payload. */
    public boolean isAckOnly() {
        return hasAcknowledgment() && !hasSequence() && payloadLength == 0;
    }

    /** 8, 12 or 16 bytes. */
    public int headerLength() {
        return headerLength;
    }

    /** Buffer index of the first payload byte, after a successful {@link #decode}. */
    public int payloadOffset() {
        return payloadOffset;
    }

    /** Sets the call ID to send: the peer's call ID (0 to 65535). */
    public GreHeader callId(int callId) {
        if ((callId & ~0xFFFF) != 0) {
            throw new IllegalArgumentException("call ID out of range: " + callId);
        }
        this.callId = callId;
        return this;
    }

    /** Sets the payload length (0 to 65535); {@link #prependTo} sets it by itself. */
    public GreHeader payloadLength(int payloadLength) {
        if ((payloadLength & ~0xFFFF) != 0) {
            throw new IllegalArgumentException("payload length out of range: " + payloadLength);
        }
        this.payloadLength = payloadLength;
        return this;
    }

    /** Sets the S bit and the sequence number (0 to 2^32-1). */
    public GreHeader sequence(long sequence) {
        if ((sequence & ~MAX_SEQUENCE) != 0) {
            throw new IllegalArgumentException("sequence number out of range: " + sequence);
        }
        this.sequence = sequence;
        setFlag(FLAG_SEQUENCE, true);
        return this;
    }

    /** Clears the S bit (an acknowledgment-only packet). */
    public GreHeader clearSequence() {
        sequence = 0;
        setFlag(FLAG_SEQUENCE, false);
        return this;
    }

    /** Sets the A bit and the acknowledgment number (0 to 2^32-1). */
    public GreHeader acknowledgment(long acknowledgment) {
        if ((acknowledgment & ~MAX_SEQUENCE) != 0) {
            throw new IllegalArgumentException("acknowledgment number out of range: " + acknowledgment);
        }
        this.acknowledgment = acknowledgment;
        setFlag(FLAG_ACKNOWLEDGMENT, true);
        return this;
    }

    /** Clears the A bit. */
    public GreHeader clearAcknowledgment() {
        acknowledgment = 0;
        setFlag(FLAG_ACKNOWLEDGMENT, false);
        return this;
    }

    private void setFlag(int flag, boolean on) {
        flags = on ? flags | flag : flags & ~flag;
        headerLength = lengthFor(flags);
    }

    /**
     * Writes the header at {@code buffer[index, index + headerLength())} without moving the
     * buffer's indices, and returns the header length.
     *
     * @throws IllegalStateException when a payload is declared but no sequence number is set,
     *     which no receiver could place (RFC 2637 §4.1)
     */
    public int setInto(ByteBuf buffer, int index) {
        if (payloadLength > 0 && !hasSequence()) {
            throw new IllegalStateException("GRE payload of " + payloadLength + " bytes needs a sequence number");
        }
        buffer.setShort(index, flags);
        buffer.setShort(index + 2, PROTOCOL_PPP);
        buffer.setShort(index + 4, payloadLength);
        buffer.setShort(index + 6, callId);
        int at = index + BASE_LENGTH;
        if (hasSequence()) {
            buffer.setInt(at, (int) sequence);
            at += 4;
        }
        if (hasAcknowledgment()) {
            buffer.setInt(at, (int) acknowledgment);
        }
        return headerLength;
    }

    /** Writes the header at the buffer's writer index (the payload is the caller's to write next). */
    public void writeTo(ByteBuf out) {
        out.ensureWritable(headerLength);
        out.writerIndex(out.writerIndex() + setInto(out, out.writerIndex()));
    }

    /**
     * Encapsulates in place: takes the packet's readable bytes as the payload (setting the
     * payload length), writes the header into the headroom just before the reader index and
     * moves the reader index back onto it. The data plane reserves {@link #MAX_LENGTH} bytes of
     * headroom when it reads or builds a PPP frame, so nothing is copied.
     *
     * @throws IllegalArgumentException when the headroom is smaller than {@link #headerLength()}
     */
    public void prependTo(ByteBuf packet) {
        int start = packet.readerIndex() - headerLength;
        if (start < 0) {
            throw new IllegalArgumentException("GRE header needs " + headerLength + " bytes of headroom, buffer has "
                    + packet.readerIndex());
        }
        payloadLength(packet.readableBytes());
        setInto(packet, start);
        packet.readerIndex(start);
    }

    /** Human-readable explanation of a decode status, with the offending values (allocates: error path only). */
    public String detail(GreDecodeStatus status) {
        return switch (status) {
            case OK -> "valid: " + this;
            case TRUNCATED -> datagramLength + " bytes, header needs " + headerLength;
            case BAD_VERSION -> "version " + (flags & MASK_VERSION) + ", enhanced GRE is 1";
            case BAD_PROTOCOL -> String.format("protocol type 0x%04x, PPP is 0x880b", protocolType);
            case CHECKSUM_OR_ROUTING_PRESENT, KEY_MISSING, STRICT_ROUTE_OR_RECURSION, RESERVED_FLAGS ->
                    String.format("flags word 0x%04x", flags);
            case PAYLOAD_LENGTH_EXCEEDS_DATAGRAM -> "payload length " + payloadLength + " but only "
                    + (datagramLength - headerLength) + " bytes follow the " + headerLength + "-byte header";
            case PAYLOAD_WITHOUT_SEQUENCE -> "payload length " + payloadLength + " with the S bit clear";
        };
    }

    /** The typed error a non-hot-path decoder throws for a failed status. */
    public MalformedPacketException malformed(GreDecodeStatus status) {
        return new MalformedPacketException("gre", status.reason(), detail(status));
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder("GreHeader[callId=").append(callId)
                .append(", payloadLength=").append(payloadLength);
        if (hasSequence()) {
            text.append(", sequence=").append(sequence);
        }
        if (hasAcknowledgment()) {
            text.append(", acknowledgment=").append(acknowledgment);
        }
        return text.append(String.format(", flags=0x%04x]", flags)).toString();
    }
}
