package net.pptpgw.gateway.inspect;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.Inet4Address;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.pptpgw.gateway.inspect.GreFlowTracker.SequenceEvent;
import net.pptpgw.gateway.inspect.InspectionReport.GreFlow;
import net.pptpgw.protocol.gre.SequenceNumbers;
import org.junit.jupiter.api.Test;

/** Sequence and acknowledgment bookkeeping by serial-number arithmetic (RFC 1982), across the 2^32 wrap. */
class GreFlowTrackerTest {

    private static final Inet4Address A = (Inet4Address) Inet4Address.ofLiteral("10.0.0.1");
    private static final Inet4Address B = (Inet4Address) Inet4Address.ofLiteral("10.0.0.2");

    private static GreFlowTracker tracker() {
        return new GreFlowTracker(A, B, 7, false);
    }

    private static SequenceEvent data(GreFlowTracker flow, long sequence) {
        return flow.packet(1, Instant.EPOCH, true, sequence & SequenceNumbers.MASK, false, 0, 10, false);
    }

    @Test
    void eventsNameWhatEachNumberSays() {
        GreFlowTracker flow = tracker();
        assertThat(List.of(data(flow, 0xFFFF_FFFFL), data(flow, 0), data(flow, 3), data(flow, 2), data(flow, 2),
                data(flow, 3 + GreFlowTracker.WINDOW + 5), data(flow, 3)))
                .containsExactly(SequenceEvent.IN_ORDER, SequenceEvent.IN_ORDER, SequenceEvent.GAP, SequenceEvent.LATE,
                        SequenceEvent.DUPLICATE, SequenceEvent.GAP, SequenceEvent.BACKWARDS);
        GreFlow report = flow.report();
        assertThat(List.of(report.firstSequence(), report.lastSequence(), report.lost(), report.outOfOrder(),
                report.duplicates(), report.backwards())).containsExactly(0xFFFF_FFFFL, 3L + GreFlowTracker.WINDOW + 5,
                1L + GreFlowTracker.WINDOW + 4, 1L, 1L, 1L);
    }

    @Test
    void ackOnlyPacketsCountAndTheHighestAckWinsAcrossTheWrap() {
        GreFlowTracker flow = tracker();
        flow.packet(1, Instant.EPOCH, false, 0, true, 0xFFFF_FFF0L, 0, false);
        flow.packet(2, Instant.EPOCH, false, 0, true, 2, 0, false);
        flow.packet(3, Instant.EPOCH, false, 0, true, 0xFFFF_FFFFL, 0, false); // older than 2
        GreFlow report = flow.report();
        assertThat(List.of(report.packets(), report.ackOnlyPackets(), report.dataPackets(), report.highestAcknowledgment(),
                report.firstFrame(), report.lastFrame())).containsExactly(3L, 3L, 0L, 2L, 1L, 3L);
        assertThat(report.firstSequence()).isNull();
    }

    @Property(tries = 200)
    void inOrderNumbersFromAnyStartLoseNothing(@ForAll @LongRange(max = 0xFFFF_FFFFL) long start,
                                               @ForAll @IntRange(min = 1, max = 600) int count) {
        GreFlowTracker flow = tracker();
        for (int i = 0; i < count; i++) {
            assertThat(data(flow, start + i)).isEqualTo(SequenceEvent.IN_ORDER);
        }
        GreFlow report = flow.report();
        assertThat(List.of(report.firstSequence(), report.lastSequence(), report.lost(), report.outOfOrder()))
                .containsExactly(start, (start + count - 1) & SequenceNumbers.MASK, 0L, 0L);
    }

    @Property(tries = 200)
    void skippedNumbersAreLost(@ForAll @LongRange(max = 0xFFFF_FFFFL) long start, @ForAll @IntRange(min = 2, max = 300) int count,
                               @ForAll Random random) {
        GreFlowTracker flow = tracker();
        long lost = 0;
        for (int i = 0; i < count; i++) {
            boolean skip = i > 0 && i < count - 1 && random.nextInt(4) == 0; // first and last always arrive
            if (skip) {
                lost++;
            } else {
                data(flow, start + i);
            }
        }
        assertThat(flow.report().lost()).isEqualTo(lost);
    }

    @Property(tries = 200)
    void reorderingWithinTheWindowLosesNothing(@ForAll @LongRange(max = 0xFFFF_FFFFL) long start,
                                               @ForAll @IntRange(min = 1, max = 300) int count, @ForAll Random random) {
        List<Long> sequences = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            sequences.add(start + i);
        }
        Collections.shuffle(sequences, random);
        GreFlowTracker flow = tracker();
        sequences.forEach(s -> data(flow, s));
        GreFlow report = flow.report();
        assertThat(List.of(report.lost(), report.duplicates(), report.backwards(), report.firstSequence(), report.lastSequence()))
                .containsExactly(0L, 0L, 0L, start & SequenceNumbers.MASK, (start + count - 1) & SequenceNumbers.MASK);
    }
}
