package net.pptpgw.nathelper;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import net.pptpgw.protocol.pptp.PptpControlDecoder;
import net.pptpgw.protocol.pptp.PptpControlEncoder;

/**
 * Accepts LAN clients' PPTP control connections and opens, for each, the gateway's own
 * connection to the server from the WAN address; both are relayed message by message through
 * {@link PptpControlDecoder}/{@link PptpControlEncoder} and a {@link CallIdTranslator}.
 *
 * <p>Transparent mode: the kernel hands us connections addressed to any server (an iptables
 * TPROXY rule); the listener needs IP_TRANSPARENT to accept them, and a connection's local
 * address is the destination the client dialled, i.e. the server. Explicit mode: every
 * connection goes to one configured server.
 *
 * <p>The upstream channel is registered on the client channel's event loop, so one connection's
 * translator is only ever used from one thread. The client is not read until the upstream
 * connection is up.
 */
public final class ControlProxy implements AutoCloseable {

    private static final Logger LOG = System.getLogger(ControlProxy.class.getName());
    private static final int CONNECT_TIMEOUT_MILLIS = 10_000;

    private final NatHelperConfig config;
    private final MappingTable table;
    private final NatMetrics metrics;
    private final EventLoopGroup group;
    private final ChannelGroup channels = new DefaultChannelGroup("pptp-control", GlobalEventExecutor.INSTANCE);
    private Channel listener;

    public ControlProxy(NatHelperConfig config, MappingTable table, NatMetrics metrics, EventLoopGroup group) {
        this.config = config;
        this.table = table;
        this.metrics = metrics;
        this.group = group;
    }

    /** Binds the listener; returns once it is bound. */
    public ControlProxy start() throws InterruptedException {
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(group)
                .channel(EpollServerSocketChannel.class)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.AUTO_READ, false)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel client) {
                        channels.add(client);
                        client.pipeline().addLast("accept", new AcceptHandler());
                    }
                });
        InetSocketAddress bindAddress;
        if (config.transparent()) {
            bootstrap.option(EpollChannelOption.IP_TRANSPARENT, true);
            bindAddress = new InetSocketAddress(config.listenPort());
        } else {
            bindAddress = config.lanAddress() == null
                    ? new InetSocketAddress(config.listenPort())
                    : new InetSocketAddress(config.lanAddress(), config.listenPort());
        }
        listener = bootstrap.bind(bindAddress).sync().channel();
        channels.add(listener);
        LOG.log(Level.INFO, "PPTP control proxy listening on {0} ({1})", listener.localAddress(),
                config.transparent() ? "transparent" : "explicit server " + config.explicitServer().getHostAddress());
        return this;
    }

    public InetSocketAddress localAddress() {
        return (InetSocketAddress) listener.localAddress();
    }

    /** Closes the listener and every proxied connection (their calls end with them). */
    @Override
    public void close() {
        channels.close().awaitUninterruptibly();
    }

    /** On the accepted client channel: finds the server, connects to it, then wires the relay. */
    private final class AcceptHandler extends ChannelInboundHandlerAdapter {
        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            Channel client = ctx.channel();
            InetSocketAddress clientAddress = (InetSocketAddress) client.remoteAddress();
            InetSocketAddress original = (InetSocketAddress) client.localAddress();
            InetSocketAddress server = config.transparent()
                    ? original
                    : new InetSocketAddress(config.explicitServer(), config.serverPort());
            if (!(clientAddress.getAddress() instanceof Inet4Address clientIp)
                    || !(server.getAddress() instanceof Inet4Address serverIp)) {
                LOG.log(Level.WARNING, "control connection from {0} to {1}: PPTP through the helper is IPv4 only; closed",
                        clientAddress, server);
                client.close();
                return;
            }
            if (config.transparent() && isLocal(serverIp)) {
                // Dialled the gateway itself, not redirected by TPROXY: connecting "upstream" would loop.
                LOG.log(Level.WARNING, "control connection from {0} is addressed to the gateway itself ({1}); closed",
                        clientAddress, server);
                client.close();
                return;
            }
            CallIdTranslator translator = new CallIdTranslator(table, metrics, clientIp, serverIp);
            ControlRelayHandler fromClient = new ControlRelayHandler(Direction.LAN_TO_WAN, translator, metrics);
            ControlRelayHandler fromServer = new ControlRelayHandler(Direction.WAN_TO_LAN, translator, metrics);
            ChannelPipeline pipeline = client.pipeline();
            pipeline.addLast("pptp-decoder", new PptpControlDecoder());
            pipeline.addLast("pptp-encoder", new PptpControlEncoder());
            pipeline.addLast("relay", fromClient);
            pipeline.remove(this);

            Bootstrap upstream = new Bootstrap()
                    .group(client.eventLoop())
                    .channel(EpollSocketChannel.class)
                    .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, CONNECT_TIMEOUT_MILLIS)
                    .option(ChannelOption.TCP_NODELAY, true)
                    .handler(new ChannelInitializer<Channel>() {
                        @Override
                        protected void initChannel(Channel channel) {
                            channels.add(channel);
                            channel.pipeline().addLast("pptp-decoder", new PptpControlDecoder());
                            channel.pipeline().addLast("pptp-encoder", new PptpControlEncoder());
                            channel.pipeline().addLast("relay", fromServer);
                        }
                    });
            ChannelFuture connect = upstream.connect(server, new InetSocketAddress(config.wanAddress(), 0));
            connect.addListener((ChannelFuture f) -> {
                if (!f.isSuccess()) {
                    LOG.log(Level.WARNING, "control connection from {0}: cannot reach server {1}: {2}; closed",
                            clientAddress, server, f.cause().toString());
                    client.close();
                    return;
                }
                Channel serverChannel = f.channel();
                fromClient.link(serverChannel);
                fromServer.link(client);
                if (!client.isActive()) {
                    serverChannel.close();
                    return;
                }
                LOG.log(Level.INFO, "control connection {0} -> {1} relayed from {2}", clientAddress, server,
                        serverChannel.localAddress());
                client.config().setAutoRead(true);
            });
        }
    }

    private static boolean isLocal(Inet4Address address) {
        try {
            return address.isAnyLocalAddress() || NetworkInterface.getByInetAddress(address) != null;
        } catch (SocketException e) {
            return false;
        }
    }
}
