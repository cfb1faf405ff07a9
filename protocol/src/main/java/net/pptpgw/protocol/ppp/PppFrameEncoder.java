package net.pptpgw.protocol.ppp;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToByteEncoder;

/**
 * Encodes a {@link PppFrame} into a synchronous PPP frame. Both compressions start off, as
 * RFC 1661 requires until LCP has agreed on them; the LCP automaton switches them on (from the
 * channel's event loop) once the peer acknowledged ACFC/PFC. LCP frames keep address and
 * control regardless (RFC 1661 §6.6).
 */
public final class PppFrameEncoder extends MessageToByteEncoder<PppFrame> {

    private boolean compressAddressControl;
    private boolean compressProtocol;

    public PppFrameEncoder() {
        super(PppFrame.class);
    }

    /** Address-and-Control-Field-Compression negotiated (RFC 1661 §6.6). */
    public PppFrameEncoder compressAddressControl(boolean compress) {
        this.compressAddressControl = compress;
        return this;
    }

    /** Protocol-Field-Compression negotiated (RFC 1661 §6.5). */
    public PppFrameEncoder compressProtocol(boolean compress) {
        this.compressProtocol = compress;
        return this;
    }

    public boolean compressAddressControl() {
        return compressAddressControl;
    }

    public boolean compressProtocol() {
        return compressProtocol;
    }

    @Override
    protected ByteBuf allocateBuffer(ChannelHandlerContext ctx, PppFrame frame, boolean preferDirect) {
        int length = frame.encodedLength(compressAddressControl, compressProtocol);
        return preferDirect ? ctx.alloc().ioBuffer(length) : ctx.alloc().heapBuffer(length);
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, PppFrame frame, ByteBuf out) {
        frame.encode(out, compressAddressControl, compressProtocol);
    }
}
