package net.pptpgw.gateway.inspect;

import net.pptpgw.protocol.Octets;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.time.Instant;
import net.pptpgw.protocol.MalformedPacketException;
import net.pptpgw.protocol.pptp.ControlMessage;
import net.pptpgw.protocol.pptp.ControlMessageType;
import net.pptpgw.protocol.pptp.ControlMessages;

/**
 * Splits one direction of a control connection into {@link ControlMessage}s, decoded by
 * {@link ControlMessages#decode}: any number of messages per segment, messages split across
 * segments. A message is attributed to the frame whose bytes completed it, as tshark does.
 *
 * <p>Unlike a peer, an inspector goes on reading after a broken stream. RFC 2637 §1.4 forbids a
 * peer to resynchronise on the Magic Cookie, but a capture with a lost segment, one that began in
 * the middle of a connection, or one with a malformed message still has readable messages after
 * the damage: the framer then looks for the next octets that read as a header (message type 1
 * and the Magic Cookie, RFC 2637 §1.4) and reports how much it skipped.
 */
final class ControlStreamFramer {

    /** Octets from a message's start to the end of its Magic Cookie. */
    private static final int COOKIE_END = 8;
    /** Offset of the PPTP Message Type field. */
    private static final int MESSAGE_TYPE_OFFSET = 2;
    /** Offset of the Magic Cookie. */
    private static final int COOKIE_OFFSET = 4;

    interface Listener {
        void message(ControlMessage message, long frame, Instant timestamp);

        /** The codec rejected what should have been the next message; the framer now searches for the next header. */
        void malformed(MalformedPacketException e, long frame, Instant timestamp);

        /** After a gap, an error or a capture that began mid-stream, {@code skipped} octets preceded the next message. */
        void resynchronised(long skipped, long frame, Instant timestamp);

        /** The stream ended inside a message. */
        void unfinished(int octets, long frame, Instant timestamp);
    }

    private final Listener listener;
    private final ByteBuf pending = Unpooled.buffer(ControlMessageType.MAX_LENGTH * 2);
    private boolean searching;
    private long skipped;
    private long lastFrame;
    private Instant lastTimestamp;

    ControlStreamFramer(Listener listener) {
        this.listener = listener;
    }

    /** The next contiguous bytes of the stream. */
    void bytes(ByteBuf bytes, long frame, Instant timestamp) {
        lastFrame = frame;
        lastTimestamp = timestamp;
        pending.writeBytes(bytes, bytes.readerIndex(), bytes.readableBytes());
        drain(frame, timestamp);
        pending.discardReadBytes();
    }

    /** Bytes were lost before the next ones: the message in progress is gone, and the next bytes may start anywhere. */
    void gap() {
        pending.clear();
        searching = true;
    }

    /** The capture began after the connection did: the first bytes may start inside a message. */
    void startedMidStream() {
        searching = true;
    }

    /** The stream ended (FIN, RST or end of capture). */
    void end() {
        if (pending.isReadable() && !searching) {
            listener.unfinished(pending.readableBytes(), lastFrame, lastTimestamp);
        }
        pending.clear();
    }

    private void drain(long frame, Instant timestamp) {
        while (true) {
            if (searching && !seekHeader()) {
                return;
            }
            int available = pending.readableBytes();
            if (available < 2) {
                return;
            }
            int start = pending.readerIndex();
            int length = pending.getUnsignedShort(start);
            boolean plausible = length >= ControlMessages.HEADER_LENGTH && length <= ControlMessageType.MAX_LENGTH;
            if (plausible && available < length) {
                return;
            }
            // An implausible Length makes the codec reject the header at once, with its own reason.
            int take = plausible ? length : Math.min(available, ControlMessages.HEADER_LENGTH);
            ControlMessage message;
            try {
                message = ControlMessages.decode(pending.slice(start, take));
            } catch (MalformedPacketException e) {
                if (!searching) {
                    listener.malformed(e, frame, timestamp);
                }
                pending.skipBytes(1);
                skipped++;
                searching = true;
                continue;
            }
            pending.skipBytes(take);
            if (searching) {
                searching = false;
                if (skipped > 0) {
                    listener.resynchronised(skipped, frame, timestamp);
                }
                skipped = 0;
            }
            listener.message(message, frame, timestamp);
        }
    }

    /**
     * Moves to the next octets that read as the start of a control message header, counting the
     * octets passed over.
     *
     * @return whether a candidate header is at the reader index; otherwise only the last octets
     *     that could still begin one are kept
     */
    private boolean seekHeader() {
        int start = pending.readerIndex();
        int end = pending.writerIndex();
        for (int at = start; at + COOKIE_END <= end; at++) {
            if (pending.getUnsignedShort(at + MESSAGE_TYPE_OFFSET) == ControlMessages.CONTROL_MESSAGE
                    && pending.getInt(at + COOKIE_OFFSET) == ControlMessages.MAGIC_COOKIE) {
                skipped += at - start;
                pending.readerIndex(at);
                return true;
            }
        }
        int keep = Math.min(pending.readableBytes(), COOKIE_END - 1);
        skipped += pending.readableBytes() - keep;
        pending.readerIndex(end - keep);
        return false;
    }
}
