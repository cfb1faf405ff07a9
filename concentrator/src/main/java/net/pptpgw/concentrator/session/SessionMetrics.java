package net.pptpgw.concentrator.session;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The sessions' meters, in the registry of the control and GRE meters: sessions by state
 * (gauge), setups, failures and ends by reason, authentication failures by method, and the
 * setup latency from Outgoing-Call-Request to IP flowing (histogram). A handful of updates per
 * session, none per packet: per-packet counts are the IP data plane's.
 */
final class SessionMetrics {

    private final MeterRegistry meters;
    private final AtomicInteger[] byState = new AtomicInteger[SessionState.values().length];
    private final Counter setups;
    private final Timer setupLatency;

    SessionMetrics(MeterRegistry meters) {
        this.meters = meters;
        for (SessionState state : SessionState.values()) {
            AtomicInteger count = new AtomicInteger();
            byState[state.ordinal()] = count;
            Gauge.builder("pptp.sessions", count, AtomicInteger::get).tag("state", state.tag())
                    .description("PPP sessions by state").register(meters);
        }
        setups = Counter.builder("pptp.session.setups").description("Sessions that reached IP (network up)")
                .register(meters);
        setupLatency = Timer.builder("pptp.session.setup.latency")
                .description("From the Outgoing-Call-Request to IP flowing")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofSeconds(60))
                .register(meters);
    }

    void entered(SessionState state) {
        byState[state.ordinal()].incrementAndGet();
    }

    void left(SessionState state) {
        byState[state.ordinal()].decrementAndGet();
    }

    int count(SessionState state) {
        return byState[state.ordinal()].get();
    }

    void setUp(long latencyNanos) {
        setups.increment();
        setupLatency.record(Math.max(0, latencyNanos), TimeUnit.NANOSECONDS);
    }

    /** A session ended before IP flowed (or a call was refused a session): by a kebab-case reason. */
    void setupFailed(String reason) {
        Counter.builder("pptp.session.setup.failures").tag("reason", reason)
                .description("Calls that never carried IP, by reason").register(meters).increment();
    }

    void authenticationFailed(String method) {
        Counter.builder("pptp.session.auth.failures").tag("method", method)
                .description("Peers that failed to authenticate, by method").register(meters).increment();
    }

    void ended(String cause) {
        Counter.builder("pptp.session.ended").tag("cause", cause)
                .description("Sessions ended, by the PPP termination cause").register(meters).increment();
    }
}
