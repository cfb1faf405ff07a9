package net.pptpgw.client;

import io.micrometer.core.instrument.MeterRegistry;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.timeout.IdleStateHandler;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;
import net.pptpgw.client.control.CallIdAllocator;
import net.pptpgw.client.control.PnsControlHandler;
import net.pptpgw.client.data.ClientCallRegistry;
import net.pptpgw.client.data.EarlyGreHold;
import net.pptpgw.client.data.SourceAddressStamper;
import net.pptpgw.concentrator.data.GreDataPlane;
import net.pptpgw.linux.RawGreSocket;
import net.pptpgw.protocol.ppp.session.PppSessionConfig;
import net.pptpgw.protocol.pptp.PptpControlDecoder;
import net.pptpgw.protocol.pptp.PptpControlEncoder;

/**
 * A PPTP client (the PNS of RFC 2637): control connections to PACs, calls on them, GRE for
 * every call on one raw socket, a PPP client on each call.
 *
 * <pre>{@code
 * PptpClient client = new PptpClient(ClientConfig.defaults(), meters);
 * client.start();                                        // the raw GRE socket, in this thread's namespace
 * client.connect(server, source, controlListener);       // TCP, then Start-Control-Connection
 * // in controlListener.started(control, reply), on the control loop:
 * ClientCall call = client.call(control, pppConfig, callListener);
 * // ... callListener.networkUp(...): call.sendIp(packet) ...
 * call.hangUp();                                         // LCP Terminate, Call-Clear-Request
 * control.stop();                                        // Stop-Control-Connection
 * }</pre>
 *
 * <p>Needs epoll and root (CAP_NET_RAW) for the raw GRE socket.
 */
public final class PptpClient implements AutoCloseable {

    private final ClientConfig config;
    private final MultiThreadIoEventLoopGroup group;
    private final ClientCallRegistry registry = new ClientCallRegistry();
    private final GreDataPlane dataPlane;
    private final SourceAddressStamper stamper = new SourceAddressStamper();
    private final EarlyGreHold earlyGre = new EarlyGreHold();
    /** One generator for every session's challenges and identifiers; thread-safe. */
    private final RandomGenerator random = new SecureRandom();
    private final CallIdAllocator callIds = new CallIdAllocator(random.nextInt(CallIdAllocator.CALL_ID_SPACE));
    private Channel gre;

    public PptpClient(ClientConfig config, MeterRegistry meters) {
        this.config = Objects.requireNonNull(config, "config");
        this.group = new MultiThreadIoEventLoopGroup(config.ioThreads(), EpollIoHandler.newFactory());
        this.dataPlane = new GreDataPlane(config.gre(), config.control().receiveWindowSize(), registry, registry,
                meters);
    }

    /** Opens the raw GRE socket in the calling thread's network namespace; calls without PPP need none. */
    public void start() throws IOException, InterruptedException {
        RawGreSocket.Options options = config.gre().socket().withHeaderIncluded(config.stampSourceAddresses());
        EpollDatagramChannel channel = RawGreSocket.open(options);
        if (config.stampSourceAddresses()) {
            channel.pipeline().addLast(stamper);
        }
        channel.pipeline().addLast(earlyGre);
        dataPlane.addTo(channel.pipeline());
        group.register(channel).sync();
        gre = channel;
    }

    /**
     * Opens a control connection to {@code server} from {@code source} (null: the route's
     * address); the handler sends the Start-Control-Connection-Request once TCP is up. A failed
     * TCP connect shows in the returned future only; the listener hears about established
     * connections.
     */
    public ChannelFuture connect(InetSocketAddress server, Inet4Address source, PnsControlHandler.Listener listener) {
        Bootstrap bootstrap = new Bootstrap()
                .group(group)
                .channel(EpollSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) config.control().replyTimeout().toMillis())
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        channel.pipeline().addLast(new PptpControlDecoder(), new PptpControlEncoder());
                        long echo = config.control().echoInterval().toMillis();
                        if (echo > 0) {
                            channel.pipeline().addLast(new IdleStateHandler(echo, 0, 0, TimeUnit.MILLISECONDS));
                        }
                        channel.pipeline().addLast(new PnsControlHandler(config.control(), callIds, listener));
                    }
                });
        return source == null ? bootstrap.connect(server) : bootstrap.connect(server, new InetSocketAddress(source, 0));
    }

    /**
     * Places a call on an established control connection and runs PPP on it once connected;
     * with {@code ppp} null the call carries nothing (a control-plane test: no GRE state, no
     * PPP). Call on the control connection's event loop.
     */
    public ClientCall call(PnsControlHandler control, PppSessionConfig ppp, ClientCall.Listener listener) {
        ClientCall call = new ClientCall(this, ppp, listener);
        call.place(control);
        return call;
    }

    /** The per-call GRE state and PPP sessions live on this data plane. */
    public GreDataPlane dataPlane() {
        return dataPlane;
    }

    /** Our call IDs in use. */
    public int callIdsInUse() {
        return callIds.inUse();
    }

    public MultiThreadIoEventLoopGroup group() {
        return group;
    }

    ClientCallRegistry registry() {
        return registry;
    }

    EarlyGreHold earlyGre() {
        return earlyGre;
    }

    SourceAddressStamper stamper() {
        return stamper;
    }

    RandomGenerator random() {
        return random;
    }

    Channel greChannel() {
        return gre;
    }

    /** Closes the GRE socket and the event loops; connections still open are closed without ceremony. */
    @Override
    public void close() {
        if (gre != null) {
            gre.close().awaitUninterruptibly();
        }
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
    }
}
