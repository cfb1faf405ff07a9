package net.pptpgw.concentrator.data;

import io.netty.buffer.ByteBuf;
import net.pptpgw.concentrator.call.CallClearCause;

/** Starts the PPP side of a new call: the PPP engine plugs in here. Called on the link's event loop. */
@FunctionalInterface
public interface PppLinkFactory {

    /** Frames nobody wants: released on arrival. */
    PppLinkFactory DISCARD = link -> new PppFrameHandler() {
        @Override
        public void frameReceived(ByteBuf frame, PacketContext context) {
            frame.release();
        }

        @Override
        public void linkClosed(CallClearCause cause) {}
    };

    PppFrameHandler linkOpened(PppLink link);
}
