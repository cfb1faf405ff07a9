package net.pptpgw.gateway.inspect;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Puts one direction of a captured TCP connection back into its byte stream.
 *
 * <p>Segments are placed by sequence number (32-bit, compared with serial-number arithmetic so
 * the stream may wrap past 2^32). What was already delivered is dropped (retransmissions, the
 * overlapping part of a repacketised segment); segments from beyond a hole wait, copied, until
 * the hole is filled. A hole that is never filled, because the capture lost the segment or the
 * snap length cut its payload, becomes a {@link Listener#gap} so the reader of the stream knows
 * its framing is broken there, and delivery goes on after it.
 */
public final class TcpStreamReassembler {

    /** What comes out of the stream, in order. */
    public interface Listener {

        /** The next contiguous bytes of the stream, valid only during the call. */
        void bytes(ByteBuf bytes, Instant timestamp, long frame);

        /** {@code missing} bytes of the stream were not captured; the next {@link #bytes} follow them. */
        void gap(long missing, Instant timestamp, long frame);

        /** The first bytes came without a SYN: the capture started after the connection did. */
        void startedWithoutSyn(Instant timestamp, long frame);
    }

    /** Default bound on the bytes waiting beyond a hole before the hole is declared lost. */
    public static final int DEFAULT_MAX_BUFFERED = 1 << 20;

    private final Listener listener;
    private final int maxBuffered;
    /** Segments beyond the next expected byte, in sequence order. */
    private final List<Pending> pending = new ArrayList<>();
    private int buffered;

    private boolean sawSyn;
    private long initialSequence;
    private boolean synchronised;
    /** Sequence number of the next byte to deliver, once {@link #synchronised}. */
    private long next;
    private long deliveredBytes;
    private long duplicateBytes;
    private long missingBytes;

    private record Pending(long sequence, ByteBuf payload, int length, Instant timestamp, long frame) {}

    public TcpStreamReassembler(Listener listener) {
        this(listener, DEFAULT_MAX_BUFFERED);
    }

    public TcpStreamReassembler(Listener listener, int maxBuffered) {
        this.listener = listener;
        this.maxBuffered = maxBuffered;
    }

    /** Takes one captured segment of this direction. */
    public void segment(TcpSegment segment, Instant timestamp, long frame) {
        long dataSequence = segment.sequenceNumber();
        if (segment.syn()) {
            // The SYN takes the sequence number before the first data byte (RFC 9293 section 3.4).
            dataSequence = (segment.sequenceNumber() + 1) & 0xffffffffL;
            if (!sawSyn || segment.sequenceNumber() != initialSequence) {
                flush(); // a new connection on the same addresses and ports starts from its own SYN
                sawSyn = true;
                initialSequence = segment.sequenceNumber();
                synchronised = true;
                next = dataSequence;
            }
        }
        if (segment.payloadLength() == 0) {
            return;
        }
        if (!synchronised) {
            synchronised = true;
            next = dataSequence;
            listener.startedWithoutSyn(timestamp, frame);
        }
        int offset = offset(dataSequence);
        if (offset > 0) {
            hold(new Pending(dataSequence, Unpooled.copiedBuffer(segment.payload()), segment.payloadLength(), timestamp, frame));
        } else {
            deliver(segment.payload(), segment.payloadLength(), -(long) offset, timestamp, frame);
            drain();
        }
    }

    /**
     * Delivers everything still waiting, with a {@link Listener#gap} for each hole: call it at the
     * end of the capture, or when the connection is over.
     */
    public void flush() {
        while (!pending.isEmpty()) {
            Pending first = pending.getFirst();
            gapUpTo(first);
            drain();
        }
    }

    /** Bytes handed to {@link Listener#bytes}. */
    public long deliveredBytes() {
        return deliveredBytes;
    }

    /** Bytes received again after they were delivered (retransmissions, overlaps). */
    public long duplicateBytes() {
        return duplicateBytes;
    }

    /** Bytes reported as {@link Listener#gap}s. */
    public long missingBytes() {
        return missingBytes;
    }

    /** Serial-number distance (RFC 1982) from the next expected byte to {@code sequence}. */
    private int offset(long sequence) {
        return (int) (sequence - next);
    }

    /**
     * Hands over {@code payload} from byte {@code skip} on (the part before was delivered already),
     * and reports as missing what the capture did not keep of the {@code length} bytes on the wire.
     */
    private void deliver(ByteBuf payload, int length, long skip, Instant timestamp, long frame) {
        if (skip >= length) {
            duplicateBytes += length;
            return;
        }
        int from = (int) skip;
        duplicateBytes += from;
        int captured = payload.readableBytes();
        if (from < captured) {
            int fresh = captured - from;
            listener.bytes(payload.slice(payload.readerIndex() + from, fresh), timestamp, frame);
            deliveredBytes += fresh;
        }
        int cut = length - Math.max(captured, from);
        if (cut > 0) {
            missingBytes += cut;
            listener.gap(cut, timestamp, frame);
        }
        next = (next + length - from) & 0xffffffffL;
    }

    /** Delivers the waiting segments that now start at or before the next expected byte. */
    private void drain() {
        while (!pending.isEmpty() && offset(pending.getFirst().sequence()) <= 0) {
            Pending first = pending.removeFirst();
            buffered -= first.payload().readableBytes();
            try {
                deliver(first.payload(), first.length(), -(long) offset(first.sequence()), first.timestamp(), first.frame());
            } finally {
                first.payload().release();
            }
        }
    }

    private void hold(Pending segment) {
        int index = pending.size();
        while (index > 0 && (int) (pending.get(index - 1).sequence() - segment.sequence()) > 0) {
            index--;
        }
        pending.add(index, segment);
        buffered += segment.payload().readableBytes();
        // Bounded memory: past the limit, the oldest hole is taken as lost.
        while (buffered > maxBuffered && !pending.isEmpty()) {
            gapUpTo(pending.getFirst());
            drain();
        }
    }

    /** Declares the bytes before {@code first} lost and moves the stream up to it. */
    private void gapUpTo(Pending first) {
        int hole = offset(first.sequence());
        if (hole > 0) {
            missingBytes += hole;
            listener.gap(hole, first.timestamp(), first.frame());
            next = first.sequence();
        }
    }
}
