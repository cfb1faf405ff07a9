package net.pptpgw.protocol.gre;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageDecoder;
import java.util.List;

/**
 * Decodes each inbound buffer, one GRE datagram with its IP header already removed, into a
 * {@link GrePacket}. A bad datagram raises {@link net.pptpgw.protocol.MalformedPacketException}
 * ("gre", {@link GreDecodeStatus#reason()}); datagrams are independent, so the next one decodes
 * normally. For the data plane, decode with a reused {@link GreHeader} instead.
 */
public final class GreDecoder extends MessageToMessageDecoder<ByteBuf> {

    private final GreHeader header = new GreHeader();

    public GreDecoder() {
        super(ByteBuf.class);
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf datagram, List<Object> out) {
        out.add(GrePacket.decode(datagram, header));
    }
}
