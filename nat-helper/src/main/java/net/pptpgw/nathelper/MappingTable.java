package net.pptpgw.nathelper;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.RemovalCause;
import com.github.benmanes.caffeine.cache.Scheduler;
import com.github.benmanes.caffeine.cache.Ticker;
import io.netty.util.collection.IntObjectHashMap;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.net.Inet4Address;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;

/**
 * Every call through the gateway, for the control proxy to create and end and for the GRE
 * relay to look up.
 *
 * <p>Two lifetimes meet here. A call's <em>gateway call ID</em> is held from the
 * Outgoing-Call-Request (or Incoming-Call-Reply) until the control connection ends the call
 * (Call-Disconnect-Notify, a Call-Clear-Request answered, or the connection closing); then it
 * goes to quarantine ({@link ServerCalls}). The <em>forwarding entry</em> lives in a Caffeine
 * cache with an idle expiry like the kernel's GRE conntrack: the unreplied timeout until GRE has
 * gone both ways, the stream timeout after. An expired entry stops GRE forwarding, but its ID
 * stays held while the server may still consider the call open, so that no other client's call
 * is given an ID the server already uses.
 *
 * <p>The GRE relay finds calls by (server address, call ID) in two arrays per server, so a
 * lookup is two array reads whatever the number of calls; the server table itself is found in
 * an {@link IntObjectHashMap} keyed by the address as an int, replaced copy-on-write when a
 * server is added or dropped (rare), so the data plane reads it without locks or boxing.
 */
public final class MappingTable {

    private static final Logger LOG = System.getLogger(MappingTable.class.getName());
    /** GRE refreshes an entry's idle timer at most this often: a cache read per packet would cost more than the forwarding. */
    private static final long REFRESH_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final NatMetrics metrics;
    private final Ticker ticker;
    private final RandomGenerator random;
    private final long unrepliedNanos;
    private final long streamNanos;
    private final long quarantineNanos;
    private final Cache<CallMapping.Key, CallMapping> entries;
    private final Object serversLock = new Object();
    private volatile IntObjectHashMap<ServerCalls> servers = new IntObjectHashMap<>();

    /**
     * @param timeouts the idle and quarantine lifetimes
     * @param metrics where the mapping counts go
     * @param ticker the clock, nanoseconds (a fake one in tests)
     * @param random draws gateway call IDs; give a {@link java.security.SecureRandom} in production
     * @param scheduler when to run expiry; {@link Scheduler#systemScheduler()} removes an expired
     *     entry promptly, {@link Scheduler#disabledScheduler()} leaves it to {@link #cleanUp()}
     */
    public MappingTable(NatHelperConfig.Timeouts timeouts, NatMetrics metrics, Ticker ticker, RandomGenerator random,
            Scheduler scheduler) {
        this(timeouts, metrics, ticker, random, scheduler, ForkJoinPool.commonPool());
    }

    /**
     * As above, with Caffeine's maintenance (expiry, eviction notices) run by {@code executor}.
     * {@link NatHelper} gives its own threads: a thread that the common fork-join pool creates
     * from a thread inside a network namespace stays in that namespace, and every later user of
     * the pool in this JVM would open its sockets there.
     */
    public MappingTable(NatHelperConfig.Timeouts timeouts, NatMetrics metrics, Ticker ticker, RandomGenerator random,
            Scheduler scheduler, Executor executor) {
        this.metrics = metrics;
        this.ticker = ticker;
        this.random = random;
        this.unrepliedNanos = timeouts.unreplied().toNanos();
        this.streamNanos = timeouts.stream().toNanos();
        this.quarantineNanos = timeouts.quarantine().toNanos();
        this.entries = Caffeine.newBuilder()
                .ticker(ticker)
                .scheduler(scheduler)
                .executor(executor)
                .expireAfter(new IdleExpiry())
                .evictionListener(this::onEvicted)
                .build();
    }

    /** Unreplied timeout until GRE has gone both ways, stream timeout after; a read (activity) restarts it. */
    private final class IdleExpiry implements Expiry<CallMapping.Key, CallMapping> {
        @Override
        public long expireAfterCreate(CallMapping.Key key, CallMapping mapping, long currentTime) {
            return unrepliedNanos;
        }

        @Override
        public long expireAfterUpdate(CallMapping.Key key, CallMapping mapping, long currentTime, long currentDuration) {
            return currentDuration;
        }

        @Override
        public long expireAfterRead(CallMapping.Key key, CallMapping mapping, long currentTime, long currentDuration) {
            return mapping.established() ? streamNanos : unrepliedNanos;
        }
    }

    private void onEvicted(CallMapping.Key key, CallMapping mapping, RemovalCause cause) {
        if (mapping == null || !unpublish(mapping)) {
            return;
        }
        metrics.mappingExpired();
        LOG.log(Level.INFO, "NAT mapping expired ({0}, idle): {1}", cause, mapping);
    }

    /**
     * Creates the mapping of a new call: draws a gateway call ID for {@code server} and starts
     * forwarding the server's GRE for it.
     *
     * @return the mapping, or {@code null} when all 65536 call IDs toward that server are held
     *     or in quarantine
     */
    public CallMapping open(Inet4Address client, int clientCallId, Inet4Address server) {
        long now = ticker.read();
        int gatewayCallId;
        ServerCalls calls;
        synchronized (serversLock) {
            // Under the lock so that a concurrent sweep cannot drop the table between lookup and reserve.
            calls = serverCallsCreating(server);
            gatewayCallId = calls.reserve(random, now);
        }
        if (gatewayCallId < 0) {
            return null;
        }
        CallMapping mapping = new CallMapping(client, server, clientCallId, gatewayCallId);
        calls.publish(mapping);
        entries.put(mapping.key(), mapping);
        metrics.mappingCreated();
        LOG.log(Level.INFO, "NAT mapping created: {0}", mapping);
        return mapping;
    }

