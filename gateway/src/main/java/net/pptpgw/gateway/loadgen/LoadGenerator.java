package net.pptpgw.gateway.loadgen;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelFuture;
import io.netty.channel.IoEventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntFunction;
import net.pptpgw.client.ClientCall;
import net.pptpgw.client.ClientConfig;
import net.pptpgw.client.PptpClient;
import net.pptpgw.client.control.CallEnd;
import net.pptpgw.client.control.ControlEnd;
import net.pptpgw.client.control.PnsControlHandler;
import net.pptpgw.concentrator.data.GreConfig;
import net.pptpgw.linux.IpCommand;
import net.pptpgw.linux.TunDevice;
import net.pptpgw.linux.TunQueue;
import net.pptpgw.protocol.gre.GreHeader;
import net.pptpgw.protocol.ppp.fsm.IpcpAgreement;
import net.pptpgw.protocol.ppp.fsm.MppeAgreement;
import net.pptpgw.protocol.ppp.fsm.Termination;
import net.pptpgw.protocol.ppp.session.Phase;
import net.pptpgw.protocol.ppp.session.PppSession;
import net.pptpgw.protocol.ppp.session.PppSessionConfig;
import net.pptpgw.protocol.pptp.OutgoingCallReply;
import net.pptpgw.protocol.pptp.StartControlConnectionReply;

/**
 * Opens {@code sessions} PPTP client sessions at {@code rate} per second, waits for each to
 * reach the target stage (control connection, call, or PPP network up) or fail, holds them,
 * then tears every one down (LCP Terminate, Call-Clear-Request, Stop-Control-Connection-Request)
 * and reports. Every wait is bounded: setup by {@code timeout} per session, the hold by
 * {@code hold}, the teardown by the control reply timeout plus PPP's terminate time.
 *
 * <p>Sessions are grouped {@code callsPerConnection} to a control connection (RFC 2637 allows
 * many calls per connection; one process holds at most ~19,900 sockets here), each connection
 * bound to the next source address of the range.
 */
public final class LoadGenerator {

    /** Where a session counts as set up. */
    public enum Stage {
        /** Start-Control-Connection-Reply Successful (no call placed). */
        CONTROL,
        /** Outgoing-Call-Reply Connected; the call carries no GRE or PPP (a control-plane test). */
        CALL,
        /** PPP network up: IPCP done and MPPE as agreed. */
        NETWORK
    }

    /**
     * @param ppp the PPP client configuration of session {@code i} (its user name and password)
     * @param sources local addresses for the control connections, round-robin; null: the route's
     * @param trafficPps ICMP Echo Requests per second per session to the server's tunnel address, 0 for none
     * @param progress where a progress line goes every {@code progressInterval}; null for none
     * @param tun name (or pattern, {@code %d}) of a TUN interface that carries session 0's IP: the
     *     kernel of this namespace can then route through that tunnel (e.g. iperf3); null for none
     */
    public record Settings(InetSocketAddress server, int sessions, double rate, Duration hold, Duration timeout,
            IntFunction<PppSessionConfig> ppp, SourceRange sources, int callsPerConnection, int trafficPps,
            Stage stage, Duration progressInterval, PrintStream progress, ClientConfig client, String tun) {

        /**
         * A warm-up run before these settings: {@code count} sessions, no hold, no TUN, and no
         * progress or diagnostics of its own (its slow-session line, for one, describes a cold JVM
         * and must not be read as the measured run's).
         */
        public Settings warmUp(int count) {
            return new Settings(server, count, rate, Duration.ZERO, timeout, ppp, sources, callsPerConnection,
                    trafficPps, stage, null, new PrintStream(OutputStream.nullOutputStream()), client, null);
        }

        /** Without a TUN. */
        public Settings(InetSocketAddress server, int sessions, double rate, Duration hold, Duration timeout,
                IntFunction<PppSessionConfig> ppp, SourceRange sources, int callsPerConnection, int trafficPps,
                Stage stage, Duration progressInterval, PrintStream progress, ClientConfig client) {
            this(server, sessions, rate, hold, timeout, ppp, sources, callsPerConnection, trafficPps, stage,
                    progressInterval, progress, client, null);
        }

        public Settings {
            Objects.requireNonNull(server, "server");
            Objects.requireNonNull(ppp, "ppp");
            Objects.requireNonNull(stage, "stage");
            Objects.requireNonNull(client, "client");
            if (sessions < 1 || !(rate > 0) || callsPerConnection < 1 || trafficPps < 0) {
                throw new IllegalArgumentException("need sessions >= 1, rate > 0, callsPerConnection >= 1, traffic >= 0");
            }
            if (tun != null && stage != Stage.NETWORK) {
                throw new IllegalArgumentException("a TUN needs the network stage");
            }
        }
    }

