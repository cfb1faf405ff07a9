package net.pptpgw.protocol.ppp.hdlc;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToByteEncoder;

/**
 * Turns each outbound buffer, one synchronous PPP frame (address, control, protocol,
 * information), into RFC 1662 octet-stuffed bytes: flag, escaped frame and FCS, flag.
 * Configure from the channel's event loop only.
 */
public final class HdlcFrameEncoder extends MessageToByteEncoder<ByteBuf> {

    private final Fcs fcs;
    private int transmitAccm = AsyncHdlc.DEFAULT_ACCM;

    /** FCS-16. */
    public HdlcFrameEncoder() {
        this(Fcs.FCS_16);
    }

    public HdlcFrameEncoder(Fcs fcs) {
        super(ByteBuf.class);
        this.fcs = fcs;
    }

    /** The transmit ACCM (RFC 1662 §7.1): the map the peer asked for in its LCP Configure-Request. */
    public HdlcFrameEncoder transmitAccm(int accm) {
        this.transmitAccm = accm;
        return this;
    }

    public int transmitAccm() {
        return transmitAccm;
    }

    @Override
    protected ByteBuf allocateBuffer(ChannelHandlerContext ctx, ByteBuf frame, boolean preferDirect) {
        int length = AsyncHdlc.maxEncodedLength(frame.readableBytes(), fcs);
        return preferDirect ? ctx.alloc().ioBuffer(length) : ctx.alloc().heapBuffer(length);
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, ByteBuf frame, ByteBuf out) {
        int accm = isLinkConfiguration(frame) ? AsyncHdlc.DEFAULT_ACCM : transmitAccm;
        AsyncHdlc.encode(frame, frame.readerIndex(), frame.readableBytes(), accm, fcs, out);
    }

    /**
     * RFC 1661 §5: LCP packets with codes 1 to 7 (Configure-*, Terminate-*, Code-Reject) "are
     * always sent as if no Configuration Options were negotiated", so they go out with the
     * default ACCM, recognisable even by a peer that has lost track of the link's state.
     * LCP always carries address and control (RFC 1661 §6.6), so {@code ff 03 c0 21 code}.
     */
    static boolean isLinkConfiguration(ByteBuf frame) {
        int at = frame.readerIndex();
        if (frame.readableBytes() < 5
                || frame.getUnsignedShort(at) != 0xFF03 || frame.getUnsignedShort(at + 2) != 0xC021) {
            return false;
        }
        int code = frame.getUnsignedByte(at + 4);
        return code >= 1 && code <= 7;
    }
}
