package net.pptpgw.concentrator.data;

import io.netty.buffer.ByteBuf;
import net.pptpgw.concentrator.call.CallClearCause;

/** The upper side of a {@link PppLink}: the PPP engine of one session. Called on the link's event loop. */
public interface PppFrameHandler {

    /**
     * One PPP frame from the peer, in sequence order (RFC 2637 §4.3). The handler owns
     * {@code frame} and must release it or pass it on.
     */
    void frameReceived(ByteBuf frame, PacketContext context);

    /**
     * The peer acknowledged data packets (RFC 2637 §4.4): the send window may have room again,
     * for frames the handler kept waiting instead of dropping ({@link PppLink#canSend}).
     */
    default void sendWindowOpened() {}

    /** The call ended; the link sends nothing more. */
    void linkClosed(CallClearCause cause);
}
