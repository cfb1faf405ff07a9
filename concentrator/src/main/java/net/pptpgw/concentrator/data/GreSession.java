package net.pptpgw.concentrator.data;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import net.pptpgw.concentrator.call.Call;
import net.pptpgw.concentrator.call.CallClearCause;
import net.pptpgw.linux.Ipv4Header;
import net.pptpgw.protocol.gre.GreHeader;
import net.pptpgw.protocol.gre.SequenceNumbers;

/**
 * One call's GRE state: its {@link ReceiveWindow} and {@link SendWindow}, the acknowledgment
 * owed to the peer, and the {@link PppLink} the PPP engine uses. Lives on the GRE channel's
 * event loop; every method runs there.
 *
 * <p>Acknowledgments (RFC 2637 §4.4): whatever arrived in order since the last one we sent is
 * acknowledged on the next outgoing data packet; if none goes out within {@code ackDelay}, or
 * half our receive window has arrived unacknowledged, an ack-only packet carries it (A bit, no
 * S bit, no payload), as pptp and pptpd do.
 */
final class GreSession implements PppLink, ReceiveWindow.Sink {

    private final Call call;
    private final int peerAddress;
    /** Our address as the peer reached it on the control connection; 0 when unknown (no check). */
    private final int localAddress;
    private final InetSocketAddress peerSocketAddress;
    private final Channel channel;
    private final GreHeader outgoing;
    private final GreMetrics metrics;
    private final ReceiveWindow receiveWindow;
    private final SendWindow sendWindow;
    private final long ackDelayNanos;
    /**
     * Packets delivered without an acknowledgment going out before one is sent at once, without
     * waiting for {@code ackDelay} or a data packet to ride on: half the window we advertised.
     * The peer may not send more than that window unacknowledged (§4.4), so a one-way flow (a
     * UDP stream, a download's data side) would otherwise stall for the ack delay every window.
     */
    private final int ackEvery;
    private PppFrameHandler handler;
    private volatile PacketContext context;
    /** The acknowledgment number last sent; only meaningful once one was. */
    private long lastAckSent;
    private boolean anyAckSent;
    private ScheduledFuture<?> ackTimer;
    private ScheduledFuture<?> reorderTimer;
    private long reorderDeadline = Long.MAX_VALUE;
    private boolean open = true;

    GreSession(Call call, Channel channel, GreHeader outgoing, GreMetrics metrics, int receiveWindowSize,
            GreConfig config) {
        this.call = Objects.requireNonNull(call, "call");
        if (!(call.peerAddress() instanceof Inet4Address peer)) {
            throw new IllegalArgumentException("GRE runs over IPv4 here; " + call + " has no IPv4 peer");
        }
        this.peerAddress = Ipv4Header.toInt(peer);
        this.peerSocketAddress = new InetSocketAddress(call.peerAddress(), 0);
        // GRE goes between the same two addresses as the control connection (RFC 2637 §4).
        this.localAddress = call.controlChannel() != null
                && call.controlChannel().localAddress() instanceof InetSocketAddress local
                && local.getAddress() instanceof Inet4Address ours ? Ipv4Header.toInt(ours) : 0;
        this.channel = channel;
        this.outgoing = outgoing;
        this.metrics = metrics;
        int reorder = Math.min(config.reorderCapacity(), receiveWindowSize - 1);
        this.receiveWindow = new ReceiveWindow(receiveWindowSize, reorder, config.reorderTimeout().toNanos());
        this.sendWindow = new SendWindow(call.peerReceiveWindowSize());
        this.ackDelayNanos = config.ackDelay().toNanos();
        this.ackEvery = Math.max(1, receiveWindowSize / 2);
        this.context = PacketContext.forCall(call.callId());
    }

    void start(PppLinkFactory links) {
        handler = links.linkOpened(this);
    }

    /** The peer's address in network order, as {@link Ipv4Header#source} gives it. */
    int peerAddress() {
        return peerAddress;
    }

    /** Our end's address in network order, as {@link Ipv4Header#destination} gives it; 0 when unknown. */
    int localAddress() {
        return localAddress;
    }

    /**
     * A packet for this call from its peer, header decoded; takes ownership of {@code datagram}.
     */
    void received(GreHeader header, ByteBuf datagram) {
        if (header.hasAcknowledgment()) {
            boolean applied = sendWindow.acknowledge(header.acknowledgment());
            metrics.ackReceived(applied);
            if (applied && handler != null && open) {
                handler.sendWindowOpened(); // sends through outgoing, not the header being read
            }
        }
        if (!header.hasSequence()) {
            datagram.release(); // ack-only: nothing to deliver
            return;
        }
        // The PPP frame is the key's payload length from the payload offset; bytes after it
        // (padding) belong to no frame. No copy: the frame is the received buffer re-indexed.
        int start = header.payloadOffset();
        datagram.setIndex(start, start + header.payloadLength());
        long before = receiveWindow.lastDelivered();
        ReceiveWindow.Verdict verdict = receiveWindow.offer(header.sequence(), datagram, now(), this);
        switch (verdict) {
            case DUPLICATE -> metrics.dropped(GreDropReason.DUPLICATE);
            case TOO_OLD -> metrics.dropped(GreDropReason.TOO_OLD);
            case BEYOND_WINDOW -> metrics.dropped(GreDropReason.BEYOND_WINDOW);
            case DELIVERED, HELD -> { }
        }
        afterDelivery(before);
    }

