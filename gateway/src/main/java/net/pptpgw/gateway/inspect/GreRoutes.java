package net.pptpgw.gateway.inspect;

import java.net.Inet4Address;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import net.pptpgw.gateway.inspect.ControlFlow.Direction;

/**
 * Which call a GRE packet belongs to. RFC 2637 §4.1 puts the receiver's call ID in the key, so
 * a packet is identified by (source, destination, call ID): the control messages announce each
 * side's call ID, and a call expects GRE under each of them. GRE that no call expects is grouped
 * by the same triple as "unmatched".
 */
final class GreRoutes {

    record Key(Inet4Address source, Inet4Address destination, int callId) {
        @Override
        public String toString() {
            return source.getHostAddress() + " -> " + destination.getHostAddress() + " call ID " + callId;
        }
    }

    /** A call's GRE in one direction. */
    record Route(CallTracker call, Direction sender, GreFlowTracker flow) {}

    private final Map<Key, Route> routes = new HashMap<>();
    private final Map<Key, GreFlowTracker> unmatched = new LinkedHashMap<>();
    private final boolean keepFrames;

    GreRoutes(boolean keepFrames) {
        this.keepFrames = keepFrames;
    }

    /**
     * A call announced the call ID its peer will put on GRE sent from {@code source} to
     * {@code destination}. A later call with the same key (call IDs are reused) takes it over.
     */
    GreFlowTracker expect(CallTracker call, Direction sender, Inet4Address source, Inet4Address destination, int callId) {
        GreFlowTracker flow = new GreFlowTracker(source, destination, callId, keepFrames);
        routes.put(new Key(source, destination, callId), new Route(call, sender, flow));
        return flow;
    }

    /** The call expecting this packet, or {@code null}. */
    Route route(Inet4Address source, Inet4Address destination, int callId) {
        return routes.get(new Key(source, destination, callId));
    }

    /** The unmatched group for this packet, made on first use. */
    GreFlowTracker unmatched(Inet4Address source, Inet4Address destination, int callId) {
        return unmatched.computeIfAbsent(new Key(source, destination, callId),
                key -> new GreFlowTracker(source, destination, callId, keepFrames));
    }

    Collection<GreFlowTracker> unmatched() {
        return unmatched.values();
    }
}
