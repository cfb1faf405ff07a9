package net.pptpgw.nathelper;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import net.pptpgw.protocol.MalformedPacketException;
import net.pptpgw.protocol.pptp.ControlMessage;

/**
 * The last handler of each side of a proxied control connection: every control message read
 * on this side is translated ({@link CallIdTranslator}) and written to the other side, and any
 * answer the translator makes goes back to this side.
 *
 * <p>Back-pressure: while the other side cannot take more (its outbound buffer is above the
 * high water mark), this side stops reading; when the other side drains, its handler turns this
 * side's reading back on. So a slow server never makes the gateway buffer a fast client without
 * bound, and the other way round.
 *
 * <p>A framing error (RFC 2637 §1.4 and §3: the stream is out of step and must be closed)
 * or either side closing closes both sides and ends every call of the connection.
 */
final class ControlRelayHandler extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = System.getLogger(ControlRelayHandler.class.getName());

    private final Direction direction;
    private final CallIdTranslator translator;
    private final NatMetrics metrics;
    private Channel peer;
    private boolean peerNeedsFlush;

    /**
     * @param direction the way the messages this side reads travel: {@link Direction#LAN_TO_WAN}
     *     on the client's channel, {@link Direction#WAN_TO_LAN} on the server's
     * @param translator the connection's translator, shared by both sides
     */
    ControlRelayHandler(Direction direction, CallIdTranslator translator, NatMetrics metrics) {
        this.direction = direction;
        this.translator = translator;
        this.metrics = metrics;
    }

    /** Sets the other side once it exists (the upstream connection is opened after the client's is accepted). */
    void link(Channel peer) {
        this.peer = peer;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ControlMessage message)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        metrics.controlMessage(message.type(), direction);
        Translation translation = direction == Direction.LAN_TO_WAN
                ? translator.fromClient(message)
                : translator.fromServer(message);
        if (translation.toPeer() != null && peer != null) {
            peer.write(translation.toPeer(), peer.voidPromise());
            peerNeedsFlush = true;
        }
        if (translation.toSender() != null) {
            ctx.writeAndFlush(translation.toSender(), ctx.voidPromise());
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (peer == null) {
            return;
        }
        if (peerNeedsFlush) {
            peerNeedsFlush = false;
            peer.flush();
        }
        if (!peer.isWritable()) {
            ctx.channel().config().setAutoRead(false);
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        // This side drained what the other side sent us: let the other side read again.
        if (ctx.channel().isWritable() && peer != null && peer.isActive()) {
            peer.config().setAutoRead(true);
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        translator.close();
        closeOnFlush(peer);
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof MalformedPacketException malformed) {
            metrics.translationFailure("malformed-" + malformed.reason());
            LOG.log(Level.WARNING, "control connection {0} ({1}) sent a malformed message, closing both sides: {2}",
                    ctx.channel().remoteAddress(), direction == Direction.LAN_TO_WAN ? "client" : "server",
                    malformed.getMessage());
        } else {
            LOG.log(Level.WARNING, "control connection " + ctx.channel().remoteAddress() + " failed, closing both sides",
                    cause);
        }
        translator.close();
        ctx.close();
        closeOnFlush(peer);
    }

    /** Closes {@code channel} once what was written to it has gone out. */
    static void closeOnFlush(Channel channel) {
        if (channel != null && channel.isActive()) {
            channel.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        }
    }
}
