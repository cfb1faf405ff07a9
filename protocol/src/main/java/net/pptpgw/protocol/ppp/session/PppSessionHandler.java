package net.pptpgw.protocol.ppp.session;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;
import net.pptpgw.protocol.ppp.fsm.IpcpAgreement;
import net.pptpgw.protocol.ppp.fsm.LcpAgreement;
import net.pptpgw.protocol.ppp.fsm.MppeAgreement;
import net.pptpgw.protocol.ppp.fsm.Termination;

/**
 * A {@link PppSession} as a Netty handler, over any transport that carries whole PPP frames:
 * async HDLC ({@code HdlcFrameDecoder}/{@code HdlcFrameEncoder} below it), GRE payloads, a test
 * link.
 *
 * <ul>
 *   <li>Inbound {@link ByteBuf}s are PPP frames (address/control if present, protocol,
 *       information) and go to the session; the IPv4 packets it delivers go on up the pipeline
 *       as {@link ByteBuf}s. Other inbound messages pass through.
 *   <li>Outbound {@link ByteBuf}s are IPv4 packets: {@link PppSession#sendIp} frames (and
 *       encrypts) them and they go down as frames, the write's promise with them. A packet written
 *       while the network is not up is dropped and its promise fails with {@link
 *       NetworkNotUpException}. Give packets {@link PppSession#DATA_HEADROOM} octets of
 *       headroom (plus the transport's) and nothing is copied. Other outbound messages pass
 *       through.
 *   <li>The session's control frames (LCP, authentication, IPCP, CCP) are written and flushed
 *       down the pipeline as they arise.
 *   <li>The session starts when the channel is active (RFC 1661 Up and Open); channel inactive
 *       is the Down event. The milestones go up as {@link PppSessionEvent} user events. The
 *       channel is left open when the link dies ({@link PppSessionEvent.LinkDown}): closing the
 *       transport is the caller's decision.
 *   <li>Timers run on the channel's event loop, or on the executor given (which must be the
 *       thread that drives the channel).
 * </ul>
 *
 * <p>One handler per channel and per session; a session is used once. The concentrator drives
 * {@link PppSession} directly instead, to keep 60k sessions small.
 */
public final class PppSessionHandler extends ChannelDuplexHandler {

    /** Failure of a write made while IP cannot flow (before {@link PppSessionEvent.NetworkUp} or after it ended). */
    public static final class NetworkNotUpException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        NetworkNotUpException() {
            super("the PPP network phase is not up: IP packet dropped", null, false, false); // shared: no stack
        }
    }

    private static final NetworkNotUpException NETWORK_NOT_UP = new NetworkNotUpException();

    private final PppSessionConfig config;
    private final RandomGenerator random;
    private final EventExecutor timerExecutor;
    private ChannelHandlerContext ctx;
    private PppSession session;
    private boolean started;
    /** The promise of the IP packet being written, for the frame {@link PppSession#sendIp} produces. */
    private ChannelPromise dataPromise;

    /** Timers on the channel's event loop, keys and challenges from a {@link SecureRandom}. */
    public PppSessionHandler(PppSessionConfig config) {
        this(config, new SecureRandom(), null);
    }

    /**
     * @param random magic numbers, identifiers, challenges (a seeded generator makes tests repeatable)
     * @param timerExecutor where the session's timers run, or null for the channel's event loop
     */
    public PppSessionHandler(PppSessionConfig config, RandomGenerator random, EventExecutor timerExecutor) {
        this.config = Objects.requireNonNull(config, "config");
        this.random = Objects.requireNonNull(random, "random");
        this.timerExecutor = timerExecutor;
    }

    /** The session, once the handler is in a pipeline: its state, agreements, and {@link PppSession#close}. */
    public PppSession session() {
        if (session == null) {
            throw new IllegalStateException("the handler is not in a pipeline yet");
        }
        return session;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        if (session != null) {
            throw new IllegalStateException(getClass().getSimpleName() + " runs one session: add it to one pipeline once");
        }
        this.ctx = ctx;
        EventExecutor executor = timerExecutor != null ? timerExecutor : ctx.executor();
        session = new PppSession(config, new Output(), new Timers(executor), random, ctx.alloc());
        if (ctx.channel().isActive()) {
            start();
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        start();
        ctx.fireChannelActive();
    }

    private void start() {
        if (!started) {
            started = true;
            session.start();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        session.lowerLayerDown();
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        session.lowerLayerDown();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ByteBuf frame) {
            session.receive(frame);
        } else {
            ctx.fireChannelRead(msg);
        }
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (!(msg instanceof ByteBuf packet)) {
            ctx.write(msg, promise);
            return;
        }
        dataPromise = promise;
        try {
            if (!session.sendIp(packet)) {
                promise.tryFailure(NETWORK_NOT_UP);
            }
        } catch (RuntimeException e) {
            ReferenceCountUtil.safeRelease(packet);
            promise.tryFailure(e);
        } finally {
            dataPromise = null;
        }
    }

    /** The session's output: frames down, IP up, milestones as user events. */
    private final class Output implements PppOutput {

        @Override
        public void sendFrame(ByteBuf frame) {
            ChannelPromise promise = dataPromise;
            if (promise != null) {
                // The IP packet's own frame: its write's promise, flushed when the writer flushes.
                dataPromise = null;
                ctx.write(frame, promise);
            } else {
                ctx.writeAndFlush(frame, ctx.voidPromise());
            }
        }

        @Override
        public void ipPacketReceived(ByteBuf packet) {
            ctx.fireChannelRead(packet);
        }

        @Override
        public void phaseChanged(Phase from, Phase to) {
            ctx.fireUserEventTriggered(new PppSessionEvent.PhaseChanged(from, to));
        }

        @Override
        public void linkUp(LcpAgreement agreement) {
            ctx.fireUserEventTriggered(new PppSessionEvent.LinkUp(agreement));
        }

        @Override
        public void authenticated(Optional<String> peerName) {
            ctx.fireUserEventTriggered(new PppSessionEvent.Authenticated(peerName));
        }

        @Override
        public void networkUp(IpcpAgreement ipcp, Optional<MppeAgreement> mppe) {
            ctx.fireUserEventTriggered(new PppSessionEvent.NetworkUp(ipcp, mppe));
        }

        @Override
        public void networkDown() {
            ctx.fireUserEventTriggered(new PppSessionEvent.NetworkDown());
        }

        @Override
        public void linkDown(Termination reason) {
            ctx.fireUserEventTriggered(new PppSessionEvent.LinkDown(reason));
        }

        @Override
        public void event(String message) {
            ctx.fireUserEventTriggered(new PppSessionEvent.Note(message));
        }
    }

    /** The session's timers on an executor that runs on the channel's thread. */
    private record Timers(EventExecutor executor) implements PppTimers {
        @Override
        public Timer schedule(Duration delay, Runnable task) {
            ScheduledFuture<?> future = executor.schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
            return () -> future.cancel(false);
        }
    }
}