    private enum Status { PENDING, SETTING_UP, UP, FAILED }

    /** Authentication failure as the PPP engine names it (AuthContext.AUTHENTICATION_FAILED). */
    static final String AUTHENTICATION_FAILED = "authentication-failed";
    /**
     * A session this slow waited for a timer or in a long CPU queue (a cold JVM); its longest step
     * tells which (see {@link #logSlowSessions}).
     */
    private static final long SLOW_NANOS = 1_000_000_000L;

    private final Settings settings;
    private final Object lock = new Object();
    private final Session[] sessions;
    private final List<Connection> connections = new ArrayList<>();
    private final Map<String, Integer> failures = new TreeMap<>();
    private final Map<String, Integer> lostDuringHold = new TreeMap<>();
    private final LongAdder echoSent = new LongAdder();
    private final LongAdder echoReceived = new LongAdder();
    private PptpClient client;
    /** Session 0's TUN when {@code settings.tun()} is set; opened and closed on the GRE loop. */
    private volatile TunDevice tunDevice;
    private volatile TunQueue tunQueue;
    private int attempted;
    private int up;
    private int failed;
    private int ended;
    private int connectionsClosed;
    private volatile boolean tearingDown;
    private long firstStartNanos;
    private long lastUpNanos;

    public LoadGenerator(Settings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.sessions = new Session[settings.sessions()];
    }

    /** Runs the whole load in the calling thread's network namespace; returns the report. */
    public LoadReport run() throws Exception {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        client = new PptpClient(settings.client(), meters);
        try {
            if (settings.stage() == Stage.NETWORK) {
                client.start(); // GRE only where PPP runs
            }
            long begin = System.nanoTime();
            open(begin);
            awaitSettled(begin);
            long setupEnd = System.nanoTime();
            Map<String, Double> dropsAtSetup = greDrops(meters);
            logDrops("during setup", dropsAtSetup);
            logSlowSessions();
            hold(begin);
            int heldAtEnd;
            synchronized (lock) {
                heldAtEnd = countUp();
            }
            tearDown(begin);
            Map<String, Double> dropsAfterSetup = greDrops(meters);
            dropsAtSetup.forEach((reason, count) -> dropsAfterSetup.merge(reason, -count, Double::sum));
            logDrops("while held and in teardown", dropsAfterSetup);
            return report(begin, setupEnd, heldAtEnd);
        } finally {
            closeTun();
            client.close();
        }
    }

    /**
     * GRE our data plane dropped so far, by reason. During setup an unknown-call drop is a PAC's
     * packet for a call we did not know yet and costs that session a restart timer; in teardown it
     * is usually a PAC's last ack for a call we have just cleared, harmless.
     */
    private static Map<String, Double> greDrops(SimpleMeterRegistry meters) {
        Map<String, Double> drops = new TreeMap<>();
        meters.find("pptp.gre.drops").counters().forEach(c -> drops.merge(c.getId().getTag("reason"), c.count(),
                Double::sum));
        return drops;
    }

    private void logDrops(String when, Map<String, Double> drops) {
        drops.forEach((reason, count) -> {
            if (count > 0) {
                log().printf(Locale.ROOT, "loadgen: GRE dropped %s %s: %.0f%n", when, reason, count);
            }
        });
    }

    /**
     * Sessions up in {@link #SLOW_NANOS} or more, by the step they spent longest in: a PPP
     * restart timer (RFC 1661 §4.6, 3 s) shows as one step of ~3 s, and the step names the packet
     * that was lost (e.g. ESTABLISH: an LCP Configure-Request or its Ack).
     */
    private void logSlowSessions() {
        Map<String, Integer> slowest = new TreeMap<>();
        synchronized (lock) {
            for (Session session : sessions) {
                if (session != null && session.upNanos - session.startNanos >= SLOW_NANOS) {
                    slowest.merge(session.longestStep, 1, Integer::sum);
                }
            }
        }
        if (!slowest.isEmpty()) {
            log().printf(Locale.ROOT, "loadgen: sessions up in 1 s or more, by their longest step: %s%n", slowest);
        }
    }

