package net.pptpgw.concentrator;

import io.micrometer.core.instrument.MeterRegistry;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import net.pptpgw.concentrator.call.Call;
import net.pptpgw.concentrator.call.CallClearCause;
import net.pptpgw.concentrator.call.CallListener;
import net.pptpgw.concentrator.call.CallRegistry;
import net.pptpgw.concentrator.control.ControlChannelInitializer;
import net.pptpgw.concentrator.control.ControlConnectionHandler;
import net.pptpgw.concentrator.control.ControlPlane;
import net.pptpgw.concentrator.data.GreConfig;
import net.pptpgw.concentrator.data.GreDataPlane;
import net.pptpgw.concentrator.data.PppLink;
import net.pptpgw.concentrator.data.PppLinkFactory;
import net.pptpgw.protocol.pptp.CallDisconnectResult;
import net.pptpgw.protocol.pptp.StopControlConnectionReason;

/**
 * The PPTP control connection server (PAC role, RFC 2637): listens on TCP 1723, one
 * {@link ControlConnectionHandler} per connection, calls in a shared {@link CallRegistry};
 * optionally the GRE data plane ({@link GreDataPlane}) on one raw socket.
 * Uses epoll where the native transport loads, NIO otherwise.
 *
 * <pre>{@code
 * var server = new ConcentratorServer(config, meterRegistry, callListener);
 * server.start();                      // binds; the listening socket is made on this thread
 * Call call = server.calls().find(id); // the data plane's lookup
 * server.shutdown();                   // LCP Terminate-Request, then CDN + StopCCRQ to every peer, close
 * }</pre>
 */
