package net.pptpgw.gateway.loadgen;

import java.util.Arrays;
import java.util.Locale;
import java.util.Map;

/**
 * The outcome of a {@link LoadGenerator} run; {@code --json} prints it as is.
 *
 * @param requested sessions asked for
 * @param attempted sessions started
 * @param established sessions that reached {@code stage}
 * @param failed sessions that did not, counted in {@code failures} by reason
 * @param failures reason token → sessions: {@code control-refused:R/E} and {@code call-refused:R/E}
 *     (RFC 2637 result/error codes), {@code auth-failed}, {@code ppp-CAUSE}, {@code timeout-STAGE},
 *     {@code connect-failed}, {@code control-CAUSE}, {@code call-CAUSE}
 * @param stage where a session counts as set up: control, call or network
 * @param targetRate sessions per second asked for
 * @param achievedRate established sessions per second, from the first start to the last success
 * @param setupLatencyMs from a session's start (TCP connect, or its call on a shared connection) to {@code stage}
 * @param heldAtEnd sessions still up when the hold ended
 * @param lostDuringHold sessions that went down while held, by reason
 * @param traffic ICMP echo through the tunnels
 * @param controlConnections TCP connections opened
 * @param teardownIncomplete control connections not closed cleanly within the teardown bound
 * @param durationSeconds the whole run
 * @param setupSeconds from the first start until every session was up or failed
 */
public record LoadReport(int requested, int attempted, int established, int failed, Map<String, Integer> failures,
        String stage, double targetRate, double achievedRate, Latency setupLatencyMs, int heldAtEnd,
        Map<String, Integer> lostDuringHold, Traffic traffic, int controlConnections, int teardownIncomplete,
        double durationSeconds, double setupSeconds) {

    /** Setup latency in milliseconds; zeros when nothing was established. */
    public record Latency(double p50, double p90, double p99, double max, double mean) {

        static Latency of(long[] nanos, int count) {
            if (count == 0) {
                return new Latency(0, 0, 0, 0, 0);
            }
            long[] sorted = Arrays.copyOf(nanos, count);
            Arrays.sort(sorted);
            double sum = 0;
            for (long value : sorted) {
                sum += value;
            }
            return new Latency(ms(percentile(sorted, 50)), ms(percentile(sorted, 90)), ms(percentile(sorted, 99)),
                    ms(sorted[count - 1]), sum / count / 1e6);
        }

        /** Nearest-rank percentile. */
        static long percentile(long[] sorted, int p) {
            int rank = (int) Math.ceil(p / 100.0 * sorted.length);
            return sorted[Math.max(0, rank - 1)];
        }

        private static double ms(long nanos) {
            return nanos / 1e6;
        }
    }

    /** ICMP Echo Requests sent inside the tunnels and Echo Replies that came back. */
    public record Traffic(int ppsPerSession, long echoRequests, long echoReplies) {}

    /** Everything reached the stage, stayed up for the hold and was torn down cleanly. */
    public boolean success() {
        return established == requested && failed == 0 && lostDuringHold.isEmpty() && teardownIncomplete == 0
                && (traffic.ppsPerSession() == 0 || traffic.echoReplies() > 0);
    }

    public String text() {
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "sessions: %d requested, %d attempted, %d established (%s), %d failed%n",
                requested, attempted, established, stage, failed));
        out.append(String.format(Locale.ROOT, "rate: target %.1f/s, achieved %.1f/s; setup took %.2f s, run %.2f s%n",
                targetRate, achievedRate, setupSeconds, durationSeconds));
        out.append(String.format(Locale.ROOT, "setup latency ms: p50 %.1f  p90 %.1f  p99 %.1f  max %.1f  mean %.1f%n",
                setupLatencyMs.p50(), setupLatencyMs.p90(), setupLatencyMs.p99(), setupLatencyMs.max(),
                setupLatencyMs.mean()));
        failures.forEach((reason, count) -> out.append(String.format(Locale.ROOT, "failed: %-28s %d%n", reason, count)));
        out.append(String.format(Locale.ROOT, "held at end of hold: %d%n", heldAtEnd));
        lostDuringHold.forEach((reason, count) ->
                out.append(String.format(Locale.ROOT, "lost during hold: %-22s %d%n", reason, count)));
        if (traffic.ppsPerSession() > 0) {
            out.append(String.format(Locale.ROOT, "traffic: %d echo requests, %d replies%n", traffic.echoRequests(),
                    traffic.echoReplies()));
        }
        out.append(String.format(Locale.ROOT, "control connections: %d, not closed cleanly: %d%n", controlConnections,
                teardownIncomplete));
        return out.toString();
    }
}
