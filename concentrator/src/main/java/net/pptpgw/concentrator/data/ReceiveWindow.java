package net.pptpgw.concentrator.data;

import io.netty.buffer.ByteBuf;
import net.pptpgw.protocol.gre.SequenceNumbers;

/**
 * The receive side of one call's GRE sequencing (RFC 2637 §4.2–4.4): which data packets are
 * delivered to PPP, in which order, and what we acknowledge.
 *
 * <p>A packet is accepted only when its sequence number lies inside the window after the last
 * one delivered: {@code 1 ≤ distance(lastDelivered, seq) ≤ windowSize}, in serial arithmetic so
 * that the 2^32 wrap is invisible (§4.1 numbers are 32-bit; RFC 1982). The window is the
 * Receive Window Size we advertised in the Outgoing-Call-Reply (§2.8). The next expected number
 * is delivered at once; a packet ahead of a gap waits in a small reorder buffer (§4.3 lets the
 * receiver hold packets briefly or drop them) until the gap fills, the buffer cannot hold the
 * span, or the gap has waited {@code reorderTimeout}; then the gap is given up and the held
 * packets go up in order. Anything at or before the last delivered number is dropped: a
 * duplicate when a 64-bit history says it was delivered, too old otherwise (a late packet whose
 * gap was already given up, or a replay from further back).
 *
 * <p>The first packet must be sequence number 0: §4.1 has the sender start there, and accepting
 * any first number would let one forged packet move the window.
 *
 * <p>Not thread-safe: one instance per call, used on the GRE event loop. Allocates nothing.
 */
public final class ReceiveWindow {

    /** What became of an offered packet. */
    public enum Verdict {
        /** Delivered now (held packets it unblocked went up right after it). */
        DELIVERED,
        /** Ahead of a gap: waits in the reorder buffer. */
        HELD,
        /** Delivered before, or already waiting in the reorder buffer: dropped. */
        DUPLICATE,
        /** At or before the last delivered number and not known as delivered: dropped. */
        TOO_OLD,
        /** Further ahead than the window we advertised (or exactly 2^31 away): dropped. */
        BEYOND_WINDOW
    }

    /** Receives the packets the window releases, in sequence order. */
    public interface Sink {
        /**
         * @param frame the PPP frame; the sink takes ownership
         * @param sequence its GRE sequence number
         * @param wasHeld it waited in the reorder buffer (arrived out of order)
         */
        void deliver(ByteBuf frame, long sequence, boolean wasHeld);

        /** {@code count} sequence numbers were given up as lost to let later packets through. */
        void skipped(long count);
    }

    private static final int HISTORY_BITS = Long.SIZE;

    private final int windowSize;
    private final int reorderCapacity;
    private final long reorderTimeoutNanos;
    /** Slots of the reorder buffer: {@code max(reorderCapacity, 1)}. */
    private final int slots;
    /**
     * The reorder buffer, allocated at the first packet that has to wait (a session's first
     * reordering or loss), not before: most sessions are idle or in order, and at 16 slots the
     * three arrays are 368 bytes of a network-up session's ~4 KiB.
     */
    private ByteBuf[] held;
    private long[] heldSequence;
    private long[] heldSince;
    private int heldCount;
    /** 2^32-1 before anything arrived, so that 0 is the next expected number. */
    private long lastDelivered = SequenceNumbers.MASK;
    private boolean anyDelivered;
    /** Bit i set: {@code lastDelivered - i} was delivered. */
    private long history;

    /**
     * @param windowSize our Receive Window Size (§2.8), 1..65535
     * @param reorderCapacity packets held while waiting for a gap to fill, 0..windowSize-1
     *     (0: no reordering, a gap is given up at once)
     * @param reorderTimeoutNanos how long a held packet waits for the gap before it
     */
    public ReceiveWindow(int windowSize, int reorderCapacity, long reorderTimeoutNanos) {
        if (windowSize < 1 || windowSize > 0xFFFF) {
            throw new IllegalArgumentException("receive window size must be 1..65535, got " + windowSize);
        }
        if (reorderCapacity < 0 || reorderCapacity >= windowSize) {
            throw new IllegalArgumentException("reorder capacity must be 0.." + (windowSize - 1) + ", got "
                    + reorderCapacity);
        }
        if (reorderTimeoutNanos < 0) {
            throw new IllegalArgumentException("reorder timeout must not be negative");
        }
        this.windowSize = windowSize;
        this.reorderCapacity = reorderCapacity;
        this.reorderTimeoutNanos = reorderTimeoutNanos;
        this.slots = Math.max(reorderCapacity, 1);
    }

    /** Expecting {@code firstSequence} instead of 0: for tests of the 2^32 wrap. */
    ReceiveWindow(int windowSize, int reorderCapacity, long reorderTimeoutNanos, long firstSequence) {
        this(windowSize, reorderCapacity, reorderTimeoutNanos);
        this.lastDelivered = (firstSequence - 1) & SequenceNumbers.MASK;
    }