public final class ConcentratorServer implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(ConcentratorServer.class.getName());
    /** The Data of the LCP Terminate-Request every PPP session's peer gets at shutdown (RFC 1661 §5.5). */
    public static final String SHUTDOWN_REASON = "gateway shutting down";

    private final ControlPlane plane;
    private final CallListener listener;
    /** Null when the server runs the control plane alone. */
    private final GreDataPlane dataPlane;
    private final EventLoopGroup acceptLoop;
    private final EventLoopGroup connectionLoops;
    private final Class<? extends ServerChannel> serverChannelType;
    private final ChannelGroup connections = new DefaultChannelGroup("pptp-control", GlobalEventExecutor.INSTANCE);
    private Channel serverChannel;

    /** The control plane alone: no GRE socket, calls are only announced to {@code listener}. */
    public ConcentratorServer(ConcentratorConfig config, MeterRegistry meters, CallListener listener) {
        this(config, meters, listener, null, null);
    }

    /**
     * Control plane and GRE data plane: {@link #start} also opens the raw GRE socket, bound to the
     * listen address, on the connection event loops (epoll required). Each established call gets
     * its GRE state and a {@link PppLink} from {@code links}; {@code listener} hears of calls
     * after the data plane.
     */
    public ConcentratorServer(ConcentratorConfig config, MeterRegistry meters, CallListener listener, GreConfig gre,
            PppLinkFactory links) {
        this.listener = Objects.requireNonNull(listener, "listener");
        this.plane = new ControlPlane(config, meters, new CallListener() {
            @Override
            public String admitCall(Call call) {
                return ConcentratorServer.this.listener.admitCall(call);
            }

            @Override
            public void callEstablished(Call call) {
                if (dataPlane != null) {
                    dataPlane.callEstablished(call);
                }
                ConcentratorServer.this.listener.callEstablished(call);
            }

            @Override
            public void callCleared(Call call, CallClearCause cause) {
                if (dataPlane != null) {
                    dataPlane.callCleared(call, cause);
                }
                ConcentratorServer.this.listener.callCleared(call, cause);
            }

            @Override
            public CompletionStage<Void> serverStopping(String reason) {
                return ConcentratorServer.this.listener.serverStopping(reason);
            }
        });
        if (gre != null && !Epoll.isAvailable()) {
            throw new IllegalStateException("the GRE data plane needs the epoll transport: " + Epoll.unavailabilityCause());
        }
        this.dataPlane = gre == null ? null
                : new GreDataPlane(gre, config.receiveWindowSize(), plane.calls(), Objects.requireNonNull(links, "links"),
                        meters);
        IoHandlerFactory io = Epoll.isAvailable() ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        this.serverChannelType = Epoll.isAvailable() ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
        this.acceptLoop = new MultiThreadIoEventLoopGroup(1, io);
        this.connectionLoops = new MultiThreadIoEventLoopGroup(0, io);
    }

    /**
     * Binds the listener and waits for the bind. The listening socket is created on the calling
     * thread, so a caller that switched its thread into another network namespace serves there.
     */
    public InetSocketAddress start() throws InterruptedException {
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(acceptLoop, connectionLoops)
                .channel(serverChannelType)
                // A deep accept queue: connections are vetted after accept, never left queued.
                .option(ChannelOption.SO_BACKLOG, 1024)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ControlChannelInitializer(plane, connections));
        if (dataPlane != null) {
            // The data plane first: an established call must find the socket open.
            InetAddress listen = plane.config().listen().getAddress();
            Inet4Address bind = listen instanceof Inet4Address v4 && !v4.isAnyLocalAddress() ? v4 : null;
            try {
                dataPlane.open(connectionLoops, bind).sync();
            } catch (IOException e) {
                throw new UncheckedIOException("opening the raw GRE socket", e);
            }
        }
        ChannelFuture bind = bootstrap.bind(plane.config().listen()).sync();
        serverChannel = bind.channel();
        InetSocketAddress local = (InetSocketAddress) serverChannel.localAddress();
        LOG.log(Level.INFO, () -> "pptp control listening on " + local);
        return local;
    }

    /** The calls, by the PAC's call ID: what the data plane demultiplexes GRE with. */
    public CallRegistry calls() {
        return plane.calls();
    }

    /** The GRE data plane, or null when this server runs the control plane alone. */
    public GreDataPlane dataPlane() {
        return dataPlane;
    }

    public ControlPlane controlPlane() {
        return plane;
    }

    /** Control connections open now, in any state. */
    public int openConnections() {
        return connections.size();
    }

    /**
     * Stops accepting, then ends everything as a shutting-down PAC should, in three steps:
     * <ol>
     *   <li>the listener's {@link CallListener#serverStopping}: every PPP session sends its peer an
     *       LCP Terminate-Request "{@value #SHUTDOWN_REASON}" (RFC 1661 §5.5), all at once, as pppd
     *       does on SIGTERM, so the client hears why its link goes down (pppd logs "LCP terminated
     *       by peer (gateway shutting down)") instead of seeing its call vanish;
     *   <li>a wait, bounded by {@link ConcentratorConfig#shutdownGrace()} for all of them together,
     *       for the sessions to finish (Terminate-Ack received); each clears its own call
     *       with a Call-Disconnect-Notify "Admin Shutdown" as it finishes;
     *   <li>for each control connection a Call-Disconnect-Notify "Admin Shutdown" for every call
     *       still live and a Stop-Control-Connection-Request "Stop-Local-Shutdown", a short wait
     *       for the replies, close.
     * </ol>
     * Then releases the event loops. Only the first call does anything.
     */
    public synchronized void shutdown() throws InterruptedException {
        if (plane.shuttingDown()) {
            return;
        }
        plane.beginShutdown();
        if (serverChannel != null) {
            serverChannel.close().await(5, TimeUnit.SECONDS);
        }
        endSessionsGracefully();
        var timeout = plane.config().shutdownStopReplyTimeout();
        List<Future<Void>> closed = new ArrayList<>();
        for (Channel channel : connections) {
            ControlConnectionHandler handler = channel.pipeline().get(ControlConnectionHandler.class);
            if (handler != null) {
                closed.add(handler.stop(StopControlConnectionReason.STOP_LOCAL_SHUTDOWN,
                        CallDisconnectResult.ADMIN_SHUTDOWN, CallClearCause.SHUTDOWN, timeout));
            } else {
                closed.add(channel.close());
            }
        }
        long deadline = System.nanoTime() + timeout.toNanos() + TimeUnit.SECONDS.toNanos(1);
        for (Future<Void> future : closed) {
            future.await(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        }
        connections.close().await(1, TimeUnit.SECONDS);
        if (dataPlane != null) {
            dataPlane.close();
        }
        connectionLoops.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
        acceptLoop.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
    }

    /**
     * Steps 1 and 2 of {@link #shutdown}: one wait for all sessions, never one per session, so
     * 60,000 sessions cost the grace period at most, like one.
     */
    private void endSessionsGracefully() throws InterruptedException {
        var grace = plane.config().shutdownGrace();
        try {
            listener.serverStopping(SHUTDOWN_REASON).toCompletableFuture().get(grace.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            LOG.log(Level.INFO, () -> "shutdown: " + plane.calls().activeCalls() + " calls still live after the "
                    + grace.toMillis() + " ms grace; disconnecting them");
        } catch (ExecutionException | RuntimeException e) {
            // The listener's failure must not keep the peers from hearing of the shutdown.
            LOG.log(Level.WARNING, "shutdown: ending the sessions gracefully failed", e);
        }
    }

    /** {@link #shutdown()}; an interrupt cuts the waiting short and is kept on the thread. */
    @Override
    public void close() {
        try {
            shutdown();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
