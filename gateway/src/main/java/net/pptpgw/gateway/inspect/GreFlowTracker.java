package net.pptpgw.gateway.inspect;

import java.net.Inet4Address;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import net.pptpgw.gateway.inspect.InspectionReport.Frame;
import net.pptpgw.gateway.inspect.InspectionReport.GreFlow;
import net.pptpgw.protocol.gre.SequenceNumbers;

/**
 * Counts the GRE packets from one address to another with one call ID in the key, and follows
 * their sequence and acknowledgment numbers with serial-number arithmetic (RFC 1982 via
 * {@link SequenceNumbers}): numbers start anywhere and wrap at 2^32, so "higher" means "at most
 * 2^31 ahead", never a plain {@code >}.
 */
final class GreFlowTracker {

    /** What a data packet's sequence number says about the flow. */
    enum SequenceEvent {
        /** The first number seen, or the one after the highest. */
        IN_ORDER,
        /** Ahead of the highest by more than one: packets skipped (lost, or coming later). */
        GAP,
        /** Behind the highest, filling a hole: reordered on the way. */
        LATE,
        /** Seen already. */
        DUPLICATE,
        /** Behind the highest by more than the window a receiver keeps: the sender restarted or another one uses the key. */
        BACKWARDS
    }

    /**
     * Numbers within this distance behind the highest are remembered, to tell a late packet from a
     * duplicate. Far more than any PPTP receive window (RFC 2637 §4.2 windows are at most 64 in practice).
     */
    static final int WINDOW = 1024;

    private final Inet4Address source;
    private final Inet4Address destination;
    private final int callId;
    /** Slot {@code n % WINDOW} holds {@code n} once sequence number {@code n} was seen. */
    private final long[] seen = new long[WINDOW];
    private final List<Frame> frames;

    private long packets;
    private long dataPackets;
    private long ackOnlyPackets;
    private long payloadOctets;
    private long truncated;
    private long malformed;
    private boolean sequenced;
    private long firstSequence;
    private long highestSequence;
    private long lost;
    private long outOfOrder;
    private long duplicates;
    private long backwards;
    private boolean acknowledged;
    private long highestAcknowledgment;
    private long firstFrame = -1;
    private Instant firstTime;
    private long lastFrame = -1;

    GreFlowTracker(Inet4Address source, Inet4Address destination, int callId, boolean keepFrames) {
        this.source = source;
        this.destination = destination;
        this.callId = callId;
        this.frames = keepFrames ? new ArrayList<>() : null;
        Arrays.fill(seen, -1);
    }

    Inet4Address source() {
        return source;
    }

    Inet4Address destination() {
        return destination;
    }

    int callId() {
        return callId;
    }

    long packets() {
        return packets;
    }

    long firstFrame() {
        return firstFrame;
    }

    Instant firstTime() {
        return firstTime;
    }

    long highestSequence() {
        return highestSequence;
    }

    /** Counts one packet that decoded; returns what its sequence number (if any) says. */
    SequenceEvent packet(long frame, Instant timestamp, boolean hasSequence, long sequence, boolean hasAcknowledgment,
                         long acknowledgment, int payloadLength, boolean wasTruncated) {
        count(frame, timestamp);
        if (wasTruncated) {
            truncated++;
        }
        if (hasAcknowledgment && (!acknowledged || SequenceNumbers.isAfter(acknowledgment, highestAcknowledgment))) {
            highestAcknowledgment = acknowledgment;
            acknowledged = true;
        }
        if (!hasSequence) {
            ackOnlyPackets++;
            return SequenceEvent.IN_ORDER;
        }
        dataPackets++;
        payloadOctets += payloadLength;
        return sequence(sequence);
    }

    /** Counts one packet that did not decode (it still travelled on this flow). */
    void malformed(long frame, Instant timestamp) {
        count(frame, timestamp);
        malformed++;
    }

    void frame(Frame frame) {
        if (frames != null) {
            frames.add(frame);
        }
    }

    private void count(long frame, Instant timestamp) {
        packets++;
        if (firstFrame < 0) {
            firstFrame = frame;
            firstTime = timestamp;
        }
        lastFrame = frame;
    }

    private SequenceEvent sequence(long sequence) {
        if (!sequenced) {
            sequenced = true;
            firstSequence = sequence;
            highestSequence = sequence;
            remember(sequence);
            return SequenceEvent.IN_ORDER;
        }
        int ahead = SequenceNumbers.distance(highestSequence, sequence);
        if (ahead > 0) {
            lost += ahead - 1;
            highestSequence = sequence;
            remember(sequence);
            return ahead == 1 ? SequenceEvent.IN_ORDER : SequenceEvent.GAP;
        }
        if (ahead == Integer.MIN_VALUE || -ahead >= WINDOW) {
            backwards++;
            return SequenceEvent.BACKWARDS;
        }
        if (seen[slot(sequence)] == sequence) {
            duplicates++;
            return SequenceEvent.DUPLICATE;
        }
        remember(sequence);
        outOfOrder++;
        if (SequenceNumbers.isBefore(sequence, firstSequence)) {
            // An earlier packet overtaken by the first one seen: the numbers between them are holes now.
            lost += SequenceNumbers.distance(sequence, firstSequence) - 1;
            firstSequence = sequence;
        } else {
            lost--;
        }
        return SequenceEvent.LATE;
    }

    private void remember(long sequence) {
        seen[slot(sequence)] = sequence;
    }

    private static int slot(long sequence) {
        return (int) (sequence % WINDOW);
    }

    GreFlow report() {
        return new GreFlow(source.getHostAddress(), destination.getHostAddress(), callId, packets, dataPackets,
                ackOnlyPackets, payloadOctets, sequenced ? firstSequence : null, sequenced ? highestSequence : null,
                lost, outOfOrder, duplicates, backwards, acknowledged ? highestAcknowledgment : null, truncated,
                malformed, firstFrame < 0 ? null : firstFrame, lastFrame < 0 ? null : lastFrame,
                frames == null ? List.of() : List.copyOf(frames));
    }
}
