package net.pptpgw.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import java.lang.management.ManagementFactory;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import net.pptpgw.client.ClientCall;
import net.pptpgw.client.ClientConfig;
import net.pptpgw.client.PptpClient;
import net.pptpgw.client.control.CallEnd;
import net.pptpgw.client.control.ControlEnd;
import net.pptpgw.client.control.PnsControlConfig;
import net.pptpgw.client.control.PnsControlHandler;
import net.pptpgw.protocol.ppp.fsm.AuthenticationMethod;
import net.pptpgw.protocol.ppp.fsm.AutomatonConfig;
import net.pptpgw.protocol.ppp.fsm.CcpSettings;
import net.pptpgw.protocol.ppp.fsm.IpcpAgreement;
import net.pptpgw.protocol.ppp.fsm.IpcpSettings;
import net.pptpgw.protocol.ppp.fsm.LcpSettings;
import net.pptpgw.protocol.ppp.fsm.MppeAgreement;
import net.pptpgw.protocol.ppp.fsm.Termination;
import net.pptpgw.protocol.ppp.session.Phase;
import net.pptpgw.protocol.ppp.session.PppSessionConfig;
import net.pptpgw.protocol.ppp.session.Role;
import net.pptpgw.protocol.pptp.OutgoingCallReply;
import net.pptpgw.protocol.pptp.StartControlConnectionReply;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 5: 1,000 connect-and-abort cycles at random protocol stages against
 * {@code pptp-gateway concentrator} in its own namespace leave no call ID, address, session or
 * control connection behind, as its Prometheus endpoint reports, and no thread.
 *
 * <p>Each cycle is one control connection of the {@code client} library (MS-CHAPv2 + MPPE-128
 * PPP on its call) from the client namespace that aborts at one {@link Stage} by one
 * {@link Action}, both drawn from a seeded generator ({@code -Dabort.seed=...} replays a run;
 * {@code -Dabort.cycles} changes the count). Silence is bounded by a 1 s control echo interval:
 * the concentrator sends an Echo-Request after 1 s of silence and closes 1 s later (RFC 2637
 * §2.4), so every silent cycle must show as one echo timeout on {@code /metrics}.
 */
class AbortCyclesTest {

    /** Where a cycle gives up, in protocol order. */
    enum Stage {
        /** TCP is up; no Start-Control-Connection-Request was sent. */
        TCP,
        /** The Start-Control-Connection-Request is out, the Reply not yet read. */
        AFTER_SCCRQ,
        /** The Start-Control-Connection-Reply said Successful. */
        AFTER_SCCRP,
        /** The Outgoing-Call-Request is out, the Reply not yet read. */
        AFTER_OCRQ,
        /** The Outgoing-Call-Reply said Connected; PPP has not started. */
        AFTER_OCRP,
        /** LCP started: our Configure-Request is out. */
        MID_LCP,
        /** LCP is open, the server's Challenge on its way or in: authentication runs. */
        MID_AUTH,
        /** A wrong password: the server sends its Failure (E=691) and ends the call itself. */
        WRONG_PASSWORD,
        /** IPCP and CCP are up: a full session. */
        NETWORK_UP
    }

    /** How a cycle gives up. */
    enum Action {
        /** TCP FIN. */
        CLOSE,
        /** TCP RST (SO_LINGER 0). */
        RESET,
        /** Call-Clear-Request (after LCP Terminate when PPP runs), then Stop-Control-Connection-Request. */
        CLEAR_CALL,
        /** Stop-Control-Connection-Request. */
        STOP_CONTROL,
        /**
         * Stops reading the control connection and sending PPP (at {@link Stage#MID_AUTH}: no
         * Response to the Challenge); the concentrator's echo timeout must end it.
         */
        SILENT
    }

    private static final System.Logger LOG = System.getLogger(AbortCyclesTest.class.getName());
    private static final Duration SILENCE = Duration.ofSeconds(4);
    private static final Duration CYCLE_LIMIT = Duration.ofSeconds(20);
    private static final int IN_FLIGHT = 48;
    /**
     * The pool's first address is our end of every link (no {@code --local-address}); the pool
     * holds it for as long as the concentrator runs, so an idle pool shows one address allocated.
     */
    private static final double RESERVED_ADDRESSES = 1.0;

    @TempDir
    Path dir;

    private NamespaceConcentrator rig;
    private PptpClient client;
    private InetSocketAddress pac;
    private Inet4Address source;
    private final ConcurrentMap<String, AtomicInteger> outcomes = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, String> failureMessages = new ConcurrentHashMap<>();
    private final AtomicInteger silentCycles = new AtomicInteger();

