package net.pptpgw.concentrator.data;

import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoop;
import net.pptpgw.concentrator.call.Call;

/**
 * One call's PPP link over enhanced GRE (RFC 2637 §4): what the PPP engine of a session sees
 * of the data plane. Frames come up through the {@link PppFrameHandler} the engine gave when
 * the link opened; frames go down through {@link #send}.
 *
 * <p>PPP over GRE is synchronous: a frame is the PPP packet as is (address/control and protocol
 * field, subject to ACFC/PFC), no flags, escaping or FCS.
 */
public interface PppLink {

    /** The call this link rides on. */
    Call call();

    /** The loop every method of this link and of its frame handler runs on. */
    EventLoop eventLoop();

    /** The per-packet metadata of this session: what {@link #send} uses when given none. */
    PacketContext context();

    /** Replaces the session's metadata, e.g. once the user is authenticated. */
    void context(PacketContext context);

    /**
     * Sends one PPP frame: its readable bytes become the payload of a GRE data packet with the
     * next sequence number and, if something new arrived, a piggybacked acknowledgment. Takes
     * ownership of {@code frame}. Leave {@link net.pptpgw.protocol.gre.GreHeader#MAX_LENGTH}
     * bytes of headroom before the reader index and the header is written there in place;
     * otherwise the frame is copied once into a buffer that has it.
     *
     * <p>Meant to be called on {@link #eventLoop()}; from another thread the frame is handed to
     * the loop (one task per frame) and the result is true whatever becomes of it there.
     *
     * @return false when the frame was dropped: the peer's receive window is full (RFC 2637
     *     §4.4), the socket's send queue is full, or the link is closed
     */
    boolean send(ByteBuf frame, PacketContext context);

    /** {@link #send(ByteBuf, PacketContext)} with the session's own {@link #context()}. */
    default boolean send(ByteBuf frame) {
        return send(frame, context());
    }

    /**
     * Whether a data frame {@link #send sent} now would leave: the link is open, the peer's
     * receive window has room (RFC 2637 §4.4) and the socket takes it. Whoever changes state for
     * every frame it makes asks first: stateful MPPE advances its keystream and coherency count
     * as it encrypts, and a frame dropped after that leaves a gap the peer discards everything
     * over until a Reset-Request round trip resynchronises it (RFC 3078 §8.2) — one local drop
     * would cost a round trip of packets.
     */
    boolean canSend();

    /** Whether the call is still up. */
    boolean isOpen();
}
