package net.pptpgw.concentrator.data;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.handler.flush.FlushConsolidationHandler;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.Inet4Address;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import net.pptpgw.concentrator.Ipv4;
import net.pptpgw.concentrator.call.Call;
import net.pptpgw.concentrator.call.CallClearCause;
import net.pptpgw.concentrator.call.CallListener;
import net.pptpgw.concentrator.call.CallRegistry;
import net.pptpgw.concentrator.call.CallTable;
import net.pptpgw.linux.Ipv4Header;
import net.pptpgw.linux.RawGreSocket;
import net.pptpgw.protocol.gre.GreDecodeStatus;
import net.pptpgw.protocol.gre.GreHeader;

/**
 * The concentrator's GRE data plane (RFC 2637 §4): one raw GRE socket for every call, each
 * datagram demultiplexed to its call's {@link GreSession} by the call ID in its key, which is
 * ours (the PNS puts the PAC's call ID there, §4.1).
 *
 * <p>Per datagram, on the socket's event loop and without allocating: the IPv4 header gives the
 * GRE offset and the source; {@link GreHeader#decode} checks the header (a failure is counted by
 * its reason); {@link CallRegistry#find} finds the call; a source other than the call's peer is
 * dropped as {@code wrong-source} with the session untouched, since anyone can put a guessed call
 * ID into a packet; then the session's window decides.
 *
 * <p>As the {@link CallListener} of the control plane it creates a call's GRE state when the
 * call is established and removes it when the call is cleared; both hop onto the GRE event loop,
 * in order, so the session array needs no lock.
 */
public final class GreDataPlane implements CallListener, AutoCloseable {

    private static final System.Logger LOG = System.getLogger(GreDataPlane.class.getName());
    private static final long DROP_LOG_INTERVAL_NANOS = 1_000_000_000L;

    private final GreConfig config;
    private final int receiveWindowSize;
    private final CallRegistry calls;
    private final PppLinkFactory links;
    private final GreMetrics metrics;
    /** By our call ID; read and written on the GRE event loop only. */
    private final GreSession[] sessions = new GreSession[CallTable.CALL_ID_SPACE];
    private final AtomicInteger sessionCount = new AtomicInteger();
    /** Flyweights, reused for every packet on the event loop. */
    private final GreHeader incoming = new GreHeader();
    private final GreHeader outgoing = new GreHeader();
    private final Handler handler = new Handler();
    private volatile Channel channel;
    private volatile ChannelHandlerContext context;
    /**
     * GRE for a call whose Outgoing-Call-Reply went out but whose GRE state is still a task away
     * on this loop (see {@link #callEstablished}): a fast peer starts LCP the moment it reads the
     * reply, and dropping its first Configure-Request costs the session its restart timer (RFC 1661
     * §4.6, 3 s). Bounded per call and in all; on the GRE loop only.
     */
    private final Map<Integer, ArrayDeque<DatagramPacket>> early = new HashMap<>();
    private int earlyHeld;
    static final int EARLY_PER_CALL = 4;
    static final int EARLY_TOTAL = 1024;
    /** Frames written before a flush is forced (see {@link #addTo}); 32 full-size frames are about 48 KiB. */
    static final int FLUSH_AFTER_FRAMES = 32;

    /**
     * @param receiveWindowSize the window our Outgoing-Call-Replies advertise (§2.8)
     * @param calls the live calls, for the lookup by call ID
     * @param links starts the PPP side of each call
     */
    public GreDataPlane(GreConfig config, int receiveWindowSize, CallRegistry calls, PppLinkFactory links,
            MeterRegistry meters) {
        this.config = Objects.requireNonNull(config, "config");
        this.receiveWindowSize = receiveWindowSize;
        this.calls = Objects.requireNonNull(calls, "calls");
        this.links = Objects.requireNonNull(links, "links");
        this.metrics = new GreMetrics(meters);
        Gauge.builder("pptp.gre.sessions", sessionCount, AtomicInteger::get)
                .description("Calls with GRE state").register(meters);
    }

