package net.pptpgw.concentrator.data;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.pptpgw.concentrator.data.ReceiveWindow.Verdict;
import net.pptpgw.protocol.gre.SequenceNumbers;
import org.junit.jupiter.api.Test;

class ReceiveWindowTest {

    private static final long TIMEOUT = 5_000_000;

    /** Records deliveries as sequence numbers (held ones marked with a trailing '*') and releases frames. */
    private static final class Recorder implements ReceiveWindow.Sink {
        final List<String> delivered = new ArrayList<>();
        final List<ByteBuf> frames = new ArrayList<>();
        long skipped;

        @Override
        public void deliver(ByteBuf frame, long sequence, boolean wasHeld) {
            delivered.add(sequence + (wasHeld ? "*" : ""));
            frames.add(frame);
            assertThat(frame.getLong(0)).as("the frame of %d", sequence).isEqualTo(sequence);
            frame.release();
        }

        @Override
        public void skipped(long count) {
            skipped += count;
        }
    }

    private final Recorder sink = new Recorder();
    private final List<ByteBuf> offered = new ArrayList<>();

    private ByteBuf frame(long sequence) {
        ByteBuf frame = Unpooled.buffer(8).writeLong(sequence);
        offered.add(frame);
        return frame;
    }

    private Verdict offer(ReceiveWindow window, long sequence) {
        return window.offer(sequence, frame(sequence), 0, sink);
    }

    private void assertAllReleased() {
        assertThat(offered).allSatisfy(f -> assertThat(f.refCnt()).isZero());
    }

    @Test
    void inOrderPacketsGoUpAtOnceStartingAtZero() {
        ReceiveWindow window = new ReceiveWindow(64, 16, TIMEOUT);
        assertThat(window.anyDelivered()).isFalse();
        for (long s = 0; s < 5; s++) {
            assertThat(offer(window, s)).isEqualTo(Verdict.DELIVERED);
        }
        assertThat(sink.delivered).containsExactly("0", "1", "2", "3", "4");
        assertThat(window.lastDelivered()).isEqualTo(4);
        assertThat(window.anyDelivered()).isTrue();
        assertThat(sink.skipped).isZero();
        assertAllReleased();
    }

    @Test
    void reorderWithinTheBufferIsDeliveredInOrder() {
        ReceiveWindow window = new ReceiveWindow(64, 16, TIMEOUT);
        assertThat(offer(window, 0)).isEqualTo(Verdict.DELIVERED);
        assertThat(offer(window, 3)).isEqualTo(Verdict.HELD);
        assertThat(offer(window, 2)).isEqualTo(Verdict.HELD);
        assertThat(window.heldCount()).isEqualTo(2);
        assertThat(offer(window, 1)).isEqualTo(Verdict.DELIVERED);
        assertThat(sink.delivered).containsExactly("0", "1", "2*", "3*");
        assertThat(window.heldCount()).isZero();
        assertThat(sink.skipped).isZero();
        assertAllReleased();
    }

    @Test
    void duplicatesAreDroppedWhetherDeliveredOrHeld() {
        ReceiveWindow window = new ReceiveWindow(64, 16, TIMEOUT);
        offer(window, 0);
        offer(window, 1);
        assertThat(offer(window, 1)).isEqualTo(Verdict.DUPLICATE);
        assertThat(offer(window, 0)).isEqualTo(Verdict.DUPLICATE);
        assertThat(offer(window, 5)).isEqualTo(Verdict.HELD);
        assertThat(offer(window, 5)).isEqualTo(Verdict.DUPLICATE);
        assertThat(sink.delivered).containsExactly("0", "1");
        window.close();
        assertAllReleased();
    }

