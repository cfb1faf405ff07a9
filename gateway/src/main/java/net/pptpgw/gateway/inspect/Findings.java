package net.pptpgw.gateway.inspect;

import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.pptpgw.gateway.inspect.InspectionReport.Finding;
import net.pptpgw.protocol.MalformedPacketException;

/**
 * Collects anomalies. The same problem in the same place (a flow, a call, a stream) is counted
 * under its first occurrence instead of repeated: a capture of a flood of bad packets must still
 * give a report a human can read.
 */
final class Findings {

    private static final class Entry {
        final long frame;
        final Instant timestamp;
        final String kind;
        final String layer;
        final String reason;
        final String explanation;
        long occurrences;

        Entry(long frame, Instant timestamp, String kind, String layer, String reason, String explanation) {
            this.frame = frame;
            this.timestamp = timestamp;
            this.kind = kind;
            this.layer = layer;
            this.reason = reason;
            this.explanation = explanation;
        }
    }

    private final Map<String, Entry> entries = new LinkedHashMap<>();

    /**
     * Records one occurrence.
     *
     * @param place where it happened, e.g. a flow or call; occurrences with the same kind, reason
     *     and place are counted together
     */
    void add(long frame, Instant timestamp, String kind, String place, String explanation) {
        add(frame, timestamp, kind, null, null, place, explanation);
    }

    void add(long frame, Instant timestamp, String kind, String layer, String reason, String place, String explanation) {
        String key = kind + '\u0000' + layer + '\u0000' + reason + '\u0000' + place;
        entries.computeIfAbsent(key, k -> new Entry(frame, timestamp, kind, layer, reason, explanation)).occurrences++;
    }

    /** Input a decoder rejected, with the decoder's layer and reason (see {@link MalformedPacketException}). */
    void malformed(long frame, Instant timestamp, MalformedPacketException e, String place, String where) {
        add(frame, timestamp, "malformed", e.protocol(), e.reason(), place, where + ": " + e.getMessage());
    }

    List<Finding> report(CaptureClock clock) {
        return entries.values().stream()
                .sorted(Comparator.comparingLong((Entry e) -> e.frame))
                .map(e -> new Finding(e.frame, clock.seconds(e.timestamp), e.kind, e.layer, e.reason, e.explanation,
                        e.occurrences))
                .toList();
    }
}