    @Test
    void aThousandAbortedCyclesLeaveNothingBehind() throws Exception {
        long seed = Long.getLong("abort.seed", System.nanoTime());
        int cycles = Integer.getInteger("abort.cycles", 1000);
        LOG.log(System.Logger.Level.INFO, "abort cycles: {0} with seed {1} (-Dabort.seed={1} replays them)",
                cycles, Long.toString(seed));
        Random random = new Random(seed);
        rig = NamespaceConcentrator.start("abort", dir, "user * secret *\n",
                "--pool", "10.205.0.1-10.205.0.254",
                "--echo-interval", "1s", "--lcp-echo-interval", "1s", "--lcp-echo-failures", "2",
                "--connection-rate", "100000", "--connection-burst", "100000", "--max-half-open", "1024");
        try {
            pac = new InetSocketAddress(NamespaceConcentrator.SERVER, NamespaceConcentrator.PPTP_PORT);
            source = (Inet4Address) InetAddress.getByName(NamespaceConcentrator.CLIENT);
            // No client echoes: a silent client must really send nothing on its control connection.
            ClientConfig config = ClientConfig.defaults().withIoThreads(2)
                    .withControl(PnsControlConfig.defaults().withEchoInterval(Duration.ZERO)
                            .withReplyTimeout(Duration.ofSeconds(5)));
            client = rig.inClient(() -> {
                PptpClient c = new PptpClient(config, new SimpleMeterRegistry());
                c.start();
                return c;
            });
            Map<String, Double> idle = awaitClean();
            LOG.log(System.Logger.Level.INFO, "idle concentrator: {0}", leakGauges(idle));
            assertThat(idle.get("pptp_pool_allocated")).as("the idle pool").isEqualTo(RESERVED_ADDRESSES);

            // Warm up, so that every event loop and executor thread that will ever run has started.
            int warmUp = Math.min(60, cycles);
            runCycles(random, warmUp);
            awaitClean();
            int threadsBefore = ManagementFactory.getThreadMXBean().getThreadCount();

            long started = System.nanoTime();
            runCycles(random, cycles - warmUp);
            Map<String, Double> after = awaitClean();
            long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started);
            int threadsAfter = ManagementFactory.getThreadMXBean().getThreadCount();
            LOG.log(System.Logger.Level.INFO, "abort cycles done in {0} s: {1}; threads {2} -> {3}; {4}",
                    seconds, outcomes, threadsBefore, threadsAfter, leakGauges(after));

            String context = "seed " + seed + ", outcomes " + outcomes + ", metrics " + leakGauges(after);
            assertLeakFree(after, context);
            assertThat(client.callIdsInUse()).as("client call IDs in use; %s", context).isZero();
            assertThat(outcomes.keySet()).as(context).noneMatch(k -> k.startsWith("missed")
                    || k.startsWith("watchdog") || k.startsWith("connect-failed") || k.startsWith("ended-twice"));
            for (Stage stage : Stage.values()) {
                assertThat(outcomes).as("stage %s reached; %s", stage, context).containsKey("reached:" + stage);
            }
            int wrongPasswords = outcomes.getOrDefault("reached:" + Stage.WRONG_PASSWORD, new AtomicInteger()).get();
            assertThat(after.getOrDefault("pptp_session_auth_failures_total{method=\"ms-chap-v2\"}", 0.0))
                    .as(context).isEqualTo(wrongPasswords);
            assertThat(failureMessages).as("a Failure reached every wrong password's client").hasSize(wrongPasswords);
            assertThat(failureMessages.values()).as("the Failure packets the clients got")
                    .allMatch(m -> m.contains("E=691 R=0 C=") && m.contains("V=3"));
            // Every silent cycle was ended by the concentrator's echo timeout, not by our later close.
            assertThat(after.getOrDefault("pptp_control_echo_timeouts_total", 0.0)).as(context).isEqualTo(silentCycles.get());
            // A leak would be a thread per cycle or connection; two spare for the JDK's own
            // housekeeping threads, which come and go on their own.
            assertThat(threadsAfter).as("JVM threads after the cycles (before: %d)", threadsBefore)
                    .isLessThanOrEqualTo(threadsBefore + 2);
        } finally {
            if (client != null) {
                client.close();
            }
            rig.close();
        }
    }

    /** Runs {@code count} cycles, at most {@link #IN_FLIGHT} at once; waits for all of them. */
    private void runCycles(Random random, int count) throws Exception {
        Semaphore slots = new Semaphore(IN_FLIGHT);
        CompletableFuture<?>[] done = new CompletableFuture<?>[count];
        for (int i = 0; i < count; i++) {
            Stage stage = Stage.values()[random.nextInt(Stage.values().length)];
            List<Action> actions = actionsAt(stage);
            Action action = actions.isEmpty() ? null : actions.get(random.nextInt(actions.size()));
            if (action == Action.SILENT) {
                silentCycles.incrementAndGet();
            }
            slots.acquire();
            Cycle cycle = new Cycle(stage, action);
            done[i] = cycle.done.whenComplete((v, t) -> slots.release());
            cycle.start();
        }
        CompletableFuture.allOf(done).get(CYCLE_LIMIT.toSeconds() * 3 + count, TimeUnit.SECONDS);
    }

    /** What makes sense where: no call to clear before one is placed, no stop before the connection is up. */
    private static List<Action> actionsAt(Stage stage) {
        return switch (stage) {
            case TCP -> List.of(Action.CLOSE, Action.RESET);
            case AFTER_SCCRQ -> List.of(Action.CLOSE, Action.RESET, Action.SILENT);
            case AFTER_SCCRP -> List.of(Action.CLOSE, Action.RESET, Action.STOP_CONTROL, Action.SILENT);
            case WRONG_PASSWORD -> List.of();
            default -> List.of(Action.values());
        };
    }

    private Map<String, Double> awaitClean() throws Exception {
        return rig.awaitMetrics(Duration.ofSeconds(20), AbortCyclesTest::clean);
    }

    private static boolean clean(Map<String, Double> m) {
        return m.getOrDefault("pptp_calls_active", -1.0) == 0
                && m.getOrDefault("pptp_pool_allocated", -1.0) == RESERVED_ADDRESSES
                && NamespaceConcentrator.sum(m, "pptp_sessions{") == 0
                && NamespaceConcentrator.sum(m, "pptp_control_connections{") == 0
                && m.getOrDefault("pptp_gre_sessions", 0.0) == 0;
    }

    private static void assertLeakFree(Map<String, Double> m, String context) {
        assertThat(m.get("pptp_calls_active")).as("pptp_calls_active; %s", context).isEqualTo(0.0);
        assertThat(m.get("pptp_pool_allocated")).as("pptp_pool_allocated; %s", context).isEqualTo(RESERVED_ADDRESSES);
        m.forEach((sample, value) -> {
            if (sample.startsWith("pptp_sessions{") || sample.startsWith("pptp_control_connections{")) {
                assertThat(value).as("%s; %s", sample, context).isEqualTo(0.0);
            }
        });
        assertThat(m.keySet()).as("the session gauge has every state").contains("pptp_sessions{state=\"up\"}");
        assertThat(m.getOrDefault("pptp_gre_sessions", 0.0)).as("pptp_gre_sessions; %s", context).isEqualTo(0.0);
    }

    private static Map<String, Double> leakGauges(Map<String, Double> m) {
        var gauges = new java.util.TreeMap<String, Double>();
        m.forEach((k, v) -> {
            if (k.startsWith("pptp_calls_active") || k.startsWith("pptp_pool_") || k.startsWith("pptp_sessions{")
                    || k.startsWith("pptp_control_connections{") || k.startsWith("pptp_gre_sessions")
                    || k.startsWith("pptp_control_echo_timeouts") || k.startsWith("pptp_session_auth_failures")) {
                gauges.put(k, v);
            }
        });
        return gauges;
    }

    private void outcome(String key) {
        outcomes.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
    }

    private static PppSessionConfig ppp(String password) {
        return new PppSessionConfig(Role.CLIENT, LcpSettings.client(List.of(AuthenticationMethod.MS_CHAP_V2)),
                IpcpSettings.client(false, false), CcpSettings.require128Stateless(), AutomatonConfig.DEFAULTS,
                "abort", Optional.of(new PppSessionConfig.Credentials("user", password)), Optional.empty(), 1,
                Duration.ZERO, 3);
    }

    /** One control connection with (from {@link Stage#AFTER_OCRQ} on) one call, aborted once at its stage. */
    private final class Cycle implements PnsControlHandler.Listener, ClientCall.Listener {

        private final Stage stage;
        private final Action action;
        final CompletableFuture<Void> done = new CompletableFuture<>();
        private final AtomicBoolean aborted = new AtomicBoolean();
        private volatile Channel channel;
        private volatile PnsControlHandler control;
        private volatile ClientCall call;
        private final AtomicInteger endedCalls = new AtomicInteger();

        Cycle(Stage stage, Action action) {
            this.stage = stage;
            this.action = action;
        }

        void start() throws Exception {
            // The listener goes on in the client namespace's thread right after connect: it must
            // run before channelActive, which sends the Start-Control-Connection-Request.
            rig.inClient(() -> {
                ChannelFuture connect = client.connect(pac, source, this);
                channel = connect.channel();
                connect.addListener(f -> {
                    if (!f.isSuccess()) {
                        outcome("connect-failed");
                    } else if (stage == Stage.TCP) {
                        abort();
                    } else if (stage == Stage.AFTER_SCCRQ) {
                        connect.channel().eventLoop().execute(this::abort); // after channelActive wrote it
                    }
                });
                return null;
            });
            channel.closeFuture().addListener(f -> done.complete(null));
            channel.eventLoop().schedule(() -> {
                if (!done.isDone()) {
                    outcome("watchdog:" + stage + "/" + action);
                    channel.close();
                }
            }, CYCLE_LIMIT.toMillis(), TimeUnit.MILLISECONDS);
        }

        /** On the control loop. */
        private void abort() {
            Channel channel = control != null ? control.context().channel() : this.channel;
            if (!aborted.compareAndSet(false, true)) {
                return;
            }
            outcome("reached:" + stage);
            outcome("action:" + action);
            switch (action) {
                case CLOSE -> channel.close();
                case RESET -> {
                    channel.config().setOption(ChannelOption.SO_LINGER, 0);
                    channel.close();
                }
                case CLEAR_CALL -> call.hangUp(); // ended() then stops the connection
                case STOP_CONTROL -> control.stop();
                case SILENT -> {
                    if (call != null) {
                        call.goSilent(); // no PPP either: no Response to a Challenge, no LCP answers
                    }
                    channel.config().setAutoRead(false);
                    channel.eventLoop().schedule(() -> channel.close(), SILENCE.toMillis(), TimeUnit.MILLISECONDS);
                }
            }
        }

        private void abortOnControlLoop() {
            control.context().executor().execute(this::abort);
        }

        // ---- the control connection (control loop) ----

        @Override
        public void started(PnsControlHandler control, StartControlConnectionReply reply) {
            this.control = control;
            if (stage == Stage.AFTER_SCCRP) {
                abort();
            } else if (stage.compareTo(Stage.AFTER_OCRQ) >= 0) {
                call = client.call(control, ppp(stage == Stage.WRONG_PASSWORD ? "wrong" : "secret"), this);
                if (stage == Stage.AFTER_OCRQ) {
                    abort();
                }
            }
        }

        @Override
        public void closed(PnsControlHandler control, ControlEnd end) {
            if (!aborted.get() && stage != Stage.WRONG_PASSWORD) {
                outcome("missed:" + stage + "/" + end.reason());
            }
        }

        // ---- the call (callConnected and ended on the control loop, PPP milestones on the GRE loop) ----

        @Override
        public void callConnected(ClientCall call, OutgoingCallReply reply) {
            if (stage == Stage.AFTER_OCRP) {
                abort();
            }
        }

        @Override
        public void pppPhaseEntered(ClientCall call, Phase phase) {
            if ((stage == Stage.MID_LCP && phase == Phase.ESTABLISH)
                    || (stage == Stage.MID_AUTH && phase == Phase.AUTHENTICATE)) {
                abortOnControlLoop();
            }
        }

        @Override
        public void networkUp(ClientCall call, IpcpAgreement ipcp, Optional<MppeAgreement> mppe) {
            if (stage == Stage.NETWORK_UP) {
                abortOnControlLoop();
            }
        }

        @Override
        public void ended(ClientCall call, CallEnd end, Optional<Termination> ppp) {
            if (endedCalls.incrementAndGet() > 1) {
                outcome("ended-twice:" + stage + "/" + end);
            }
            if (stage == Stage.WRONG_PASSWORD) {
                outcome("reached:" + stage);
                outcome("wrong-password-end:" + end.reason() + "/" + ppp.map(Termination::cause).orElse("-"));
                ppp.ifPresent(t -> failureMessages.put(call.toString(), t.toString()));
                control.stop();
            } else if (!aborted.get()) {
                outcome("missed:" + stage + "/" + end.reason());
                control.context().close();
            } else if (action == Action.CLEAR_CALL) {
                control.stop();
            }
        }
    }
}
