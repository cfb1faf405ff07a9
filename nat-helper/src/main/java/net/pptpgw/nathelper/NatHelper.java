package net.pptpgw.nathelper;

import com.github.benmanes.caffeine.cache.Scheduler;
import com.github.benmanes.caffeine.cache.Ticker;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import net.pptpgw.linux.GreUnreachableFilter;
import net.pptpgw.linux.RawGreSocket;
import net.pptpgw.linux.ThreadScheduling;

/**
 * The PPTP passthrough ALG as one object the gateway command starts and stops: the control
 * proxy, the call mappings and their metrics, the GRE relay and the nftables rule that keeps
 * this host from answering GRE with ICMP protocol-unreachable ({@link GreUnreachableFilter}).
 *
 * <p>Everything opens in the network namespace of the thread that calls {@link #start}. It
 * needs CAP_NET_ADMIN and CAP_NET_RAW (raw sockets, IP_TRANSPARENT, nft).
 *
 * <pre>
 * NatHelper helper = new NatHelper(config, registry);
 * helper.start();   // listening; returns at once
 * ...
 * helper.stop();    // closes every proxied connection, ends every call
 * </pre>
 */
public final class NatHelper implements AutoCloseable {

    private static final Logger LOG = System.getLogger(NatHelper.class.getName());

    private final NatHelperConfig config;
    private final NatMetrics metrics;
    private final MappingTable mappings;
    private volatile EventLoopGroup group;
    /** The GRE relay's own thread, apart from the control proxy's, so that it alone can be given real-time scheduling. */
    private EventLoopGroup relayGroup;
    private ControlProxy proxy;
    private GreRelay relay;
    private GreUnreachableFilter unreachableFilter;
    private ScheduledFuture<?> sweeper;

    public NatHelper(NatHelperConfig config, MeterRegistry registry) {
        this.config = config;
        this.metrics = new NatMetrics(registry);
        this.mappings = new MappingTable(config.timeouts(), metrics, Ticker.systemTicker(), new SecureRandom(),
                Scheduler.systemScheduler(), this::runMaintenance);
    }

    /**
     * Installs the ICMP filter, opens the GRE relay's sockets and binds the control proxy; the
     * helper works once this returns.
     */
    public synchronized NatHelper start() throws IOException, InterruptedException {
        if (group != null) {
            throw new IllegalStateException("already started");
        }
        group = new MultiThreadIoEventLoopGroup(Math.max(1, Runtime.getRuntime().availableProcessors()),
                EpollIoHandler.newFactory());
        try {
            // Before the first call can exist: a GRE packet the kernel answers with ICMP
            // protocol-unreachable ends the peer's call (see GreUnreachableFilter).
            unreachableFilter = GreUnreachableFilter.inCallerNamespace();
            unreachableFilter.install();
            // Named, so that operators find it in `top -H` / `ps -L` and can check it with `chrt -p TID`.
            relayGroup = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("gre-relay"),
                    EpollIoHandler.newFactory());
            scheduleRelayThread();
            relay = new GreRelay(mappings, metrics, config.wanAddress(), config.lanInterface(),
                    RawGreSocket.Options.defaults())
                    .start(relayGroup.next());
            proxy = new ControlProxy(config, mappings, metrics, group).start();
        } catch (IOException | InterruptedException | RuntimeException e) {
            releaseAfterFailedStart(e);
            throw e;
        }
        // Expired entries leave promptly through Caffeine's scheduler; this drops unused server tables.
        sweeper = group.next().scheduleAtFixedRate(mappings::cleanUp, 5, 5, TimeUnit.SECONDS);
        LOG.log(Level.INFO, "NAT helper started: WAN address {0}, control proxy on {1}",
                config.wanAddress().getHostAddress(), proxy.localAddress());
        return this;
    }

    /**
     * Caffeine's maintenance on the control proxy's threads, which live in the helper's network
     * namespace, rather than on the JVM-wide common fork-join pool (see {@link MappingTable});
     * inline before {@link #start} and after {@link #stop}.
     */
    private void runMaintenance(Runnable task) {
        EventLoopGroup g = group;
        if (g == null || g.isShuttingDown()) {
            task.run();
            return;
        }
        try {
            g.execute(task);
        } catch (java.util.concurrent.RejectedExecutionException stopping) {
            task.run();
        }
    }

    /**
     * Applies {@link NatHelperConfig#relayScheduling} on the relay's thread itself: Linux keeps the
     * policy per thread, and only the thread can name itself without knowing its ID. A refusal
     * (no CAP_SYS_NICE) fails the start: the operator asked for it, and a relay that silently
     * runs without it loses packets under load instead.
     */
    private void scheduleRelayThread() throws IOException, InterruptedException {
        ThreadScheduling scheduling = config.relayScheduling();
        if (scheduling.isDefault()) {
            return;
        }
        try {
            int tid = relayGroup.next().submit(scheduling::applyToCallingThread).get();
            LOG.log(Level.INFO, "GRE relay thread {0} runs at {1}", Integer.toString(tid), scheduling);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw new IOException("cannot schedule the GRE relay thread at " + scheduling + " (needs CAP_SYS_NICE): "
                        + io.getMessage(), io);
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    /**
     * Closes every proxied control connection (their calls end) and the GRE relay, stops the
     * threads and removes the ICMP filter. Idempotent.
     */
    public synchronized void stop() {
        if (group == null) {
            return;
        }
        sweeper.cancel(false);
        proxy.close();
        relay.close();
        relayGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
        relayGroup = null;
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
        group = null;
        removeUnreachableFilter();
        LOG.log(Level.INFO, "NAT helper stopped");
    }

    private void releaseAfterFailedStart(Exception cause) {
        if (relay != null) {
            relay.close();
            relay = null;
        }
        if (relayGroup != null) {
            relayGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            relayGroup = null;
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        group = null;
        try {
            removeUnreachableFilter();
        } catch (RuntimeException suppressed) {
            cause.addSuppressed(suppressed);
        }
    }

    private void removeUnreachableFilter() {
        if (unreachableFilter == null) {
            return;
        }
        try {
            unreachableFilter.remove();
        } catch (IOException e) {
            LOG.log(Level.WARNING, "could not remove the nftables table " + GreUnreachableFilter.TABLE, e);
        }
        unreachableFilter = null;
    }

    @Override
    public void close() {
        stop();
    }

    public NatHelperConfig config() {
        return config;
    }

    public MappingTable mappings() {
        return mappings;
    }

    public NatMetrics metrics() {
        return metrics;
    }

    /** Where the control proxy listens. */
    public InetSocketAddress controlAddress() {
        return proxy.localAddress();
    }
}