    /**
     * Gives up gaps that waited too long, arms the ack timer if something new arrived since
     * {@code before}, and the reorder timer if packets wait.
     */
    private void afterDelivery(long before) {
        long deadline = receiveWindow.expire(now(), this);
        if (receiveWindow.lastDelivered() != before) {
            if (unacknowledged() >= ackEvery) {
                sendAckOnly();
            } else {
                scheduleAck();
            }
        }
        if (deadline == Long.MAX_VALUE || (reorderTimer != null && deadline - reorderDeadline >= 0)) {
            return;
        }
        if (reorderTimer != null) {
            reorderTimer.cancel(false);
        }
        reorderDeadline = deadline;
        reorderTimer = channel.eventLoop().schedule(this::reorderTimerFired, Math.max(0, deadline - now()),
                TimeUnit.NANOSECONDS);
    }

    @Override
    public void deliver(ByteBuf frame, long sequence, boolean wasHeld) {
        if (wasHeld) {
            metrics.reordered();
        }
        if (handler != null && open) {
            handler.frameReceived(frame, context);
        } else {
            frame.release();
        }
    }

    @Override
    public void skipped(long count) {
        metrics.lost(count);
    }

    @Override
    public boolean send(ByteBuf frame, PacketContext packetContext) {
        if (!channel.eventLoop().inEventLoop()) {
            // Off-loop callers pay a task; the PPP engine runs on this loop and does not.
            channel.eventLoop().execute(() -> send(frame, packetContext));
            return true;
        }
        if (!open) {
            frame.release();
            metrics.dropped(GreDropReason.LINK_CLOSED);
            return false;
        }
        if (!sendWindow.isOpen()) {
            frame.release();
            metrics.dropped(GreDropReason.SEND_WINDOW_FULL);
            return false;
        }
        if (!channel.isWritable()) {
            frame.release();
            metrics.dropped(GreDropReason.SOCKET_BUSY);
            return false;
        }
        ByteBuf packet = frame;
        if (frame.readerIndex() < GreHeader.MAX_LENGTH) {
            // A stage replaced the buffer here: the context is the caller's argument, not the
            // buffer's, so it goes on unchanged.
            packet = channel.alloc().directBuffer(GreHeader.MAX_LENGTH + frame.readableBytes());
            packet.setIndex(GreHeader.MAX_LENGTH, GreHeader.MAX_LENGTH);
            packet.writeBytes(frame);
            frame.release();
            metrics.headroomCopy();
        }
        outgoing.reset().callId(call.peerCallId()).sequence(sendWindow.take());
        if (ackOwed()) {
            outgoing.acknowledgment(receiveWindow.lastDelivered());
            ackSent();
            metrics.ackPiggybacked();
        }
        outgoing.prependTo(packet);
        metrics.sent(packet.readableBytes(), packetContext);
        channel.writeAndFlush(new DatagramPacket(packet, peerSocketAddress), channel.voidPromise());
        return true;
    }

    @Override
    public boolean canSend() {
        return open && sendWindow.isOpen() && channel.isWritable();
    }

    private boolean ackOwed() {
        return receiveWindow.anyDelivered() && (!anyAckSent || lastAckSent != receiveWindow.lastDelivered());
    }

    private void ackSent() {
        lastAckSent = receiveWindow.lastDelivered();
        anyAckSent = true;
    }

    /** Arms the ack-only timer unless armed: at most one task per ack delay, not one per packet. */
    private void scheduleAck() {
        if (ackTimer == null) {
            ackTimer = channel.eventLoop().schedule(this::ackTimerFired, ackDelayNanos, TimeUnit.NANOSECONDS);
        }
    }

    private void ackTimerFired() {
        ackTimer = null;
        sendAckOnly();
    }

    /** Packets delivered since the last acknowledgment we sent (all delivered, before the first). */
    private int unacknowledged() {
        long acknowledged = anyAckSent ? lastAckSent : SequenceNumbers.MASK; // sequence numbers start at 0 (§4.1)
        return SequenceNumbers.distance(acknowledged, receiveWindow.lastDelivered());
    }

    /** An ack-only packet (A bit, no S bit, no payload, §4.4) for what arrived, unless one went out since. */
    private void sendAckOnly() {
        if (!open || !ackOwed()) {
            return; // a data packet carried it
        }
        ByteBuf packet = channel.alloc().directBuffer(GreHeader.BASE_LENGTH + 4);
        outgoing.reset().callId(call.peerCallId()).acknowledgment(receiveWindow.lastDelivered());
        outgoing.writeTo(packet);
        ackSent();
        metrics.ackOnly();
        metrics.sent(packet.readableBytes(), context);
        channel.writeAndFlush(new DatagramPacket(packet, peerSocketAddress), channel.voidPromise());
    }

    private void reorderTimerFired() {
        reorderTimer = null;
        reorderDeadline = Long.MAX_VALUE;
        if (open) {
            afterDelivery(receiveWindow.lastDelivered());
        }
    }

    private long now() {
        return channel.eventLoop().ticker().nanoTime();
    }

    /** The call ended: held frames released, timers stopped, the PPP side told. */
    void close(CallClearCause cause) {
        if (!open) {
            return;
        }
        open = false;
        receiveWindow.close();
        if (ackTimer != null) {
            ackTimer.cancel(false);
            ackTimer = null;
        }
        if (reorderTimer != null) {
            reorderTimer.cancel(false);
            reorderTimer = null;
        }
        if (handler != null) {
            handler.linkClosed(cause);
        }
    }

    @Override
    public Call call() {
        return call;
    }

    @Override
    public EventLoop eventLoop() {
        return channel.eventLoop();
    }

    @Override
    public PacketContext context() {
        return context;
    }

    @Override
    public void context(PacketContext context) {
        this.context = Objects.requireNonNull(context, "context");
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    ReceiveWindow receiveWindow() {
        return receiveWindow;
    }

    SendWindow sendWindow() {
        return sendWindow;
    }

    @Override
    public String toString() {
        return "GreSession[" + call + "]";
    }
}
