package net.pptpgw.concentrator.ip;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import net.pptpgw.linux.TunQueue;

/**
 * The IP data plane's meters, in the registry of the control and GRE meters: packets and bytes
 * each way between the TUN and the sessions, drops by {@link TunDropReason}, fragments
 * made and ICMP Fragmentation Needed by {@link IcmpOutcome}, and the TUN queue's GSO
 * super-packets ({@link #coalescing}). Counters are made
 * once, so the per-packet path only increments.
 */
final class IpMetrics {

    private final MeterRegistry meters;
    private final Counter packetsToSessions;
    private final Counter bytesToSessions;
    private final Counter packetsToTun;
    private final Counter bytesToTun;
    private final Counter clamped;
    private final Counter[] drops = new Counter[TunDropReason.values().length];
    private final Counter fragmented;
    private final Counter fragments;
    private final Counter[] fragmentationNeeded = new Counter[IcmpOutcome.values().length];

    /** What became of an ICMP Fragmentation Needed the data plane owed a sender; the label of its counter. */
    enum IcmpOutcome {
        /** Written to the TUN, towards the sender. */
        SENT("sent"),
        /** Not sent: the token bucket was empty (RFC 1812 §4.3.2.8). */
        RATE_LIMITED("rate-limited"),
        /** Not sent: RFC 1812 §4.3.2.7 forbids answering this datagram (an ICMP error, a later fragment, a non-host source). */
        NOT_ALLOWED("not-allowed"),
        /** Not sent: the TUN's write queue was full. */
        TUN_BUSY("tun-busy");

        private final String tag;

        IcmpOutcome(String tag) {
            this.tag = tag;
        }

        String tag() {
            return tag;
        }
    }

    IpMetrics(MeterRegistry meters) {
        this.meters = meters;
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
        fragmented = Counter.builder("pptp.ip.fragmented")
                .description("IPv4 packets from the TUN larger than their session's MTU, sent as fragments")
                .register(meters);
        fragments = Counter.builder("pptp.ip.fragments")
                .description("IPv4 fragments made for packets larger than their session's MTU").register(meters);
        for (IcmpOutcome outcome : IcmpOutcome.values()) {
            fragmentationNeeded[outcome.ordinal()] = Counter.builder("pptp.ip.icmp.frag.needed")
                    .tag("outcome", outcome.tag)
                    .description("ICMP Fragmentation Needed owed to senders of too-big packets with DF set")
                    .register(meters);
        }
        for (TunDropReason reason : TunDropReason.values()) {
            drops[reason.ordinal()] = Counter.builder("pptp.ip.dropped").tag("reason", reason.tag())
                    .description("IPv4 packets dropped between the TUN and the sessions").register(meters);
        }
    }

    /**
     * {@code pptp_tun_coalesced_runs_total} and {@code pptp_tun_coalesced_packets_total}: GSO
     * super-packets written to the TUN and the packets inside them, read from the queue's counters.
     */
    void coalescing(TunQueue queue) {
        FunctionCounter.builder("pptp.tun.coalesced.runs", queue, TunQueue::coalescedRuns)
                .description("GSO super-packets (runs of one flow's TCP segments) written to the TUN")
                .register(meters);
        FunctionCounter.builder("pptp.tun.coalesced.packets", queue, TunQueue::coalescedPackets)
                .description("Packets written to the TUN inside GSO super-packets").register(meters);
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

    void fragmented(int made) {
        fragmented.increment();
        fragments.increment(made);
    }

    void fragmentationNeeded(IcmpOutcome outcome) {
        fragmentationNeeded[outcome.ordinal()].increment();
    }

    double fragmentationNeededCount(IcmpOutcome outcome) {
        return fragmentationNeeded[outcome.ordinal()].count();
    }

    double droppedCount(TunDropReason reason) {
        return drops[reason.ordinal()].count();
    }
}