    @Test
    void oldPacketsAreDroppedAsTooOld() {
        ReceiveWindow window = new ReceiveWindow(64, 2, TIMEOUT);
        offer(window, 0);
        // 4 is beyond the 2-packet reorder buffer: 1..3 are given up.
        assertThat(offer(window, 4)).isEqualTo(Verdict.DELIVERED);
        assertThat(sink.skipped).isEqualTo(3);
        // 2 arrives late: never delivered, so too old rather than a duplicate.
        assertThat(offer(window, 2)).isEqualTo(Verdict.TOO_OLD);
        assertThat(offer(window, 4)).isEqualTo(Verdict.DUPLICATE);
        for (long s = 5; s < 100; s++) {
            offer(window, s);
        }
        // 70 back: beyond the 64-bit history, too old whatever happened to it.
        assertThat(offer(window, 29)).isEqualTo(Verdict.TOO_OLD);
        assertAllReleased();
    }

    @Test
    void aFirstPacketOtherThanZeroIsPlacedInTheWindowFromZero() {
        ReceiveWindow window = new ReceiveWindow(8, 4, TIMEOUT);
        // A forged or stray number far away cannot move the window.
        assertThat(offer(window, 1000)).isEqualTo(Verdict.BEYOND_WINDOW);
        // Exactly 2^31 after the virtual last-delivered 2^32-1: no order, so outside.
        assertThat(offer(window, 0x7FFF_FFFFL)).isEqualTo(Verdict.BEYOND_WINDOW);
        assertThat(offer(window, 0x8000_0000L)).isEqualTo(Verdict.TOO_OLD);
        assertThat(offer(window, 0xFFFF_FFFFL)).isEqualTo(Verdict.TOO_OLD);
        assertThat(offer(window, 2)).isEqualTo(Verdict.HELD);
        assertThat(offer(window, 0)).isEqualTo(Verdict.DELIVERED);
        assertThat(sink.delivered).containsExactly("0");
        assertAllReleasedOrHeld(window, 1);
    }

    private void assertAllReleasedOrHeld(ReceiveWindow window, int held) {
        assertThat(window.heldCount()).isEqualTo(held);
        window.close();
        assertAllReleased();
    }

    @Test
    void packetsBeyondTheWindowAreDropped() {
        ReceiveWindow window = new ReceiveWindow(8, 4, TIMEOUT);
        offer(window, 0);
        assertThat(offer(window, 9)).isEqualTo(Verdict.BEYOND_WINDOW);
        // The window's last slot (distance 8) is accepted; the span does not fit 4 held packets, so 1..7 are given up.
        assertThat(offer(window, 8)).isEqualTo(Verdict.DELIVERED);
        assertThat(sink.skipped).isEqualTo(7);
        assertThat(sink.delivered).containsExactly("0", "8");
        assertAllReleased();
    }

    @Test
    void aSpanBeyondTheReorderBufferReleasesTheHeldPacketsInOrderFirst() {
        ReceiveWindow window = new ReceiveWindow(64, 4, TIMEOUT);
        offer(window, 0);
        assertThat(offer(window, 3)).isEqualTo(Verdict.HELD);
        assertThat(offer(window, 2)).isEqualTo(Verdict.HELD);
        assertThat(offer(window, 5)).isEqualTo(Verdict.HELD);
        assertThat(offer(window, 10)).isEqualTo(Verdict.DELIVERED);
        assertThat(sink.delivered).containsExactly("0", "2*", "3*", "5*", "10");
        assertThat(sink.skipped).isEqualTo(1 + 1 + 4);
        assertThat(window.heldCount()).isZero();
        assertAllReleased();
    }

