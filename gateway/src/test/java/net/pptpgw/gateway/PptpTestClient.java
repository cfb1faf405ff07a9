package net.pptpgw.gateway;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.net.InetSocketAddress;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import net.pptpgw.protocol.pptp.BearerCapabilities;
import net.pptpgw.protocol.pptp.BearerType;
import net.pptpgw.protocol.pptp.ControlMessage;
import net.pptpgw.protocol.pptp.FramingCapabilities;
import net.pptpgw.protocol.pptp.FramingType;
import net.pptpgw.protocol.pptp.OutgoingCallReply;
import net.pptpgw.protocol.pptp.OutgoingCallRequest;
import net.pptpgw.protocol.pptp.PptpControlDecoder;
import net.pptpgw.protocol.pptp.PptpControlEncoder;
import net.pptpgw.protocol.pptp.StartControlConnectionReply;
import net.pptpgw.protocol.pptp.StartControlConnectionRequest;

/**
 * A PPTP client's control connection (PNS role) over a real TCP socket, with the protocol
 * module's codec: what the command tests talk to a running concentrator with.
 */
final class PptpTestClient implements AutoCloseable {

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final BlockingQueue<Object> received = new LinkedBlockingQueue<>();
    private final Channel channel;

    PptpTestClient(InetSocketAddress server) throws InterruptedException {
        this(server, null);
    }

    /** Connected from {@code local} (null: the route's address). */
    PptpTestClient(InetSocketAddress server, InetSocketAddress local) throws InterruptedException {
        Bootstrap bootstrap = new Bootstrap().group(group).channel(NioSocketChannel.class)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new PptpControlDecoder(), new PptpControlEncoder(),
                                new SimpleChannelInboundHandler<ControlMessage>() {
                                    @Override
                                    protected void channelRead0(ChannelHandlerContext ctx, ControlMessage msg) {
                                        received.add(msg);
                                    }

                                    @Override
                                    public void channelInactive(ChannelHandlerContext ctx) {
                                        received.add("closed");
                                    }
                                });
                    }
                });
        channel = (local == null ? bootstrap.connect(server) : bootstrap.connect(server, local)).sync().channel();
    }

    void send(ControlMessage message) throws InterruptedException {
        channel.writeAndFlush(message).sync();
    }

    /** Octets as they are, past the encoder: garbage, truncated messages. */
    void sendRaw(byte[] octets) throws InterruptedException {
        channel.writeAndFlush(Unpooled.wrappedBuffer(octets)).sync();
    }

    /** The next message (or the string "closed"), waiting at most 5 s. */
    Object next() throws InterruptedException {
        Object message = received.poll(5, TimeUnit.SECONDS);
        if (message == null) {
            throw new AssertionError("nothing received in 5 s");
        }
        return message;
    }

    <T> T next(Class<T> type) throws InterruptedException {
        Object message = next();
        if (!type.isInstance(message)) {
            throw new AssertionError("expected a " + type.getSimpleName() + ", got " + message);
        }
        return type.cast(message);
    }

    /** SCCRQ as pptp-linux sends it, then waits for the SCCRP. */
    StartControlConnectionReply start() throws InterruptedException {
        send(new StartControlConnectionRequest(StartControlConnectionRequest.PROTOCOL_VERSION_1_0,
                FramingCapabilities.ASYNCHRONOUS, BearerCapabilities.ANALOG, 0, 1, "test-client", "gateway tests"));
        return next(StartControlConnectionReply.class);
    }

    /** OCRQ with our call ID {@code peerCallId}, then waits for the OCRP. */
    OutgoingCallReply call(int peerCallId) throws InterruptedException {
        send(new OutgoingCallRequest(peerCallId, 1, 2400, 10_000_000, BearerType.ANY, FramingType.ANY, 64, 0, 0,
                "", ""));
        return next(OutgoingCallReply.class);
    }

    @Override
    public void close() {
        channel.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
}
