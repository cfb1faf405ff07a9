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

    /**
     * The largest IPv4 packet this session carries to its peer: the peer's MRU (RFC 1661 §6.1)
     * less what MPPE adds inside the Information field (RFC 3078 §3). Larger packets from the
     * TUN are fragmented, or refused with ICMP Fragmentation Needed when DF is set (RFC 1191).
     */
    int mtu();

    /** The MSS TCP SYNs to and from this session are clamped to; derived from the same LCP result as {@link #mtu}. */
    int maxSegmentSize();
}