    /**
     * Opens the raw GRE socket in the calling thread's network namespace, bound to
     * {@code bindAddress} (null: every local address), and registers it on {@code group}, which
     * must be an epoll group (see {@link RawGreSocket}).
     */
    public ChannelFuture open(EventLoopGroup group, Inet4Address bindAddress) throws IOException {
        EpollDatagramChannel gre = RawGreSocket.open(config.socket().withBindAddress(bindAddress));
        addTo(gre.pipeline());
        return group.register(gre);
    }

    /**
     * Adds this data plane to a raw GRE socket's pipeline, after whatever the caller put there:
     * flushes batched, then {@link #handler()}.
     *
     * <p>Every frame a session sends is written and flushed at once ({@link GreSession#send}),
     * and a TUN read or a GRE read makes many of them in one go. The {@link FlushConsolidationHandler}
     * turns the flushes of one such batch into one, and the epoll channel then hands the whole
     * batch to the kernel in one {@code sendmmsg(2)} instead of a {@code sendto(2)} per frame: a
     * batch within a GRE read is flushed when the read completes, any other (a TUN read, timers)
     * in a task that runs right after the loop's current I/O. A flush is forced every
     * {@value #FLUSH_AFTER_FRAMES} frames so that a batch stays below the channel's write-buffer
     * high-water mark (64 KiB), past which sessions would drop frames as {@code socket-busy}.
     */
    public void addTo(ChannelPipeline pipeline) {
        pipeline.addLast(new FlushConsolidationHandler(FLUSH_AFTER_FRAMES, true), handler);
    }

    /** The handler to put on a GRE channel yourself (tests use an {@code EmbeddedChannel}). */
    public Handler handler() {
        return handler;
    }

    /** The GRE socket's event loop once it is open, else null: the IP data plane reads its TUN there too. */
    public EventLoop eventLoop() {
        Channel gre = channel;
        return gre == null ? null : gre.eventLoop();
    }

    /** Calls with GRE state now. */
    public int sessions() {
        return sessionCount.get();
    }

    @Override
    public void callEstablished(Call call) {
        Channel gre = channel;
        if (gre == null) {
            LOG.log(Level.WARNING, () -> "no GRE socket open: " + call + " gets no data plane");
            return;
        }
        gre.eventLoop().execute(() -> {
            int callId = call.callId();
            // Cleared before this ran: its callCleared task comes next and must find nothing.
            if (calls.find(callId) != call || sessions[callId] != null) {
                return;
            }
            GreSession session;
            try {
                session = new GreSession(call, gre, outgoing, metrics, receiveWindowSize, config);
            } catch (IllegalArgumentException e) {
                LOG.log(Level.WARNING, e.getMessage());
                return;
            }
            sessions[callId] = session;
            sessionCount.incrementAndGet();
            session.start(links);
            replayEarly(callId);
        });
    }

    /** Hands on (or, without a session, drops) what arrived for {@code callId} before its GRE state. */
    private void replayEarly(int callId) {
        ArrayDeque<DatagramPacket> held = early.remove(callId);
        if (held == null) {
            return;
        }
        earlyHeld -= held.size();
        ChannelHandlerContext ctx = context;
        for (DatagramPacket packet; (packet = held.poll()) != null; ) {
            if (ctx != null && sessions[callId] != null) {
                handler.channelRead(ctx, packet);
            } else {
                packet.release();
            }
        }
    }

    @Override
    public void callCleared(Call call, CallClearCause cause) {
        Channel gre = channel;
        if (gre == null) {
            return;
        }
        gre.eventLoop().execute(() -> {
            if (sessions[call.callId()] == null) {
                replayEarly(call.callId()); // never established: drops what waited
            }
            GreSession session = sessions[call.callId()];
            if (session != null && session.call() == call) {
                sessions[call.callId()] = null;
                sessionCount.decrementAndGet();
                session.close(cause);
            }
        });
    }