    private PrintStream log() {
        return settings.progress() != null ? settings.progress() : System.err;
    }

    private void closeTun() {
        TunDevice device = tunDevice;
        tunDevice = null;
        tunQueue = null;
        if (device != null) {
            device.close();
        }
    }

    // ---- phases ----

    private void open(long begin) throws InterruptedException {
        long interval = (long) (1e9 / settings.rate());
        Connection connection = null;
        long nextProgress = begin + progressNanos();
        for (int i = 0; i < sessions.length; i++) {
            long due = begin + i * interval;
            for (long now; (now = System.nanoTime()) < due; ) {
                TimeUnit.NANOSECONDS.sleep(Math.min(due - now, 50_000_000L));
                nextProgress = progress(begin, nextProgress);
            }
            nextProgress = progress(begin, nextProgress);
            if (i % settings.callsPerConnection() == 0) {
                int expected = Math.min(settings.callsPerConnection(), sessions.length - i);
                Inet4Address source = settings.sources() == null ? null
                        : settings.sources().get(i / settings.callsPerConnection());
                connection = new Connection(source, expected);
                synchronized (lock) {
                    connections.add(connection);
                }
            }
            Session session = new Session(i, connection);
            sessions[i] = session;
            synchronized (lock) {
                if (attempted == 0) {
                    firstStartNanos = System.nanoTime();
                }
                attempted++;
            }
            connection.add(session);
        }
    }

    private void awaitSettled(long begin) throws InterruptedException {
        // The last session started timeout ago at the latest when this gives up; its own timer has fired.
        long deadline = System.nanoTime() + settings.timeout().toNanos() + 1_000_000_000L;
        long nextProgress = System.nanoTime() + progressNanos();
        synchronized (lock) {
            while (up + failed < sessions.length && System.nanoTime() < deadline) {
                lock.wait(50);
                nextProgress = progressLocked(begin, nextProgress);
            }
        }
    }

    private void hold(long begin) throws InterruptedException {
        long end = System.nanoTime() + settings.hold().toNanos();
        long nextProgress = System.nanoTime() + progressNanos();
        for (long now; (now = System.nanoTime()) < end; ) {
            TimeUnit.NANOSECONDS.sleep(Math.min(end - now, 50_000_000L));
            nextProgress = progress(begin, nextProgress);
        }
    }

    private void tearDown(long begin) throws InterruptedException {
        tearingDown = true;
        List<Connection> all;
        synchronized (lock) {
            all = List.copyOf(connections);
        }
        for (Connection connection : all) {
            connection.tearDown();
        }
        // PPP's terminate (restart timer x terminate count), a Call-Disconnect-Notify and a
        // Stop-Control-Connection-Reply, each bounded by the reply timeout.
        long replyTimeout = settings.client().control().replyTimeout().toNanos();
        long pppTerminate = 7_000_000_000L;
        long forceAt = System.nanoTime() + pppTerminate + replyTimeout;
        long deadline = forceAt + 2 * replyTimeout + 1_000_000_000L;
        boolean forced = false;
        synchronized (lock) {
            while (connectionsClosed < connections.size() && System.nanoTime() < deadline) {
                lock.wait(50);
                if (!forced && System.nanoTime() > forceAt) {
                    // Calls that never answered: Stop-Control-Connection clears whatever is left (§2.3).
                    forced = true;
                    for (Connection connection : connections) {
                        connection.stop();
                    }
                }
            }
        }
    }

    // ---- reporting ----

    private long progressNanos() {
        return settings.progressInterval() == null ? Long.MAX_VALUE / 4 : settings.progressInterval().toNanos();
    }

    private long progress(long begin, long nextProgress) {
        synchronized (lock) {
            return progressLocked(begin, nextProgress);
        }
    }

    private long progressLocked(long begin, long nextProgress) {
        long now = System.nanoTime();
        if (settings.progress() == null || now < nextProgress) {
            return nextProgress;
        }
        double seconds = (now - begin) / 1e9;
        settings.progress().printf(Locale.ROOT, "loadgen %7.1fs  attempted %d  up %d  failed %d  held %d  %.1f sessions/s%n",
                seconds, attempted, up, failed, countUp(), up / Math.max(seconds, 1e-9));
        return now + progressNanos();
    }

    private int countUp() {
        int count = 0;
        for (Session session : sessions) {
            if (session != null && session.status == Status.UP && !session.ended) {
                count++;
            }
        }
        return count;
    }