    /** The server told its call ID (Outgoing-Call-Reply) or the client answered its Incoming-Call-Request. */
    public void learnServerCallId(CallMapping mapping, int serverCallId) {
        ServerCalls calls = servers.get(mapping.serverAddress());
        int previous = mapping.serverCallId();
        if (previous == serverCallId) {
            return;
        }
        if (calls != null && previous != CallMapping.UNKNOWN) {
            calls.unpublish(mapping);
        }
        mapping.serverCallId(serverCallId);
        if (calls != null && !mapping.unpublished()) {
            calls.publish(mapping);
            calls.publishServerCallId(mapping);
        }
        LOG.log(Level.DEBUG, "NAT mapping learned the server call ID: {0}", mapping);
    }

    /**
     * Ends a call: no more GRE forwarded for it, and its gateway call ID goes to quarantine.
     * Idempotent.
     *
     * @param reason the metric label, e.g. {@code "call-disconnect-notify"}
     */
    public void close(CallMapping mapping, String reason) {
        synchronized (mapping) {
            if (mapping.closed()) {
                return;
            }
            mapping.markClosed();
        }
        boolean wasLive = unpublish(mapping);
        entries.asMap().remove(mapping.key(), mapping);
        ServerCalls calls = servers.get(mapping.serverAddress());
        if (calls != null) {
            calls.release(mapping.gatewayCallId(), ticker.read(), quarantineNanos);
        }
        if (wasLive) {
            metrics.mappingRemoved(reason);
        }
        LOG.log(Level.INFO, "NAT mapping removed ({0}): {1}", reason, mapping);
    }

    /** Takes the mapping off the forwarding arrays; true the first time. */
    private boolean unpublish(CallMapping mapping) {
        synchronized (mapping) {
            if (mapping.unpublished()) {
                return false;
            }
            mapping.markUnpublished();
        }
        ServerCalls calls = servers.get(mapping.serverAddress());
        if (calls != null) {
            calls.unpublish(mapping);
        }
        return true;
    }

    /** Control traffic for the call: restarts its idle timer. */
    public void touch(CallMapping mapping) {
        entries.getIfPresent(mapping.key());
    }

    /**
     * GRE went through for the call (data plane): records the direction and restarts the idle
     * timer at most once a second. Allocates nothing.
     */
    public void greSeen(CallMapping mapping, Direction direction, long nowNanos) {
        boolean wasEstablished = mapping.established();
        mapping.greSeen(direction);
        if (nowNanos - mapping.lastRefreshNanos >= REFRESH_INTERVAL_NANOS
                || (!wasEstablished && mapping.established())) {
            mapping.lastRefreshNanos = nowNanos;
            entries.getIfPresent(mapping.key());
        }
    }

    /** The calls toward one server, or null. Allocation-free; for the data plane. */
    ServerCalls serverCalls(int serverAddress) {
        return servers.get(serverAddress);
    }

    /** The live mapping the server's GRE with this key belongs to, or null. */
    public CallMapping byGatewayCallId(Inet4Address server, int gatewayCallId) {
        ServerCalls calls = servers.get(Addresses.toInt(server));
        return calls == null ? null : calls.byGatewayCallId(gatewayCallId);
    }

    /** The live mapping a client's GRE to {@code server} with this key belongs to, or null. */
    public CallMapping byServerCallId(Inet4Address server, int serverCallId) {
        ServerCalls calls = servers.get(Addresses.toInt(server));
        return calls == null ? null : calls.byServerCallId(serverCallId);
    }

    /** Whether a gateway call ID toward {@code server} is held by a call (live or expired but not yet ended). */
    public boolean isReserved(Inet4Address server, int gatewayCallId) {
        ServerCalls calls = servers.get(Addresses.toInt(server));
        return calls != null && calls.isReserved(gatewayCallId);
    }

    /** The live mappings now (GRE is forwarded for them), for listings; a copy. */
    public java.util.List<CallMapping> snapshot() {
        return java.util.List.copyOf(entries.asMap().values());
    }

    public long liveMappings() {
        return metrics.liveMappings();
    }

    public Ticker ticker() {
        return ticker;
    }

    /** Runs pending expiry now and drops server tables nobody uses any more. */
    public void cleanUp() {
        entries.cleanUp();
        long now = ticker.read();
        synchronized (serversLock) {
            IntObjectHashMap<ServerCalls> current = servers;
            IntObjectHashMap<ServerCalls> kept = null;
            for (IntObjectHashMap.PrimitiveEntry<ServerCalls> entry : current.entries()) {
                if (entry.value().idle(now, quarantineNanos)) {
                    if (kept == null) {
                        kept = new IntObjectHashMap<>(current.size());
                        kept.putAll(current);
                    }
                    kept.remove(entry.key());
                }
            }
            if (kept != null) {
                servers = kept;
            }
        }
    }

    private ServerCalls serverCallsCreating(Inet4Address server) {
        int address = Addresses.toInt(server);
        ServerCalls calls = servers.get(address);
        if (calls == null) {
            calls = new ServerCalls(server);
            IntObjectHashMap<ServerCalls> copy = new IntObjectHashMap<>(servers.size() + 1);
            copy.putAll(servers);
            copy.put(address, calls);
            servers = copy;
        }
        return calls;
    }
}
