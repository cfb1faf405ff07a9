package net.pptpgw.protocol.ppp;

import net.pptpgw.protocol.Octets;
import io.netty.buffer.ByteBuf;
import net.pptpgw.protocol.MalformedPacketException;

/**
 * The header of a PPP frame as it travels inside GRE (synchronous: no flags, no escaping, no
 * FCS): optional Address and Control fields {@code ff 03} (RFC 1662 §3.1) followed by a one- or
 * two-octet Protocol field (RFC 1661 §2). A mutable flyweight for the data plane: decoding
 * fills it and allocates nothing; encoding is static and writes in place.
 *
 * <p>Decoding accepts every combination whether or not ACFC and PFC were negotiated, as RFC
 * 1662 §3.2 and RFC 1661 §6.5 describe the receiver's side: {@code ff 03} at the start is the
 * address and control field, anything else means they were omitted; an odd first protocol
 * octet is a compressed one-octet protocol field. Not thread-safe.
 */
public final class PppHeader {

    /** All-Stations address (RFC 1662 §3.1). */
    public static final int ADDRESS = 0xFF;
    /** Unnumbered Information command with the P/F bit zero (RFC 1662 §3.1). */
    public static final int CONTROL = 0x03;
    /** Address, control and a two-octet protocol field. */
    public static final int MAX_LENGTH = 4;

    private static final int LCP = 0xC021;

    private boolean addressControl;
    private int protocol;
    private int headerLength;
    private int payloadOffset;
    private int payloadLength;

    /** Decodes the PPP frame that fills the buffer's readable bytes. */
    public PppDecodeStatus decode(ByteBuf buffer) {
        return decode(buffer, buffer.readerIndex(), buffer.readableBytes());
    }

    /**
     * Decodes the header of the PPP frame at {@code buffer[offset, offset + length)} without
     * moving the buffer's indices or reading outside that range. The payload (Information
     * and any Padding) is {@code [payloadOffset(), payloadOffset() + payloadLength())}.
     */
    public PppDecodeStatus decode(ByteBuf buffer, int offset, int length) {
        addressControl = false;
        protocol = 0;
        headerLength = 0;
        payloadOffset = offset;
        payloadLength = 0;
        if (length <= 0) {
            return PppDecodeStatus.EMPTY;
        }
        int end = offset + length;
        int index = offset;
        if (length >= 2 && buffer.getUnsignedByte(offset) == ADDRESS && buffer.getUnsignedByte(offset + 1) == CONTROL) {
            addressControl = true;
            index += 2;
            if (index == end) {
                return PppDecodeStatus.TRUNCATED;
            }
        }
        int first = buffer.getUnsignedByte(index);
        if ((first & 1) != 0) {
            protocol = first;
            index += 1;
        } else if (index + 2 > end) {
            return PppDecodeStatus.TRUNCATED;
        } else {
            protocol = (first << 8) | buffer.getUnsignedByte(index + 1);
            index += 2;
        }
        headerLength = index - offset;
        payloadOffset = index;
        payloadLength = end - index;
        return PppDecodeStatus.OK;
    }

    /** Whether the frame began with {@code ff 03}. */
    public boolean hasAddressControl() {
        return addressControl;
    }

    /** The protocol field's value, 0 to 0xffff (see {@link PppProtocol} for names). */
    public int protocol() {
        return protocol;
    }

    /** Whether the protocol field was one octet (PFC). */
    public boolean isProtocolCompressed() {
        return headerLength - (addressControl ? 2 : 0) == 1;
    }

    /** 1 to 4 octets. */
    public int headerLength() {
        return headerLength;
    }

    /** Buffer index of the first Information octet. */
    public int payloadOffset() {
        return payloadOffset;
    }

    /** Octets of Information and Padding. */
    public int payloadLength() {
        return payloadLength;
    }

    /** Human-readable explanation of a failed status (allocates: error path only). */
    public static String detail(PppDecodeStatus status, int frameLength) {
        return switch (status) {
            case OK -> "valid";
            case EMPTY -> "no octets";
            case TRUNCATED -> frameLength + " octets end inside the protocol field";
        };
    }

    /** The typed error a non-hot-path decoder throws for a failed status. */
    public static MalformedPacketException malformed(PppDecodeStatus status, int frameLength) {
        return new MalformedPacketException("ppp", status.reason(), detail(status, frameLength));
    }

    /**
     * Octets of the header that {@link #setInto} writes.
     *
     * @param compressAddressControl ACFC was negotiated (RFC 1661 §6.6); never applied to LCP
     * @param compressProtocol PFC was negotiated (RFC 1661 §6.5); applied only to
     *     {@linkplain PppProtocol#isCompressible() compressible} values
     */
    public static int headerLength(int protocol, boolean compressAddressControl, boolean compressProtocol) {
        return (omitsAddressControl(protocol, compressAddressControl) ? 0 : 2)
                + (sendsOneOctet(protocol, compressProtocol) ? 1 : 2);
    }

    /**
     * Writes the header at {@code buffer[index, ...)} without moving the buffer's indices and
     * returns its length.
     *
     * @throws IllegalArgumentException when the protocol value has an odd high octet, which no
     *     receiver could tell from a compressed protocol field
     */
    public static int setInto(ByteBuf buffer, int index, int protocol, boolean compressAddressControl,
            boolean compressProtocol) {
        if (!PppProtocol.isEncodable(protocol)) {
            throw new IllegalArgumentException(String.format("PPP protocol 0x%04x cannot be sent: high octet must be even",
                    protocol));
        }
        int at = index;
        if (!omitsAddressControl(protocol, compressAddressControl)) {
            buffer.setByte(at++, ADDRESS);
            buffer.setByte(at++, CONTROL);
        }
        if (sendsOneOctet(protocol, compressProtocol)) {
            buffer.setByte(at++, protocol);
        } else {
            buffer.setShort(at, protocol);
            at += 2;
        }
        return at - index;
    }

    /** Writes the header at the buffer's writer index (the Information is the caller's to write next). */
    public static void writeTo(ByteBuf out, int protocol, boolean compressAddressControl, boolean compressProtocol) {
        out.ensureWritable(MAX_LENGTH);
        out.writerIndex(out.writerIndex() + setInto(out, out.writerIndex(), protocol, compressAddressControl,
                compressProtocol));
    }

    /**
     * Frames in place: writes the header into the headroom just before the packet's reader
     * index and moves the reader index back onto it, so the packet's readable bytes become the
     * whole PPP frame.
     *
     * @throws IllegalArgumentException when the headroom is too small
     */
    public static void prependTo(ByteBuf packet, int protocol, boolean compressAddressControl, boolean compressProtocol) {
        int start = packet.readerIndex() - headerLength(protocol, compressAddressControl, compressProtocol);
        if (start < 0) {
            throw new IllegalArgumentException("PPP header needs "
                    + headerLength(protocol, compressAddressControl, compressProtocol) + " bytes of headroom, buffer has "
                    + packet.readerIndex());
        }
        setInto(packet, start, protocol, compressAddressControl, compressProtocol);
        packet.readerIndex(start);
    }

    /** RFC 1661 §6.6: "The Address and Control fields MUST NOT be compressed when sending any LCP packet." */
    private static boolean omitsAddressControl(int protocol, boolean compressAddressControl) {
        return compressAddressControl && protocol != LCP;
    }

    private static boolean sendsOneOctet(int protocol, boolean compressProtocol) {
        return compressProtocol && PppProtocol.isCompressible(protocol);
    }
}
