package net.pptpgw.client.data;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.socket.DatagramPacket;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicIntegerArray;
import net.pptpgw.linux.Ipv4Header;

/**
 * Writes the IPv4 header of each outgoing GRE packet on a raw socket opened with IP_HDRINCL,
 * so that every call's GRE leaves from the source address its control connection was bound
 * to: a PAC accepts a call's GRE only from the address of its control connection (pptpd
 * connects its GRE socket to it, the concentrator drops anything else as wrong-source).
 * Without IP_HDRINCL the kernel would stamp the route's preferred address on all of them.
 *
 * <p>The source is found by the PAC's call ID, which the key of our GRE packets carries (RFC
 * 2637 §4.1): a PAC gives each of its live calls a distinct call ID, so the ID names one call
 * of ours. The kernel fills in Total Length, Identification and the checksum (raw(7)). No
 * allocation when the packet has 20 octets of headroom left before the GRE header.
 */
@ChannelHandler.Sharable
public final class SourceAddressStamper extends ChannelOutboundHandlerAdapter {

    /** Byte offset of the key's Call ID in an enhanced GRE header (§4.1: flags, protocol, payload length, call ID). */
    private static final int KEY_CALL_ID_OFFSET = 6;
    private static final int TTL = 64;
    private static final int IPPROTO_GRE = 47;

    private final AtomicIntegerArray sourceByPeerCallId = new AtomicIntegerArray(1 << 16);

    /** GRE for the PAC's call {@code peerCallId} leaves from {@code source}. */
    public void bind(int peerCallId, Inet4Address source) {
        sourceByPeerCallId.set(peerCallId, Ipv4Header.toInt(source));
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (!(msg instanceof DatagramPacket packet) || packet.content().readableBytes() < KEY_CALL_ID_OFFSET + 2) {
            ctx.write(msg, promise);
            return;
        }
        ByteBuf gre = packet.content();
        int peerCallId = gre.getUnsignedShort(gre.readerIndex() + KEY_CALL_ID_OFFSET);
        // 0 = INADDR_ANY: the kernel fills in the route's source, as without IP_HDRINCL.
        int source = sourceByPeerCallId.get(peerCallId);
        InetSocketAddress recipient = packet.recipient();
        int destination = Ipv4Header.toInt((Inet4Address) recipient.getAddress());
        ByteBuf ip;
        if (gre.readerIndex() >= Ipv4Header.MIN_LENGTH) {
            ip = gre.readerIndex(gre.readerIndex() - Ipv4Header.MIN_LENGTH);
        } else {
            ip = ctx.alloc().directBuffer(Ipv4Header.MIN_LENGTH + gre.readableBytes());
            ip.writerIndex(Ipv4Header.MIN_LENGTH);
            ip.writeBytes(gre);
            gre.release();
            ip.readerIndex(0);
        }
        int at = ip.readerIndex();
        ip.setByte(at, 0x45); // version 4, 5-word header
        ip.setByte(at + 1, 0);
        ip.setShort(at + 2, ip.readableBytes());
        ip.setInt(at + 4, 0); // identification (kernel), flags, fragment offset
        ip.setByte(at + 8, TTL);
        ip.setByte(at + 9, IPPROTO_GRE);
        ip.setShort(at + 10, 0); // checksum (kernel)
        ip.setInt(at + 12, source);
        ip.setInt(at + 16, destination);
        ctx.write(new DatagramPacket(ip, recipient), promise);
    }
}
