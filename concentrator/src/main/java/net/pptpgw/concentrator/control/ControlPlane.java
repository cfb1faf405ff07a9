package net.pptpgw.concentrator.control;

import io.micrometer.core.instrument.MeterRegistry;
import java.net.InetAddress;
import java.security.SecureRandom;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.random.RandomGenerator;
import net.pptpgw.concentrator.ConcentratorConfig;
import net.pptpgw.concentrator.call.CallListener;
import net.pptpgw.concentrator.call.CallTable;

/**
 * What every control connection of one server shares: the settings, the call table, the
 * limits and the meters. Thread-safe; one per server.
 */
public final class ControlPlane {

    private static final System.Logger LOG = System.getLogger(ControlPlane.class.getName());

    private final ConcentratorConfig config;
    private final CallTable calls;
    private final CallListener listener;
    private final ControlMetrics metrics;
    private final HalfOpenBudget halfOpen;
    private final SourceRateLimiter sourceRate;
    private final LongSupplier nanoClock;
    private final RandomGenerator random;
    private final AtomicInteger established = new AtomicInteger();
    private final AtomicLong nextRateLimitLog = new AtomicLong();
    private volatile boolean shuttingDown;

    public ControlPlane(ConcentratorConfig config, MeterRegistry meters, CallListener listener) {
        this(config, meters, listener, System::nanoTime, new SecureRandom());
    }

    /** With a clock and random source of the caller's choosing, for tests. */
    public ControlPlane(ConcentratorConfig config, MeterRegistry meters, CallListener listener, LongSupplier nanoClock,
            RandomGenerator random) {
        this.config = Objects.requireNonNull(config, "config");
        this.listener = Objects.requireNonNull(listener, "listener");
        this.nanoClock = nanoClock;
        this.nextRateLimitLog.set(nanoClock.getAsLong());
        this.random = random;
        this.calls = new CallTable(config.maxCalls(), config.callIdQuarantine(), random, nanoClock);
        this.metrics = new ControlMetrics(meters, calls);
        this.halfOpen = new HalfOpenBudget(config.maxHalfOpen());
        this.sourceRate = new SourceRateLimiter(config.connectionsPerSecondPerSource(),
                config.connectionBurstPerSource(), config.trackedSources(), nanoClock);
    }

    public ConcentratorConfig config() {
        return config;
    }

    public CallTable calls() {
        return calls;
    }

    public ControlMetrics metrics() {
        return metrics;
    }

    CallListener listener() {
        return listener;
    }

    HalfOpenBudget halfOpen() {
        return halfOpen;
    }

    LongSupplier nanoClock() {
        return nanoClock;
    }

    RandomGenerator random() {
        return random;
    }

    /**
     * Whether a new TCP connection from {@code source} may proceed: false when the source's
     * token bucket is empty (counted as rate-limited) or the server is shutting down.
     */
    public boolean admitConnection(InetAddress source) {
        if (shuttingDown) {
            return false;
        }
        if (!sourceRate.tryAcquire(source)) {
            metrics.rateLimited();
            logRateLimited(source);
            return false;
        }
        return true;
    }

    /** A flood is one log line a second (naming a source), the counter has every connection. */
    private void logRateLimited(InetAddress source) {
        long now = nanoClock.getAsLong();
        long next = nextRateLimitLog.get();
        if (now - next >= 0 && nextRateLimitLog.compareAndSet(next, now + 1_000_000_000L)) {
            LOG.log(System.Logger.Level.WARNING, () -> "pptp control: " + source.getHostAddress() + " opens connections"
                    + " faster than " + config.connectionsPerSecondPerSource() + "/s (burst "
                    + config.connectionBurstPerSource() + "); closing them at once (logged at most once a second,"
                    + " all counted in pptp_control_rate_limited_total)");
        }
    }

    /** Takes one of the {@code maxControlConnections} established slots; false when all are taken. */
    boolean tryEstablish() {
        while (true) {
            int now = established.get();
            if (now >= config.maxControlConnections()) {
                return false;
            }
            if (established.compareAndSet(now, now + 1)) {
                return true;
            }
        }
    }

    void establishedEnded() {
        established.decrementAndGet();
    }

    /** From now on no connection is admitted and no call is placed. */
    public void beginShutdown() {
        shuttingDown = true;
    }

    public boolean shuttingDown() {
        return shuttingDown;
    }
}