    private LoadReport report(long begin, long setupEnd, int heldAtEnd) {
        synchronized (lock) {
            long[] latencies = new long[up];
            int n = 0;
            for (Session session : sessions) {
                if (session != null && session.upNanos > 0) {
                    latencies[n++] = session.upNanos - session.startNanos;
                }
            }
            double setupSeconds = up == 0 ? 0 : (lastUpNanos - firstStartNanos) / 1e9;
            int teardownIncomplete = connections.size() - connectionsClosed;
            return new LoadReport(settings.sessions(), attempted, up, failed, new TreeMap<>(failures),
                    settings.stage().name().toLowerCase(Locale.ROOT), settings.rate(),
                    up == 0 ? 0 : up / Math.max(setupSeconds, 1e-9),
                    LoadReport.Latency.of(latencies, n), heldAtEnd, new TreeMap<>(lostDuringHold),
                    new LoadReport.Traffic(settings.trafficPps(), echoSent.sum(), echoReceived.sum()),
                    connections.size(), teardownIncomplete, (System.nanoTime() - begin) / 1e9,
                    (setupEnd - begin) / 1e9);
        }
    }

    private static String reason(CallEnd end, Optional<Termination> ppp) {
        if (ppp.isPresent() && !ppp.get().cause().equals(Termination.ADMINISTRATIVE_CLOSE)) {
            String cause = ppp.get().cause();
            return cause.equals(AUTHENTICATION_FAILED) ? "auth-failed" : "ppp-" + cause;
        }
        if (end.reason().equals(CallEnd.REFUSED) && end.reply() != null) {
            return "call-refused:" + end.reply().resultCode().code() + "/" + end.reply().errorCode().code();
        }
        return "call-" + end.reason();
    }

    // ---- one control connection ----

    private final class Connection implements PnsControlHandler.Listener {
        final Inet4Address source;
        final int expected;
        final List<Session> members = new ArrayList<>();
        /** Set once TCP is connected; {@link #control} once the PAC said Successful. */
        PnsControlHandler handler;
        PnsControlHandler control;
        boolean stopRequested;
        boolean closed;
        int live;

        Connection(Inet4Address source, int expected) {
            this.source = source;
            this.expected = expected;
        }

        void add(Session session) {
            boolean first;
            PnsControlHandler started;
            synchronized (lock) {
                first = members.isEmpty();
                members.add(session);
                live++;
                session.status = Status.SETTING_UP;
                session.startNanos = System.nanoTime();
                session.stepStartNanos = session.startNanos;
                started = control;
                if (closed) {
                    session.fail("control-closed");
                    session.end();
                    return;
                }
            }
            session.armTimeout();
            if (first) {
                ChannelFuture connect = client.connect(settings.server(), source, this);
                connect.addListener(f -> {
                    if (!f.isSuccess()) {
                        connectFailed(f.cause());
                        return;
                    }
                    boolean stopNow;
                    synchronized (lock) {
                        handler = connect.channel().pipeline().get(PnsControlHandler.class);
                        stopNow = stopRequested;
                    }
                    if (stopNow && handler != null) {
                        handler.stop();
                    }
                });
            } else if (started != null) {
                started.context().executor().execute(() -> session.place(started));
            }
        }

        private void connectFailed(Throwable cause) {
            List<Session> all;
            synchronized (lock) {
                closed = true;
                connectionsClosed++;
                all = List.copyOf(members);
                for (Session session : all) {
                    session.fail("connect-failed");
                    session.end();
                }
                lock.notifyAll();
            }
        }

        @Override
        public void started(PnsControlHandler control, StartControlConnectionReply reply) {
            List<Session> waiting;
            synchronized (lock) {
                this.control = control;
                waiting = List.copyOf(members);
            }
            for (Session session : waiting) {
                session.place(control);
            }
        }

        @Override
        public void closed(PnsControlHandler control, ControlEnd end) {
            synchronized (lock) {
                if (closed) {
                    return;
                }
                closed = true;
                connectionsClosed++;
                String reason = end.reason().equals(ControlEnd.CONTROL_REFUSED) && end.refusal() != null
                        ? "control-refused:" + end.refusal().resultCode().code() + "/" + end.refusal().errorCode().code()
                        : "control-" + end.reason();
                for (Session session : members) {
                    if (!session.ended) {
                        session.lost(reason);
                        session.end();
                    }
                }
                lock.notifyAll();
            }
        }

