package net.pptpgw.nathelper;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import net.pptpgw.protocol.pptp.ControlMessageType;

/**
 * The helper's meters. Counters the data plane increments are looked up once and kept, so a
 * packet costs an increment and no registry lookup; drop reasons are a small fixed set of
 * constant strings, so their map lookup allocates nothing either.
 *
 * <pre>
 * pptp.nat.mappings.live                       gauge
 * pptp.nat.mappings.created / .expired         counters
 * pptp.nat.mappings.removed{reason}            call-disconnect-notify, call-clear-request, control-closed, call-refused, replaced
 * pptp.nat.translation.failures{reason}        call-id-exhausted, unknown-call-id, ...
 * pptp.nat.control.messages{type,direction}    control messages relayed, by RFC 2637 abbreviation
 * pptp.nat.gre.forwarded{direction}
 * pptp.nat.gre.dropped{direction,reason}       unknown-call-id, wrong-source, unknown-server, malformed-&lt;reason&gt;
 * pptp.nat.gre.offloaded{direction}            of the forwarded, those the kernel forwarded (--kernel-offload), read every poll
 * pptp.nat.offload.mappings                    gauge: mappings whose GRE the kernel forwards
 * pptp.nat.offload.failures{reason}            install, remove, poll: an nft batch that failed
 * </pre>
 */
public final class NatMetrics {

    private final MeterRegistry registry;
    private final AtomicLong live = new AtomicLong();
    private final Counter created;
    private final Counter expired;
    private final Map<String, Counter> removed = new ConcurrentHashMap<>();
    private final Map<String, Counter> translationFailures = new ConcurrentHashMap<>();
    private final Map<Direction, Counter[]> controlMessages = new EnumMap<>(Direction.class);
    private final Map<Direction, Counter> greForwarded = new EnumMap<>(Direction.class);
    private final Map<Direction, Map<String, Counter>> greDropped = new EnumMap<>(Direction.class);
    private final Map<Direction, Counter> greOffloaded = new EnumMap<>(Direction.class);
    private final AtomicLong offloaded = new AtomicLong();
    private final Map<String, Counter> offloadFailures = new ConcurrentHashMap<>();

    public NatMetrics(MeterRegistry registry) {
        this.registry = registry;
        Gauge.builder("pptp.nat.mappings.live", live, AtomicLong::get)
                .description("NAT mappings (calls) GRE is forwarded for").register(registry);
        created = Counter.builder("pptp.nat.mappings.created").register(registry);
        expired = Counter.builder("pptp.nat.mappings.expired")
                .description("mappings removed because no GRE went through for the idle timeout").register(registry);
        for (Direction direction : Direction.values()) {
            Counter[] byType = new Counter[16];
            for (ControlMessageType type : ControlMessageType.values()) {
                byType[type.code()] = Counter.builder("pptp.nat.control.messages")
                        .tag("type", type.abbreviation()).tag("direction", direction.tag()).register(registry);
            }
            controlMessages.put(direction, byType);
            greForwarded.put(direction, Counter.builder("pptp.nat.gre.forwarded")
                    .tag("direction", direction.tag()).register(registry));
            greDropped.put(direction, new ConcurrentHashMap<>());
            greOffloaded.put(direction, Counter.builder("pptp.nat.gre.offloaded")
                    .description("GRE the kernel forwarded from the helper's nftables elements (also in forwarded)")
                    .tag("direction", direction.tag()).register(registry));
        }
        Gauge.builder("pptp.nat.offload.mappings", offloaded, AtomicLong::get)
                .description("mappings whose GRE the kernel forwards (--kernel-offload)").register(registry);
    }

    /** GRE the kernel forwarded for offloaded mappings: counted as forwarded and as offloaded. */
    void greOffloaded(Direction direction, long packets) {
        greForwarded.get(direction).increment(packets);
        greOffloaded.get(direction).increment(packets);
    }

    long greOffloadedCount(Direction direction) {
        return (long) greOffloaded.get(direction).count();
    }

    void offloadedMappings(long count) {
        offloaded.set(count);
    }

    public long offloadedMappings() {
        return offloaded.get();
    }

    void offloadFailure(String reason) {
        offloadFailures.computeIfAbsent(reason, r -> Counter.builder("pptp.nat.offload.failures")
                .tag("reason", r).register(registry)).increment();
    }

    public MeterRegistry registry() {
        return registry;
    }

    void mappingCreated() {
        live.incrementAndGet();
        created.increment();
    }

    void mappingExpired() {
        live.decrementAndGet();
        expired.increment();
    }

    void mappingRemoved(String reason) {
        live.decrementAndGet();
        removed.computeIfAbsent(reason, r -> Counter.builder("pptp.nat.mappings.removed").tag("reason", r)
                .register(registry)).increment();
    }

    public long liveMappings() {
        return live.get();
    }

    void translationFailure(String reason) {
        translationFailures.computeIfAbsent(reason, r -> Counter.builder("pptp.nat.translation.failures")
                .tag("reason", r).register(registry)).increment();
    }

    void controlMessage(ControlMessageType type, Direction direction) {
        controlMessages.get(direction)[type.code()].increment();
    }

    /** The forwarded-GRE counter of one direction, for the data plane to keep. */
    Counter greForwarded(Direction direction) {
        return greForwarded.get(direction);
    }

    /** The dropped-GRE counter for a direction and reason (a constant string), created on first use. */
    Counter greDropped(Direction direction, String reason) {
        Map<String, Counter> byReason = greDropped.get(direction);
        Counter counter = byReason.get(reason);
        if (counter == null) {
            counter = byReason.computeIfAbsent(reason, r -> Counter.builder("pptp.nat.gre.dropped")
                    .tag("direction", direction.tag()).tag("reason", r).register(registry));
        }
        return counter;
    }
}
