package net.pptpgw.linux;

import io.netty.buffer.ByteBuf;

/**
 * Receives the IP packets a {@link TunQueue} reads, on the queue's event loop.
 *
 * <p>Like a Netty {@code ChannelInboundHandler} without the pipeline: {@link #packetRead} per
 * packet, then {@link #readComplete} once per wake-up, which is where a handler that queued
 * answers with {@link TunQueue#write} should {@link TunQueue#flush}.
 */
@FunctionalInterface
public interface TunPacketHandler {

    /**
     * One IP packet (IPv4 or IPv6, no packet-information header), from the buffer's reader
     * index. The handler owns {@code packet} and must release it or pass it on.
     */
    void packetRead(TunQueue queue, ByteBuf packet);

    /** The last packet of this wake-up has been delivered. */
    default void readComplete(TunQueue queue) {}

    /**
     * Reading failed for a reason other than "nothing to read" (e.g. the interface was
     * deleted); the queue has been closed.
     */
    default void exceptionCaught(TunQueue queue, Throwable cause) {
        System.getLogger(TunPacketHandler.class.getName())
                .log(System.Logger.Level.WARNING, "TUN " + queue + " failed and was closed", cause);
    }
}
