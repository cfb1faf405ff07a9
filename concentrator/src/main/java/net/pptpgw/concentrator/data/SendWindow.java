package net.pptpgw.concentrator.data;

import net.pptpgw.protocol.gre.SequenceNumbers;

/**
 * The send side of one call's GRE sequencing (RFC 2637 §4.2, §4.4): our sequence numbers and
 * the peer's acknowledgments. Data packets sent but not yet acknowledged may not exceed the
 * peer's Packet Receive Window Size from its Outgoing-Call-Request (§2.7): the peer buffers no
 * more, so a packet beyond it would only be dropped there.
 *
 * <p>Not thread-safe: one instance per call, used on the GRE event loop.
 */
public final class SendWindow {

    /**
     * Used when a peer advertises a window of 0, which would forbid sending at all: only a
     * broken peer does that, and stalling its call helps no one.
     */
    public static final int FALLBACK_WINDOW = 64;

    private final int peerWindow;
    private long nextSequence;
    /** 2^32-1: nothing acknowledged yet, sequence numbers start at 0 (§4.1). */
    private long lastAcknowledged = SequenceNumbers.MASK;

    /** @param peerWindow the peer's Packet Receive Window Size (0..65535) */
    public SendWindow(int peerWindow) {
        if (peerWindow < 0 || peerWindow > 0xFFFF) {
            throw new IllegalArgumentException("peer receive window must be 0..65535, got " + peerWindow);
        }
        this.peerWindow = peerWindow == 0 ? FALLBACK_WINDOW : peerWindow;
    }

    /** Starting at {@code firstSequence} instead of 0: for tests of the 2^32 wrap. */
    SendWindow(int peerWindow, long firstSequence) {
        this(peerWindow);
        this.nextSequence = firstSequence & SequenceNumbers.MASK;
        this.lastAcknowledged = (firstSequence - 1) & SequenceNumbers.MASK;
    }

    /** Data packets sent and not acknowledged. */
    public int outstanding() {
        return SequenceNumbers.distance(lastAcknowledged, nextSequence) - 1;
    }

    /** Whether another data packet may go out now. */
    public boolean isOpen() {
        return outstanding() < peerWindow;
    }

    /** The sequence number for the next data packet, consumed; call only when {@link #isOpen()}. */
    public long take() {
        long sequence = nextSequence;
        nextSequence = SequenceNumbers.next(sequence);
        return sequence;
    }

    /**
     * Applies an acknowledgment number from the peer. Only one that moves forward and does not
     * acknowledge a packet we never sent counts; others (stale, reordered, forged) change
     * nothing.
     *
     * @return whether it was applied
     */
    public boolean acknowledge(long acknowledgment) {
        int distance = SequenceNumbers.distance(lastAcknowledged, acknowledgment);
        if (distance <= 0 || distance > outstanding()) {
            return false;
        }
        lastAcknowledged = acknowledgment & SequenceNumbers.MASK;
        return true;
    }

    public int peerWindow() {
        return peerWindow;
    }

    /** The sequence number the next data packet will carry. */
    public long nextSequence() {
        return nextSequence;
    }

    public long lastAcknowledged() {
        return lastAcknowledged;
    }
}