        /** A member ended; the last one of a fully assigned connection stops it. */
        void sessionEnded() {
            // under lock
            live--;
            if (live == 0 && members.size() == expected && !closed) {
                stopRequested = true;
                if (handler != null) {
                    handler.stop();
                }
            }
        }

        void tearDown() {
            List<Session> all;
            synchronized (lock) {
                all = List.copyOf(members);
            }
            boolean anyCall = false;
            for (Session session : all) {
                anyCall |= session.hangUp();
            }
            if (!anyCall) {
                stop();
            }
        }

        /** Stop-Control-Connection once established; before that the connection just closes. */
        void stop() {
            PnsControlHandler connected;
            synchronized (lock) {
                if (closed) {
                    return;
                }
                stopRequested = true;
                connected = handler;
            }
            if (connected != null) {
                connected.stop();
            }
        }
    }

    // ---- one session ----

    private final class Session implements ClientCall.Listener {
        final int index;
        final Connection connection;
        Status status = Status.PENDING;
        /** Written under the lock; read without it by the traffic task on the GRE loop. */
        volatile boolean ended;
        long startNanos;
        long upNanos;
        /**
         * The setup step that took longest so far (named by where it ended: "call" for the
         * Outgoing-Call-Reply, a PPP phase for entering it, "up"), its length, and when the last step ended.
         */
        String longestStep = "none";
        long longestStepNanos;
        long stepStartNanos;
        volatile ClientCall call;
        ScheduledFuture<?> timeout;
        volatile ScheduledFuture<?> traffic;
        /** On the GRE loop only. */
        int echoSequence;

        Session(int index, Connection connection) {
            this.index = index;
            this.connection = connection;
        }

        void armTimeout() {
            timeout = client.group().next().schedule(this::timedOut, settings.timeout().toNanos(),
                    TimeUnit.NANOSECONDS);
        }

        /** On the control loop, once the connection is established. */
        void place(PnsControlHandler control) {
            synchronized (lock) {
                if (status != Status.SETTING_UP) {
                    return;
                }
                if (settings.stage() == Stage.CONTROL) {
                    reachedUp();
                    return;
                }
            }
            call = client.call(control, settings.stage() == Stage.NETWORK ? settings.ppp().apply(index) : null, this);
        }

        @Override
        public void callConnected(ClientCall call, OutgoingCallReply reply) {
            synchronized (lock) {
                stepEnded("call");
                if (settings.stage() == Stage.CALL) {
                    reachedUp();
                }
            }
        }

        @Override
        public void pppPhaseEntered(ClientCall call, Phase phase) {
            synchronized (lock) {
                stepEnded(phase.name());
            }
        }

        @Override
        public void networkUp(ClientCall call, IpcpAgreement ipcp, Optional<MppeAgreement> mppe) {
            if (settings.stage() == Stage.NETWORK) {
                synchronized (lock) {
                    reachedUp();
                }
            }
            if (settings.trafficPps() > 0 && ipcp.peerAddress().isPresent()) {
                startTraffic(call, ipcp.localAddress(), ipcp.peerAddress().get());
            }
            if (settings.tun() != null && index == 0) {
                openTun(call, ipcp, mppe);
            }
        }

        /**
         * Bridges this session's IP to a TUN of its own, as {@code pptp-gateway ppp} does for one
         * link: packets the kernel routes to the TUN go into the tunnel, packets from the tunnel
         * to the kernel. Read and written on the GRE loop, where the session lives.
         */
        private void openTun(ClientCall call, IpcpAgreement ipcp, Optional<MppeAgreement> mppe) {
            try {
                TunDevice device = TunDevice.open(settings.tun());
                tunDevice = device;
                String peer = ipcp.peerAddress().orElseThrow().getHostAddress();
                IpCommand ip = IpCommand.inCallerNamespace();
                ip.addPeerAddress(device.name(), ipcp.localAddress().getHostAddress(), peer + "/32");
                int mtu = call.ppp().engine().lcpAgreement().orElseThrow().peerMru() - (mppe.isPresent() ? 4 : 0);
                ip.setMtu(device.name(), mtu);
                ip.linkUp(device.name());
                TunQueue queue = device.queue(0);
                int headroom = PppSession.DATA_HEADROOM + GreHeader.MAX_LENGTH + 20;
                queue.register((IoEventLoop) call.ppp().link().eventLoop(),
                        TunQueue.Options.defaults().withHeadroom(headroom), (q, packet) -> call.sendIp(packet));
                tunQueue = queue;
                log().printf(Locale.ROOT, "loadgen: TUN %s up: %s peer %s mtu %d%n", device.name(),
                        ipcp.localAddress().getHostAddress(), peer, mtu);
            } catch (IOException | RuntimeException e) {
                log().printf(Locale.ROOT, "loadgen: TUN setup failed: %s%n", e);
                closeTun();
            }
        }

