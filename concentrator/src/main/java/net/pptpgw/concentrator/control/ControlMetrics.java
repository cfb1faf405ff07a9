package net.pptpgw.concentrator.control;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import net.pptpgw.concentrator.call.CallRegistry;
import net.pptpgw.protocol.pptp.ControlMessageType;

/**
 * The control plane's meters. Names follow Micrometer's dotted style (the Prometheus registry
 * turns {@code pptp.control.connections} into {@code pptp_control_connections}). Label values
 * are kebab-case tokens from a closed set (states, message abbreviations, reasons), never peer
 * addresses, so cardinality stays bounded.
 */
public final class ControlMetrics {

    private final MeterRegistry registry;
    private final Map<ControlConnectionState, AtomicInteger> connectionsByState = new EnumMap<>(ControlConnectionState.class);
    private final Map<ControlMessageType, Counter> received = new EnumMap<>(ControlMessageType.class);
    private final Map<ControlMessageType, Counter> sent = new EnumMap<>(ControlMessageType.class);
    private final Counter callsConnected;
    private final Counter rateLimited;
    private final Counter echoTimeouts;
    private final Counter wanErrorNotifies;

    public ControlMetrics(MeterRegistry registry, CallRegistry calls) {
        this.registry = registry;
        for (ControlConnectionState state : ControlConnectionState.values()) {
            if (state == ControlConnectionState.CLOSED) {
                continue;
            }
            AtomicInteger count = new AtomicInteger();
            connectionsByState.put(state, count);
            Gauge.builder("pptp.control.connections", count, AtomicInteger::get)
                    .description("Control connections by RFC 2637 §3.1.2 state")
                    .tag("state", state.tag())
                    .register(registry);
        }
        Gauge.builder("pptp.calls.active", calls, CallRegistry::activeCalls)
                .description("Calls with a call ID allocated")
                .register(registry);
        for (ControlMessageType type : ControlMessageType.values()) {
            received.put(type, messageCounter(type, "received"));
            sent.put(type, messageCounter(type, "sent"));
        }
        callsConnected = Counter.builder("pptp.call.setups").description("Outgoing-Call-Replies with result Connected")
                .register(registry);
        rateLimited = Counter.builder("pptp.control.rate.limited")
                .description("TCP connections closed at once: their source opened too many too fast")
                .register(registry);
        echoTimeouts = Counter.builder("pptp.control.echo.timeouts")
                .description("Control connections closed: no answer to our Echo-Request")
                .register(registry);
        wanErrorNotifies = Counter.builder("pptp.control.wan.error.notifies")
                .description("WAN-Error-Notify messages received").register(registry);
    }

    private Counter messageCounter(ControlMessageType type, String direction) {
        return Counter.builder("pptp.control.messages")
                .description("Control messages by type and direction")
                .tag("type", type.abbreviation())
                .tag("direction", direction)
                .register(registry);
    }

    void stateChanged(ControlConnectionState from, ControlConnectionState to) {
        if (from != null && from != ControlConnectionState.CLOSED) {
            connectionsByState.get(from).decrementAndGet();
        }
        if (to != ControlConnectionState.CLOSED) {
            connectionsByState.get(to).incrementAndGet();
        }
    }

    /** Control connections in {@code state} now (not {@link ControlConnectionState#CLOSED}). */
    public int connections(ControlConnectionState state) {
        return connectionsByState.get(state).get();
    }

    void received(ControlMessageType type) {
        received.get(type).increment();
    }

    void sent(ControlMessageType type) {
        sent.get(type).increment();
    }

    void callConnected() {
        callsConnected.increment();
    }

    /** An Outgoing-Call-Request that got no call, by reason ({@code max-calls-total}, {@code no-call-id}, ...). */
    void callRefused(String reason) {
        registry.counter("pptp.call.setup.failures", "reason", reason).increment();
    }

    /** A call released, by cause. */
    void callCleared(String cause) {
        registry.counter("pptp.call.clears", "cause", cause).increment();
    }

    /** Bytes that did not decode, by the decoder's reason token. */
    void malformed(String reason) {
        registry.counter("pptp.control.malformed", "reason", reason).increment();
    }

    /** Well-formed messages that break the protocol here (wrong state, wrong role, unknown call). */
    void protocolError(String reason) {
        registry.counter("pptp.control.protocol.errors", "reason", reason).increment();
    }

    /** Connections refused or closed by a limit, by reason ({@code half-open-timeout}, ...). */
    void connectionRefused(String reason) {
        registry.counter("pptp.control.connections.refused", "reason", reason).increment();
    }

    void rateLimited() {
        rateLimited.increment();
    }

    void echoTimeout() {
        echoTimeouts.increment();
    }

    void wanErrorNotify() {
        wanErrorNotifies.increment();
    }
}
