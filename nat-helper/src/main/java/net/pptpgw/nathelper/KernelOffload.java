package net.pptpgw.nathelper;

import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.net.Inet4Address;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.pptpgw.linux.IpCommand;
import net.pptpgw.linux.NftCommand;

/**
 * The kernel fast path ({@code --kernel-offload}): once a call's two call IDs are known, the
 * kernel forwards and rewrites its GRE from elements the helper puts in its own nftables table;
 * the relay keeps the first packets, everything unmatched, and all decisions.
 *
 * <p>The table is {@code netdev pptp_gateway}, with a chain on the <em>ingress</em> hook of the
 * WAN and of the LAN interface. Ingress, not prerouting: a packet the rule forwards with
 * {@code fwd ip to NEXT-HOP device DEV} leaves through the neighbour layer without entering the
 * IP stack, so it meets no conntrack, no policy routing (the fwmark that steers LAN GRE to the
 * relay) and no forward-hook rule (a gateway that leaves GRE forwarding to this helper drops it
 * there); the per-packet cost is a hash lookup and a few rewritten bytes in softirq.
 * <pre>
 * wan_in: ip daddr WAN ip protocol gre (GRE type 0x880b) ip saddr . key-call-ID vmap @down
 *         element: server . gateway call ID : jump d_ID  (counter, key := client call ID, daddr := client, fwd)
 * lan_in: ip protocol gre (0x880b) ip saddr . ip daddr . key-call-ID vmap @up
 *         element: client . server . server call ID : jump u_ID  (counter, saddr := WAN, fwd)
 * </pre>
 * Only an exact (source, destination, call ID) element forwards, so stale or forged GRE goes
 * on to the relay as before and is dropped and counted there. The GRE key needs no checksum
 * fix (enhanced GRE carries none, RFC 2637 §4.1); nft fixes the IPv4 header checksum.
 * Not done by the fast path, unlike the relay's stack path: the TTL is not decremented (nft
 * payload statements cannot compute), and a packet larger than the outgoing MTU is dropped
 * rather than fragmented (both interfaces of a gateway normally share the MTU).
 *
 * <p>Lifetime: elements are added when {@link MappingTable} reports a call forwardable and
 * removed when it is closed or expires. Changes are queued and applied by one thread as one
 * {@code nft -f -} transaction per batch, so a burst of calls costs one process, not one each.
 * Idle expiry: each mapping's two chains count packets; every {@link #POLL_INTERVAL_SECONDS}
 * the helper lists the table, adds the deltas to the forwarded-GRE counters and refreshes the
 * mapping's idle timer for each direction that moved (the timeouts are tens of seconds, so a
 * poll of a few seconds keeps their meaning).
 */
public final class KernelOffload implements MappingTable.ForwardingListener, AutoCloseable {

    private static final Logger LOG = System.getLogger(KernelOffload.class.getName());

    public static final String FAMILY = "netdev";
    public static final String TABLE = "pptp_gateway";
    static final long POLL_INTERVAL_SECONDS = 2;
    /** A route lookup ({@code ip route get}) is kept this long, so a burst of calls costs one per destination. */
    private static final long ROUTE_CACHE_NANOS = TimeUnit.SECONDS.toNanos(30);
    /** Enhanced GRE's protocol type, PPP (RFC 2637 §4.1), in the GRE header's bits 16..31. */
    private static final int GRE_PPP = 0x880b;

    private static final Pattern CHAIN_COUNTER =
            Pattern.compile("chain ([du]_[0-9a-f]{8}_[0-9a-f]{4}) \\{\\s*counter packets (\\d+) bytes \\d+");
    private static final Pattern ROUTE = Pattern.compile("^\\S+(?: via (\\S+))? dev (\\S+)");
    private static final Pattern ADDRESS_DEVICE = Pattern.compile("^\\d+: (\\S+?)(?:@\\S+)?\\s+inet ");

    /** Where the kernel sends a packet for a destination: the interface and the neighbour to address it to. */
    record Route(String device, String nextHop) {}

    /** A mapping whose elements are in the kernel; the element keys are its own, as the mapping may change. */
    private static final class Installed {
        final CallMapping mapping;
        final String downChain;
        final String upChain;
        final String downKey;
        final String upKey;
        long downPackets;
        long upPackets;

        Installed(CallMapping mapping, String downChain, String upChain, String downKey, String upKey) {
            this.mapping = mapping;
            this.downChain = downChain;
            this.upChain = upChain;
            this.downKey = downKey;
            this.upKey = upKey;
        }
    }