    /**
     * Offers a received data packet; takes ownership of {@code frame} (delivered, held or
     * released).
     */
    public Verdict offer(long sequence, ByteBuf frame, long nowNanos, Sink sink) {
        int distance = SequenceNumbers.distance(lastDelivered, sequence);
        if (distance <= 0) {
            frame.release();
            if (distance == Integer.MIN_VALUE) {
                return Verdict.BEYOND_WINDOW;
            }
            return -distance < HISTORY_BITS && (history >>> -distance & 1) != 0 ? Verdict.DUPLICATE : Verdict.TOO_OLD;
        }
        if (distance > windowSize) {
            frame.release();
            return Verdict.BEYOND_WINDOW;
        }
        if (distance == 1) {
            advance(sequence, frame, false, sink);
            releaseConsecutive(sink);
            return Verdict.DELIVERED;
        }
        if (distance - 1 > reorderCapacity) {
            // The span up to this packet does not fit the buffer: give up the gaps before it.
            releaseAllHeld(sink);
            advance(sequence, frame, false, sink);
            return Verdict.DELIVERED;
        }
        if (held == null) {
            held = new ByteBuf[slots];
            heldSequence = new long[slots];
            heldSince = new long[slots];
        }
        int slot = slot(sequence);
        if (held[slot] != null) {
            // Slots map the numbers lastDelivered+2 .. +capacity+1 one to one, so an occupied
            // slot holds this very number.
            frame.release();
            return Verdict.DUPLICATE;
        }
        held[slot] = frame;
        heldSequence[slot] = sequence;
        heldSince[slot] = nowNanos;
        heldCount++;
        return Verdict.HELD;
    }

    /**
     * Gives up gaps whose first held packet has waited {@code reorderTimeout}, releasing what
     * waited behind them in order.
     *
     * @return when to call again (a {@code nowNanos}-based deadline), or {@link Long#MAX_VALUE}
     *     when nothing is held
     */
    public long expire(long nowNanos, Sink sink) {
        while (heldCount > 0) {
            int first = firstHeldSlot();
            if (nowNanos - oldestHeldSince() < reorderTimeoutNanos) {
                break;
            }
            ByteBuf frame = held[first];
            long sequence = heldSequence[first];
            held[first] = null;
            heldCount--;
            advance(sequence, frame, true, sink);
            releaseConsecutive(sink);
        }
        return heldCount == 0 ? Long.MAX_VALUE : oldestHeldSince() + reorderTimeoutNanos;
    }

    /** The number to acknowledge: the last delivered (§4.4); meaningful when {@link #anyDelivered()}. */
    public long lastDelivered() {
        return lastDelivered;
    }

    public boolean anyDelivered() {
        return anyDelivered;
    }

    /** Packets waiting in the reorder buffer. */
    public int heldCount() {
        return heldCount;
    }

    /** Releases every held packet, undelivered: the call is gone. */
    public void close() {
        for (int i = 0; held != null && i < held.length; i++) {
            if (held[i] != null) {
                held[i].release();
                held[i] = null;
            }
        }
        heldCount = 0;
    }

    private void advance(long sequence, ByteBuf frame, boolean wasHeld, Sink sink) {
        int step = SequenceNumbers.distance(lastDelivered, sequence);
        if (step > 1) {
            sink.skipped(step - 1L);
        }
        history = step >= HISTORY_BITS ? 1 : history << step | 1;
        lastDelivered = sequence;
        anyDelivered = true;
        sink.deliver(frame, sequence, wasHeld);
    }

    /** Delivers held packets while the next expected one is among them. */
    private void releaseConsecutive(Sink sink) {
        while (heldCount > 0) {
            long next = SequenceNumbers.next(lastDelivered);
            int slot = slot(next);
            if (held[slot] == null || heldSequence[slot] != next) {
                return;
            }
            ByteBuf frame = held[slot];
            held[slot] = null;
            heldCount--;
            advance(next, frame, true, sink);
        }
    }

    /** Delivers every held packet in order, giving up the gaps between them. */
    private void releaseAllHeld(Sink sink) {
        long base = lastDelivered;
        for (int k = 2; heldCount > 0 && k <= reorderCapacity + 1; k++) {
            long sequence = SequenceNumbers.add(base, k);
            int slot = slot(sequence);
            if (held[slot] != null && heldSequence[slot] == sequence) {
                ByteBuf frame = held[slot];
                held[slot] = null;
                heldCount--;
                advance(sequence, frame, true, sink);
            }
        }
    }

    /** The held packet with the lowest sequence number (heldCount > 0). */
    private int firstHeldSlot() {
        for (int k = 2; k <= reorderCapacity + 1; k++) {
            int slot = slot(SequenceNumbers.add(lastDelivered, k));
            if (held[slot] != null) {
                return slot;
            }
        }
        throw new IllegalStateException("held count " + heldCount + " but no held packet");
    }

    private long oldestHeldSince() {
        long oldest = Long.MAX_VALUE;
        boolean found = false;
        for (int i = 0; i < held.length; i++) {
            if (held[i] != null && (!found || heldSince[i] - oldest < 0)) {
                oldest = heldSince[i];
                found = true;
            }
        }
        return oldest;
    }

    private int slot(long sequence) {
        return (int) (sequence % slots);
    }
}