    /** Closes the socket; sessions end with their calls. */
    @Override
    public void close() {
        Channel gre = channel;
        if (gre != null) {
            gre.close().awaitUninterruptibly();
        }
    }

    /** The link of a live call, for tests; call on the GRE event loop. */
    PppLink link(int callId) {
        return sessions[callId];
    }

    /** One raw GRE socket's inbound side: a datagram is an IPv4 packet carrying GRE. */
    public final class Handler extends ChannelInboundHandlerAdapter {

        /**
         * A foreign source can send as fast as it likes: one log line per {@link #DROP_LOG_INTERVAL_NANOS}
         * names it, the counter has the rest.
         */
        private long nextWrongSourceLog = System.nanoTime();

        private Handler() {}

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            channel = ctx.channel();
            context = ctx;
        }

        @Override
        public boolean isSharable() {
            return false;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (!(msg instanceof DatagramPacket packet)) {
                ctx.fireChannelRead(msg);
                return;
            }
            ByteBuf datagram = packet.content();
            int ipHeaderLength = Ipv4Header.headerLength(datagram);
            // GRE ends where the IP total length says, never beyond what was really read.
            int greLength = ipHeaderLength < 0 ? -1
                    : Math.min(Ipv4Header.totalLength(datagram), datagram.readableBytes()) - ipHeaderLength;
            if (greLength < 0) {
                metrics.dropped(GreDropReason.NOT_IPV4);
                datagram.release();
                return;
            }
            metrics.received(greLength);
            GreDecodeStatus status = incoming.decode(datagram, datagram.readerIndex() + ipHeaderLength, greLength);
            if (!status.isOk()) {
                metrics.malformed(status);
                datagram.release();
                return;
            }
            int callId = incoming.callId();
            Call call = calls.find(callId);
            GreSession session = sessions[callId];
            if (call != null && session == null && holdEarly(callId, packet)) {
                return;
            }
            if (call == null || session == null || session.call() != call) {
                metrics.dropped(GreDropReason.UNKNOWN_CALL);
                datagram.release();
                return;
            }
            if (Ipv4Header.source(datagram) != session.peerAddress()) {
                metrics.dropped(GreDropReason.WRONG_SOURCE);
                logWrongSource(call, Ipv4Header.source(datagram));
                datagram.release();
                return;
            }
            if (session.localAddress() != 0 && Ipv4Header.destination(datagram) != session.localAddress()) {
                metrics.dropped(GreDropReason.WRONG_DESTINATION);
                datagram.release();
                return;
            }
            session.received(incoming, datagram);
        }

        private void logWrongSource(Call call, int source) {
            long now = System.nanoTime();
            if (now - nextWrongSourceLog >= 0) {
                nextWrongSourceLog = now + DROP_LOG_INTERVAL_NANOS;
                LOG.log(Level.WARNING, () -> "GRE for call " + call.callId() + " from " + Ipv4.fromInt(source).getHostAddress()
                        + " dropped: the call belongs to " + call.peerAddress().getHostAddress()
                        + " (such drops are logged at most once a second, all counted in pptp_gre_drops{reason=\""
                        + GreDropReason.WRONG_SOURCE.reason() + "\"})");
            }
        }

        /** Keeps a packet of a call whose GRE state is being set up; false when over the bounds. */
        private boolean holdEarly(int callId, DatagramPacket packet) {
            if (earlyHeld >= EARLY_TOTAL) {
                return false;
            }
            ArrayDeque<DatagramPacket> held = early.computeIfAbsent(callId, id -> new ArrayDeque<>(EARLY_PER_CALL));
            if (held.size() >= EARLY_PER_CALL) {
                return false;
            }
            held.add(packet);
            earlyHeld++;
            return true;
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            // One bad packet (or a PPP handler's bug) must not end the socket every call shares.
            metrics.error();
            LOG.log(Level.WARNING, "GRE data plane: " + cause, cause);
        }
    }
}