    @Test
    void aGapIsGivenUpAfterTheReorderTimeout() {
        ReceiveWindow window = new ReceiveWindow(64, 16, TIMEOUT);
        window.offer(0, frame(0), 0, sink);
        window.offer(2, frame(2), 1_000, sink);
        window.offer(3, frame(3), 2_000, sink);
        window.offer(6, frame(6), 3_000, sink);
        assertThat(window.expire(1_000 + TIMEOUT - 1, sink)).isEqualTo(1_000 + TIMEOUT);
        assertThat(sink.delivered).containsExactly("0");
        // 1 never came: given up, 2 and 3 go up; 6 waited its own time behind the next gap.
        assertThat(window.expire(1_000 + TIMEOUT, sink)).isEqualTo(3_000 + TIMEOUT);
        assertThat(sink.delivered).containsExactly("0", "2*", "3*");
        assertThat(window.expire(3_000 + TIMEOUT, sink)).isEqualTo(Long.MAX_VALUE);
        assertThat(sink.delivered).containsExactly("0", "2*", "3*", "6*");
        assertThat(sink.skipped).isEqualTo(1 + 2);
        assertAllReleased();
    }

    @Test
    void sequenceNumbersWrapAt2To32() {
        ReceiveWindow window = new ReceiveWindow(64, 16, TIMEOUT, 0xFFFF_FFFDL);
        assertThat(offer(window, 0xFFFF_FFFDL)).isEqualTo(Verdict.DELIVERED);
        assertThat(offer(window, 0)).isEqualTo(Verdict.HELD);
        assertThat(offer(window, 0xFFFF_FFFFL)).isEqualTo(Verdict.HELD);
        assertThat(offer(window, 0xFFFF_FFFEL)).isEqualTo(Verdict.DELIVERED);
        assertThat(offer(window, 1)).isEqualTo(Verdict.DELIVERED);
        assertThat(sink.delivered).containsExactly("4294967293", "4294967294", "4294967295*", "0*", "1");
        assertThat(window.lastDelivered()).isEqualTo(1);
        assertThat(offer(window, 0xFFFF_FFFFL)).isEqualTo(Verdict.DUPLICATE);
        assertAllReleased();
    }

    /**
     * Whatever order a window's worth of packets arrives in, with duplicates, every packet is
     * delivered at most once, in increasing order, and nothing leaks.
     */
    @Property(tries = 300)
    void deliveriesAreUniqueAndInOrderForAnyArrivalOrder(@ForAll @LongRange(min = 0, max = 0xFFFF_FFFFL) long first,
            @ForAll("arrivals") List<Integer> arrivals, @ForAll @IntRange(min = 0, max = 20) int capacity) {
        ReceiveWindow window = new ReceiveWindow(64, capacity, TIMEOUT, first);
        Recorder recorder = new Recorder();
        List<ByteBuf> frames = new ArrayList<>();
        List<Long> order = new ArrayList<>();
        ReceiveWindow.Sink sink = new ReceiveWindow.Sink() {
            @Override
            public void deliver(ByteBuf frame, long sequence, boolean wasHeld) {
                order.add(sequence);
                frame.release();
            }

            @Override
            public void skipped(long count) {
                recorder.skipped += count;
            }
        };
        for (int offset : arrivals) {
            long sequence = SequenceNumbers.add(first, offset);
            ByteBuf frame = Unpooled.buffer(1).writeByte(1);
            frames.add(frame);
            window.offer(sequence, frame, 0, sink);
        }
        window.expire(TIMEOUT, sink);
        assertThat(window.heldCount()).isZero();
        for (int i = 1; i < order.size(); i++) {
            assertThat(SequenceNumbers.isAfter(order.get(i), order.get(i - 1))).as("order %s", order).isTrue();
        }
        assertThat(frames).allSatisfy(f -> assertThat(f.refCnt()).isZero());
        if (!order.isEmpty()) {
            // Every number up to the last delivered one was delivered or given up, once.
            long span = SequenceNumbers.distance(SequenceNumbers.add(first, 0) - 1, order.getLast());
            assertThat(order.size() + recorder.skipped).isEqualTo(span);
        }
    }

    @net.jqwik.api.Provide
    net.jqwik.api.Arbitrary<List<Integer>> arrivals() {
        return net.jqwik.api.Arbitraries.integers().between(0, 40).list().ofMaxSize(60);
    }
}
