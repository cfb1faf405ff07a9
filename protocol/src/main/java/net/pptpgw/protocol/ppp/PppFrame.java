package net.pptpgw.protocol.ppp;

import net.pptpgw.protocol.Octets;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufHolder;
import java.util.Objects;
import net.pptpgw.protocol.MalformedPacketException;

/**
 * One PPP frame (RFC 1661 §2): a protocol and its Information field (with any Padding, which
 * only the protocol itself can tell apart). The frame owns one reference to the information.
 * Whether address/control and a compressed protocol field were on the wire is a property of
 * the link (negotiated ACFC/PFC), so the frame does not carry it; {@link #encode} takes it.
 *
 * <p>Off the data plane only; the data plane uses {@link PppHeader}.
 */
public record PppFrame(PppProtocol protocol, ByteBuf information) implements ByteBufHolder {

    public PppFrame {
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(information, "information");
    }

    /**
     * Decodes the frame that fills the buffer's readable bytes (synchronous PPP, as inside GRE
     * or after HDLC deframing), without moving its indices. The information is a retained slice.
     *
     * @throws MalformedPacketException ("ppp", {@link PppDecodeStatus#reason()})
     */
    public static PppFrame decode(ByteBuf frame) {
        return decode(frame, new PppHeader());
    }

    /** As {@link #decode(ByteBuf)}, reusing {@code header} as scratch space. */
    static PppFrame decode(ByteBuf frame, PppHeader header) {
        PppDecodeStatus status = header.decode(frame);
        if (!status.isOk()) {
            throw PppHeader.malformed(status, frame.readableBytes());
        }
        return new PppFrame(PppProtocol.of(header.protocol()),
                frame.retainedSlice(header.payloadOffset(), header.payloadLength()));
    }

    /** Octets {@link #encode} writes. */
    public int encodedLength(boolean compressAddressControl, boolean compressProtocol) {
        return PppHeader.headerLength(protocol.value(), compressAddressControl, compressProtocol)
                + information.readableBytes();
    }

    /**
     * Writes the frame at {@code out}'s writer index; the information's indices do not move.
     *
     * @param compressAddressControl ACFC negotiated: omit {@code ff 03} (never for LCP)
     * @param compressProtocol PFC negotiated: one-octet protocol field where the value allows
     */
    public void encode(ByteBuf out, boolean compressAddressControl, boolean compressProtocol) {
        PppHeader.writeTo(out, protocol.value(), compressAddressControl, compressProtocol);
        out.writeBytes(information, information.readerIndex(), information.readableBytes());
    }

    @Override
    public ByteBuf content() {
        return information;
    }

    @Override
    public PppFrame copy() {
        return replace(information.copy());
    }

    @Override
    public PppFrame duplicate() {
        return replace(information.duplicate());
    }

    @Override
    public PppFrame retainedDuplicate() {
        return replace(information.retainedDuplicate());
    }

    @Override
    public PppFrame replace(ByteBuf content) {
        return new PppFrame(protocol, content);
    }

    @Override
    public int refCnt() {
        return information.refCnt();
    }

    @Override
    public PppFrame retain() {
        information.retain();
        return this;
    }

    @Override
    public PppFrame retain(int increment) {
        information.retain(increment);
        return this;
    }

    @Override
    public PppFrame touch() {
        information.touch();
        return this;
    }

    @Override
    public PppFrame touch(Object hint) {
        information.touch(hint);
        return this;
    }

    @Override
    public boolean release() {
        return information.release();
    }

    @Override
    public boolean release(int decrement) {
        return information.release(decrement);
    }

    @Override
    public String toString() {
        return "PppFrame[" + protocol + ", " + information.readableBytes() + " octets]";
    }
}
