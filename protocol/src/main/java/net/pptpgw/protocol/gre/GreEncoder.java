package net.pptpgw.protocol.gre;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToByteEncoder;

/** Encodes a {@link GrePacket} into one GRE datagram (the IP header is the socket's to add). */
public final class GreEncoder extends MessageToByteEncoder<GrePacket> {

    private final GreHeader header = new GreHeader();

    public GreEncoder() {
        super(GrePacket.class);
    }

    @Override
    protected ByteBuf allocateBuffer(ChannelHandlerContext ctx, GrePacket packet, boolean preferDirect) {
        int length = packet.encodedLength();
        return preferDirect ? ctx.alloc().ioBuffer(length) : ctx.alloc().heapBuffer(length);
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, GrePacket packet, ByteBuf out) {
        packet.header(header).writeTo(out);
        ByteBuf payload = packet.payload();
        out.writeBytes(payload, payload.readerIndex(), payload.readableBytes());
    }
}
