package net.pptpgw.concentrator.ip;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The IP data plane's meters, in the registry of the control and GRE meters: packets and bytes
 * each way between the TUN and the sessions, drops by {@link TunDropReason}. Counters are made
 * once, so the per-packet path only increments.
 */
final class IpMetrics {

    private final Counter packetsToSessions;
    private final Counter bytesToSessions;
    private final Counter packetsToTun;
    private final Counter bytesToTun;
    private final Counter clamped;
    private final Counter[] drops = new Counter[TunDropReason.values().length];

    IpMetrics(MeterRegistry meters) {
        packetsToSessions = Counter.builder("pptp.ip.packets").tag("direction", "to-peer")
                .description("IPv4 packets from the TUN sent to a session").register(meters);
        bytesToSessions = Counter.builder("pptp.ip.bytes").tag("direction", "to-peer")
                .description("Bytes of IPv4 packets from the TUN sent to a session").register(meters);
        packetsToTun = Counter.builder("pptp.ip.packets").tag("direction", "from-peer")
                .description("IPv4 packets from sessions written to the TUN").register(meters);
        bytesToTun = Counter.builder("pptp.ip.bytes").tag("direction", "from-peer")
                .description("Bytes of IPv4 packets from sessions written to the TUN").register(meters);
        clamped = Counter.builder("pptp.ip.mss.clamped")
                .description("TCP SYNs whose MSS option was lowered to the tunnel's").register(meters);
        for (TunDropReason reason : TunDropReason.values()) {
            drops[reason.ordinal()] = Counter.builder("pptp.ip.dropped").tag("reason", reason.tag())
                    .description("IPv4 packets dropped between the TUN and the sessions").register(meters);
        }
    }

    void toSession(int bytes) {
        packetsToSessions.increment();
        bytesToSessions.increment(bytes);
    }

    void toTun(int bytes) {
        packetsToTun.increment();
        bytesToTun.increment(bytes);
    }

    void clamped() {
        clamped.increment();
    }

    void dropped(TunDropReason reason) {
        drops[reason.ordinal()].increment();
    }

    double droppedCount(TunDropReason reason) {
        return drops[reason.ordinal()].count();
    }
}
