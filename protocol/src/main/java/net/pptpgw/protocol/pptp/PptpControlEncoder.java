package net.pptpgw.protocol.pptp;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToByteEncoder;

/** Writes {@link ControlMessage}s to the control connection, each in a buffer of its exact length. Stateless. */
@Sharable
public final class PptpControlEncoder extends MessageToByteEncoder<ControlMessage> {

    public PptpControlEncoder() {
        super(ControlMessage.class);
    }

    @Override
    protected ByteBuf allocateBuffer(ChannelHandlerContext ctx, ControlMessage message, boolean preferDirect) {
        int length = message.type().length();
        return preferDirect ? ctx.alloc().ioBuffer(length) : ctx.alloc().heapBuffer(length);
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, ControlMessage message, ByteBuf out) {
        ControlMessages.encode(message, out);
    }
}
