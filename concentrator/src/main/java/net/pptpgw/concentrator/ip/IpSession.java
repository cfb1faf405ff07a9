package net.pptpgw.concentrator.ip;

import io.netty.buffer.ByteBuf;

/** A session as the IP data plane sees it: where packets for its address go. Called on the TUN's event loop. */
public interface IpSession {

    /**
     * An IPv4 packet from the TUN whose destination is this session's address. Takes ownership.
     *
     * @return null when it was sent, else why it was dropped (the packet released)
     */
    TunDropReason fromTun(ByteBuf packet);

    /** The MSS TCP SYNs to and from this session are clamped to. */
    int maxSegmentSize();
}
