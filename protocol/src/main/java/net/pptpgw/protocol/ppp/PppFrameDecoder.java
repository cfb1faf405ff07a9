package net.pptpgw.protocol.ppp;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageDecoder;
import java.util.List;

/**
 * Decodes each inbound buffer, one synchronous PPP frame (a GRE payload, or a frame the
 * {@link net.pptpgw.protocol.ppp.hdlc.HdlcFrameDecoder} deframed), into a {@link PppFrame}.
 * Frames with and without address/control and with one- or two-octet protocol fields are all
 * accepted. A frame too short for a protocol field raises
 * {@link net.pptpgw.protocol.MalformedPacketException} ("ppp", ...); the next frame decodes normally.
 */
public final class PppFrameDecoder extends MessageToMessageDecoder<ByteBuf> {

    private final PppHeader header = new PppHeader();

    public PppFrameDecoder() {
        super(ByteBuf.class);
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf frame, List<Object> out) {
        out.add(PppFrame.decode(frame, header));
    }
}