    private record Change(CallMapping mapping, boolean add) {}

    private final MappingTable mappings;
    private final NatMetrics metrics;
    private final NftCommand nft;
    private final IpCommand ip;
    private final String lanInterface;
    private final Inet4Address wanAddress;
    private final Queue<Change> pending = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean drainScheduled = new AtomicBoolean();
    /** Worker thread only. */
    private final Map<CallMapping, Installed> installed = new HashMap<>();
    private final Map<String, Route> routes = new HashMap<>();
    private final Map<String, Long> routeTimes = new HashMap<>();
    private ScheduledExecutorService worker;
    private String wanInterface;

    KernelOffload(MappingTable mappings, NatMetrics metrics, NftCommand nft, IpCommand ip, String lanInterface,
            Inet4Address wanAddress) {
        this.mappings = mappings;
        this.metrics = metrics;
        this.nft = nft;
        this.ip = ip;
        this.lanInterface = lanInterface;
        this.wanAddress = wanAddress;
    }

    /**
     * Creates the table (replacing a stale one of an earlier run), starts the worker thread and
     * subscribes to the mapping table. The worker is created by the calling thread, so it runs
     * {@code nft} in the caller's network namespace.
     */
    KernelOffload start() throws IOException {
        wanInterface = interfaceOf(wanAddress);
        nft.apply(tableScript(wanInterface, lanInterface, wanAddress));
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "nat-offload");
            t.setDaemon(true);
            return t;
        });
        executor.prestartAllCoreThreads();
        worker = executor;
        worker.scheduleWithFixedDelay(this::poll, POLL_INTERVAL_SECONDS, POLL_INTERVAL_SECONDS, TimeUnit.SECONDS);
        mappings.forwardingListener(this);
        LOG.log(Level.INFO, "kernel offload on: nftables table {0} {1}, ingress of {2} (WAN) and {3} (LAN)",
                FAMILY, TABLE, wanInterface, lanInterface);
        return this;
    }

    @Override
    public void forwarding(CallMapping mapping) {
        enqueue(new Change(mapping, true));
    }

    @Override
    public void notForwarding(CallMapping mapping) {
        enqueue(new Change(mapping, false));
    }

    private void enqueue(Change change) {
        pending.add(change);
        ScheduledExecutorService w = worker;
        if (w != null && drainScheduled.compareAndSet(false, true)) {
            try {
                w.execute(this::drain);
            } catch (java.util.concurrent.RejectedExecutionException stopping) {
                drainScheduled.set(false);
            }
        }
    }

    /**
     * Applies every queued change as one transaction; on failure, each alone, so one bad change
     * costs only itself. Planning updates {@link #installed} as it goes (an add and a removal of
     * the same mapping in one batch must see each other) and undoes it if nft refuses.
     */
    private void drain() {
        drainScheduled.set(false);
        List<Change> batch = new ArrayList<>();
        for (Change c; (c = pending.poll()) != null; ) {
            batch.add(c);
        }
        if (batch.isEmpty()) {
            return;
        }
        if (batch.stream().anyMatch(c -> !c.add() && installed.containsKey(c.mapping()))) {
            poll(); // a chain's counter goes with it: count its last packets first
        }
        StringBuilder script = new StringBuilder();
        Deque<Runnable> undo = new ArrayDeque<>();
        for (Change change : batch) {
            plan(change, script, undo);
        }
        if (!script.isEmpty()) {
            try {
                nft.apply(script.toString());
            } catch (IOException batchFailed) {
                undo.forEach(Runnable::run);
                LOG.log(Level.WARNING, "kernel offload batch of {0} changes failed, applying them one by one: {1}",
                        batch.size(), batchFailed.getMessage());
                batch.forEach(this::applyAlone);
            }
        }
        metrics.offloadedMappings(installed.size());
    }

    private void applyAlone(Change change) {
        StringBuilder script = new StringBuilder();
        Deque<Runnable> undo = new ArrayDeque<>();
        plan(change, script, undo);
        if (script.isEmpty()) {
            return;
        }
        try {
            nft.apply(script.toString());
        } catch (IOException e) {
            // A failed removal stays listed as installed: the next poll sees its mapping ended and retries.
            undo.forEach(Runnable::run);
            metrics.offloadFailure(change.add() ? "install" : "remove");
            LOG.log(Level.WARNING, "kernel offload " + (change.add() ? "install" : "removal") + " failed for "
                    + change.mapping() + ": " + e.getMessage());
        }
    }

    /** Appends the nft commands of one change, records it in {@link #installed}, and how to take that back. */
    private void plan(Change change, StringBuilder script, Deque<Runnable> undo) {
        CallMapping mapping = change.mapping();
        if (change.add()) {
            if (installed.containsKey(mapping) || mapping.unpublished()
                    || mapping.serverCallId() == CallMapping.UNKNOWN) {
                return; // already there, or ended before its turn came
            }
            Route toClient;
            Route toServer;
            try {
                toClient = route(mapping.client());
                toServer = route(mapping.server());
            } catch (IOException e) {
                metrics.offloadFailure("route");
                LOG.log(Level.WARNING, "no route for the kernel offload of " + mapping + ": " + e.getMessage());
                return;
            }
            String suffix = chainSuffix(mapping);
            Installed entry = new Installed(mapping, "d_" + suffix, "u_" + suffix, downKey(mapping), upKey(mapping));
            script.append(addScript(mapping, entry.downChain, entry.upChain, toClient, toServer, wanAddress));
            installed.put(mapping, entry);
            undo.push(() -> installed.remove(mapping));
        } else {
            Installed current = installed.remove(mapping);
            if (current == null) {
                return;
            }
            script.append(removeScript(current.downChain, current.upChain, current.downKey, current.upKey));
            undo.push(() -> installed.put(mapping, current));
        }
    }

    /** The chains' packet counters now: what grew since the last read is forwarded GRE and activity. */
    private void countDelta(Installed entry, long downPackets, long upPackets) {
        long down = downPackets - entry.downPackets;
        long up = upPackets - entry.upPackets;
        entry.downPackets = downPackets;
        entry.upPackets = upPackets;
        if (down > 0) {
            metrics.greOffloaded(Direction.WAN_TO_LAN, down);
            mappings.offloadedGreSeen(entry.mapping, Direction.WAN_TO_LAN);
        }
        if (up > 0) {
            metrics.greOffloaded(Direction.LAN_TO_WAN, up);
            mappings.offloadedGreSeen(entry.mapping, Direction.LAN_TO_WAN);
        }
    }

    /** Reads every chain's counter: forwarded-GRE metrics and the mappings' idle timers. */
    private void poll() {
        if (installed.isEmpty()) {
            return;
        }
        Map<String, Long> counters;
        try {
            counters = parseCounters(nft.listTable(FAMILY, TABLE));
        } catch (IOException | RuntimeException e) {
            metrics.offloadFailure("poll");
            LOG.log(Level.WARNING, "kernel offload: cannot read the counters: " + e.getMessage());
            return;
        }
        for (Installed entry : installed.values()) {
            Long down = counters.get(entry.downChain);
            Long up = counters.get(entry.upChain);
            if (down != null && up != null) {
                countDelta(entry, down, up);
            }
            if (entry.mapping.unpublished()) {
                // Its removal failed earlier (or is queued): try again, so that no ended call keeps forwarding.
                enqueue(new Change(entry.mapping, false));
            }
        }
    }

    private Route route(Inet4Address destination) throws IOException {
        String address = destination.getHostAddress();
        long now = System.nanoTime();
        Long time = routeTimes.get(address);
        Route route = routes.get(address);
        if (route == null || time == null || now - time > ROUTE_CACHE_NANOS) {
            route = parseRoute(address, ip.run("-o", "-4", "route", "get", address));
            routes.put(address, route);
            routeTimes.put(address, now);
        }
        return route;
    }

    private String interfaceOf(Inet4Address address) throws IOException {
        String listing = ip.run("-o", "-4", "address", "show", "to", address.getHostAddress() + "/32");
        Matcher m = ADDRESS_DEVICE.matcher(listing);
        if (!m.find()) {
            throw new IOException("kernel offload: no interface has the WAN address " + address.getHostAddress());
        }
        return m.group(1);
    }

    /** Removes the table (every element with it) and stops the worker. Idempotent. */
    @Override
    public void close() {
        mappings.forwardingListener(MappingTable.ForwardingListener.NONE);
        ScheduledExecutorService w = worker;
        worker = null;
        if (w != null) {
            w.shutdownNow();
            try {
                w.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        poll(); // the worker has stopped: its last counts, before the table goes
        LOG.log(Level.INFO, "kernel offload stopped: {0} mappings offloaded at the end; GRE the kernel forwarded: "
                + "{1} lan-to-wan, {2} wan-to-lan", installed.size(),
                Long.toString(metrics.greOffloadedCount(Direction.LAN_TO_WAN)),
                Long.toString(metrics.greOffloadedCount(Direction.WAN_TO_LAN)));
        try {
            nft.apply("table netdev " + TABLE + "\ndelete table netdev " + TABLE + "\n");
        } catch (IOException e) {
            LOG.log(Level.WARNING, "could not remove the nftables table " + FAMILY + " " + TABLE + ": " + e.getMessage());
        }
        installed.clear();
        metrics.offloadedMappings(0);
    }

    // ---- the nftables text, apart from the process so that tests can check it byte for byte

    /** The table, replacing a copy left by an earlier run. */
    static String tableScript(String wanInterface, String lanInterface, Inet4Address wanAddress) {
        // @th,16,16 is the GRE protocol type and @th,48,16 the key's call ID (RFC 2637 §4.1);
        // priority -500 runs before any other ingress filter the operator may have.
        return """
                table netdev %1$s
                delete table netdev %1$s
                table netdev %1$s {
                  map down { typeof ip saddr . @th,48,16 : verdict; }
                  map up { typeof ip saddr . ip daddr . @th,48,16 : verdict; }
                  chain wan_in {
                    type filter hook ingress device "%2$s" priority -500; policy accept;
                    meta protocol ip ip daddr %4$s ip protocol gre @th,16,16 0x%5$04x ip saddr . @th,48,16 vmap @down
                  }
                  chain lan_in {
                    type filter hook ingress device "%3$s" priority -500; policy accept;
                    meta protocol ip ip protocol gre @th,16,16 0x%5$04x ip saddr . ip daddr . @th,48,16 vmap @up
                  }
                }
                """.formatted(TABLE, wanInterface, lanInterface, wanAddress.getHostAddress(), GRE_PPP);
    }

    /** The two chains of a mapping and the two elements that jump to them. */
    static String addScript(CallMapping m, String downChain, String upChain, Route toClient, Route toServer,
            Inet4Address wanAddress) {
        String client = m.client().getHostAddress();
        String server = m.server().getHostAddress();
        return "add chain netdev " + TABLE + " " + downChain + " { counter; @th,48,16 set " + hex(m.clientCallId())
                + " ip daddr set " + client + " fwd ip to " + toClient.nextHop() + " device \"" + toClient.device()
                + "\"; }\n"
                + "add chain netdev " + TABLE + " " + upChain + " { counter; ip saddr set " + wanAddress.getHostAddress()
                + " fwd ip to " + toServer.nextHop() + " device \"" + toServer.device() + "\"; }\n"
                + "add element netdev " + TABLE + " down { " + downKey(m) + " : jump " + downChain + " }\n"
                + "add element netdev " + TABLE + " up { " + upKey(m) + " : jump " + upChain + " }\n";
    }

    /** Elements first: a chain an element jumps to cannot be deleted. */
    static String removeScript(String downChain, String upChain, String downKey, String upKey) {
        return "delete element netdev " + TABLE + " down { " + downKey + " }\n"
                + "delete element netdev " + TABLE + " up { " + upKey + " }\n"
                + "delete chain netdev " + TABLE + " " + downChain + "\n"
                + "delete chain netdev " + TABLE + " " + upChain + "\n";
    }

    /** Unique while the mapping lives: the gateway call ID is unique per server. */
    static String chainSuffix(CallMapping m) {
        return "%08x_%04x".formatted(m.serverAddress(), m.gatewayCallId());
    }

    static String downKey(CallMapping m) {
        return m.server().getHostAddress() + " . " + hex(m.gatewayCallId());
    }

    static String upKey(CallMapping m) {
        return m.client().getHostAddress() + " . " + m.server().getHostAddress() + " . " + hex(m.serverCallId());
    }

    /** Per chain, its packet counter, from {@code nft list table}. */
    static Map<String, Long> parseCounters(String listing) {
        Map<String, Long> counters = new HashMap<>();
        Matcher m = CHAIN_COUNTER.matcher(listing);
        while (m.find()) {
            counters.put(m.group(1), Long.parseLong(m.group(2)));
        }
        return counters;
    }

    /** {@code ip -o -4 route get ADDRESS}: {@code 198.18.0.2 dev wan0 src ...} or {@code ... via GW dev DEV ...}. */
    static Route parseRoute(String destination, String output) throws IOException {
        Matcher m = ROUTE.matcher(output.strip());
        if (!m.find() || output.startsWith("local ") || output.startsWith("broadcast ")) {
            throw new IOException("no forwarding route to " + destination + ": " + output.strip());
        }
        return new Route(m.group(2), m.group(1) != null ? m.group(1) : destination);
    }

    private static String hex(int callId) {
        return "0x%04x".formatted(callId);
    }
}
