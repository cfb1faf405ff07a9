package net.pptpgw.concentrator.data;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.Map;
import net.pptpgw.protocol.gre.GreDecodeStatus;

/**
 * The GRE data plane's meters, every one registered up front so that counting a packet is an
 * increment and no lookup or allocation. Labels come from closed sets.
 */
public final class GreMetrics {

    private final Counter packetsIn;
    private final Counter packetsOut;
    private final Counter bytesIn;
    private final Counter bytesOut;
    private final Map<GreDecodeStatus, Counter> malformed = new EnumMap<>(GreDecodeStatus.class);
    private final Map<GreDropReason, Counter> dropped = new EnumMap<>(GreDropReason.class);
    private final Counter acksPiggybacked;
    private final Counter acksOnly;
    private final Counter acksApplied;
    private final Counter acksIgnored;
    private final Counter reordered;
    private final Counter lost;
    private final Counter headroomCopies;
    private final Counter errors;
    private final Counter[] bytesOutByQosClass = new Counter[PacketContext.MAX_QOS_CLASS + 1];

    public GreMetrics(MeterRegistry registry) {
        packetsIn = direction(registry, "pptp.gre.packets", "in", "GRE packets received on the raw socket");
        packetsOut = direction(registry, "pptp.gre.packets", "out", "GRE packets sent");
        bytesIn = direction(registry, "pptp.gre.bytes", "in", "GRE bytes received, IP header excluded");
        bytesOut = direction(registry, "pptp.gre.bytes", "out", "GRE bytes sent, IP header excluded");
        for (GreDecodeStatus status : GreDecodeStatus.values()) {
            if (!status.isOk()) {
                malformed.put(status, drops(registry, status.reason()));
            }
        }
        for (GreDropReason reason : GreDropReason.values()) {
            dropped.put(reason, drops(registry, reason.reason()));
        }
        acksPiggybacked = Counter.builder("pptp.gre.acks.sent").tag("kind", "piggybacked")
                .description("Acknowledgments sent, on a data packet or alone (RFC 2637 §4.4)").register(registry);
        acksOnly = Counter.builder("pptp.gre.acks.sent").tag("kind", "ack-only")
                .description("Acknowledgments sent, on a data packet or alone (RFC 2637 §4.4)").register(registry);
        acksApplied = Counter.builder("pptp.gre.acks.received").tag("result", "applied")
                .description("Acknowledgments from peers: applied, or ignored as stale or beyond what we sent")
                .register(registry);
        acksIgnored = Counter.builder("pptp.gre.acks.received").tag("result", "ignored")
                .description("Acknowledgments from peers: applied, or ignored as stale or beyond what we sent")
                .register(registry);
        reordered = Counter.builder("pptp.gre.reordered")
                .description("Data packets that arrived out of order and were delivered in order").register(registry);
        lost = Counter.builder("pptp.gre.lost")
                .description("Sequence numbers given up as lost (gaps skipped)").register(registry);
        headroomCopies = Counter.builder("pptp.gre.headroom.copies")
                .description("Outgoing frames copied because they lacked headroom for the GRE header").register(registry);
        errors = Counter.builder("pptp.gre.errors")
                .description("Exceptions caught on the GRE socket's pipeline (a bug, never a packet's fault)")
                .register(registry);
        for (int qos = 0; qos < bytesOutByQosClass.length; qos++) {
            bytesOutByQosClass[qos] = Counter.builder("pptp.gre.qos.bytes").tag("class", Integer.toString(qos))
                    .description("GRE bytes sent per QoS class of the packet's context").register(registry);
        }
    }

    private static Counter direction(MeterRegistry registry, String name, String direction, String description) {
        return Counter.builder(name).tag("direction", direction).description(description).register(registry);
    }

    private static Counter drops(MeterRegistry registry, String reason) {
        return Counter.builder("pptp.gre.drops").tag("reason", reason)
                .description("GRE packets dropped, by reason").register(registry);
    }

    void received(int greBytes) {
        packetsIn.increment();
        bytesIn.increment(greBytes);
    }

    void sent(int greBytes, PacketContext context) {
        packetsOut.increment();
        bytesOut.increment(greBytes);
        bytesOutByQosClass[context.qosClass()].increment(greBytes);
    }

    void malformed(GreDecodeStatus status) {
        malformed.get(status).increment();
    }

    void dropped(GreDropReason reason) {
        dropped.get(reason).increment();
    }

    void ackPiggybacked() {
        acksPiggybacked.increment();
    }

    void ackOnly() {
        acksOnly.increment();
    }

    void ackReceived(boolean applied) {
        (applied ? acksApplied : acksIgnored).increment();
    }

    void reordered() {
        reordered.increment();
    }

    void lost(long count) {
        lost.increment(count);
    }

    void error() {
        errors.increment();
    }

    void headroomCopy() {
        headroomCopies.increment();
    }
}