        @Override
        public void ipPacketReceived(ClientCall call, ByteBuf packet) {
            TunQueue queue = index == 0 ? tunQueue : null;
            if (queue != null) {
                queue.writeAndFlush(packet);
                return;
            }
            try {
                if (IcmpEcho.isReply(packet, index & 0xFFFF)) {
                    echoReceived.increment();
                }
            } finally {
                packet.release();
            }
        }

        @Override
        public void ended(ClientCall call, CallEnd end, Optional<Termination> ppp) {
            synchronized (lock) {
                String reason = reason(end, ppp);
                if (status == Status.UP && !tearingDown) {
                    lost(reason);
                } else if (status != Status.UP) {
                    fail(reason);
                }
                end();
            }
        }

        private void startTraffic(ClientCall call, Inet4Address local, Inet4Address peer) {
            long period = 1_000_000_000L / settings.trafficPps();
            var loop = call.ppp().link().eventLoop();
            int headroom = PppSession.DATA_HEADROOM + GreHeader.MAX_LENGTH + 20;
            traffic = loop.scheduleAtFixedRate(() -> {
                if (ended || tearingDown) {
                    return;
                }
                ByteBuf echo = IcmpEcho.request(ByteBufAllocator.DEFAULT, headroom, local, peer, index & 0xFFFF,
                        echoSequence++ & 0xFFFF);
                if (call.sendIp(echo)) {
                    echoSent.increment();
                }
            }, period, period, TimeUnit.NANOSECONDS);
        }

        private void timedOut() {
            ClientCall current;
            synchronized (lock) {
                if (status != Status.SETTING_UP) {
                    return;
                }
                fail("timeout-" + stageName());
                current = call;
            }
            if (current != null) {
                current.hangUp();
            } else {
                connection.stop();
            }
        }

        private String stageName() {
            ClientCall current = call;
            if (current == null) {
                return connection.control == null ? "control" : "call";
            }
            if (current.ppp() == null) {
                return "call";
            }
            return "ppp-" + current.ppp().engine().phase().name().toLowerCase(Locale.ROOT);
        }

        // ---- under lock ----

        /** The setup step that ends now was called {@code name}. */
        void stepEnded(String name) {
            if (status != Status.SETTING_UP) {
                return;
            }
            long now = System.nanoTime();
            if (now - stepStartNanos > longestStepNanos) {
                longestStepNanos = now - stepStartNanos;
                longestStep = name;
            }
            stepStartNanos = now;
        }

        void reachedUp() {
            if (status != Status.SETTING_UP) {
                return;
            }
            stepEnded("up");
            status = Status.UP;
            upNanos = System.nanoTime();
            lastUpNanos = Math.max(lastUpNanos, upNanos);
            up++;
            if (timeout != null) {
                timeout.cancel(false);
            }
            lock.notifyAll();
        }

        void fail(String reason) {
            if (status == Status.UP || status == Status.FAILED) {
                return;
            }
            status = Status.FAILED;
            failed++;
            failures.merge(reason, 1, Integer::sum);
            if (timeout != null) {
                timeout.cancel(false);
            }
            lock.notifyAll();
        }

        /** The connection or call went away: a failure during setup, a loss while held. */
        void lost(String reason) {
            if (status == Status.UP) {
                if (!tearingDown) {
                    lostDuringHold.merge(reason, 1, Integer::sum);
                }
            } else {
                fail(reason);
            }
        }

        void end() {
            if (ended) {
                return;
            }
            ended = true;
            ScheduledFuture<?> task = traffic;
            if (task != null) {
                task.cancel(false);
            }
            LoadGenerator.this.ended++;
            connection.sessionEnded();
            lock.notifyAll();
        }

        /** Teardown: hangs up a call that is still there; true if one was. */
        boolean hangUp() {
            ClientCall current = call;
            synchronized (lock) {
                if (ended || current == null) {
                    return false;
                }
            }
            current.hangUp();
            return true;
        }
    }
}
