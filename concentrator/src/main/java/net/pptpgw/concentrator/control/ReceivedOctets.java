package net.pptpgw.concentrator.control;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * Counts the octets a control connection received, before the decoder frames them. Compared at
 * close with the octets of the messages decoded (RFC 2637 messages have fixed lengths, §2), it
 * shows a peer that closed in the middle of a message, which the decoder itself drops silently.
 */
final class ReceivedOctets extends ChannelInboundHandlerAdapter {

    private long octets;

    long octets() {
        return octets;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ByteBuf buf) {
            octets += buf.readableBytes();
        }
        ctx.fireChannelRead(msg);
    }
}
