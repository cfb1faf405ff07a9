package net.pptpgw.client.session;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;
import net.pptpgw.concentrator.call.CallClearCause;
import net.pptpgw.concentrator.data.PacketContext;
import net.pptpgw.concentrator.data.PppFrameHandler;
import net.pptpgw.concentrator.data.PppLink;
import net.pptpgw.protocol.ppp.fsm.IpcpAgreement;
import net.pptpgw.protocol.ppp.fsm.MppeAgreement;
import net.pptpgw.protocol.ppp.fsm.Termination;
import net.pptpgw.protocol.ppp.session.Phase;
import net.pptpgw.protocol.ppp.session.PppOutput;
import net.pptpgw.protocol.ppp.session.PppSession;
import net.pptpgw.protocol.ppp.session.PppSessionConfig;
import net.pptpgw.protocol.ppp.session.PppTimers;

/**
 * One call's PPP client: a {@link PppSession} whose frames travel on the call's {@link PppLink}
 * (PPP over GRE is synchronous, RFC 2637 §4: the frame as is, no HDLC). One object is the link's
 * frame handler, the session's output and its timers, so a session costs the engine plus this.
 * Everything runs on the link's event loop.
 */
public final class PppClientSession implements PppFrameHandler, PppOutput, PppTimers {

    /** Milestones of the session, on the link's event loop. Must not block. */
    public interface Listener {

        /**
         * The session entered {@code phase} (RFC 1661 §3.2) at its start or on a frame from the
         * server; lets a caller act at a protocol stage, e.g. a test that aborts mid-LCP.
         */
        default void phaseEntered(PppClientSession session, Phase phase) {}

        /**
         * The server refused our credentials ({@code reason} carries its Failure message, e.g.
         * {@code E=691 R=0 C=... V=3}); {@link #linkDown} follows, though perhaps only as
         * lower-layer-down if the call is cleared before the LCP Terminate exchange ends.
         */
        default void authenticationFailed(PppClientSession session, Termination reason) {}

        /** Our credentials were accepted (RFC 1994 / RFC 2759 Success). */
        default void authenticated(PppClientSession session) {}

        /** IPCP is up and CCP settled: {@link #sendIp} works. */
        void networkUp(PppClientSession session, IpcpAgreement ipcp, Optional<MppeAgreement> mppe);

        /** An IPv4 packet from the server; the listener owns it. */
        default void ipPacketReceived(PppClientSession session, ByteBuf packet) {
            packet.release();
        }

        /** The session is dead for {@code reason}; called once. */
        void linkDown(PppClientSession session, Termination reason);
    }

    private final PppLink link;
    private final Listener listener;
    private final PppSession session;
    private boolean down;
    private volatile boolean muted;

    public PppClientSession(PppLink link, PppSessionConfig config, Listener listener, RandomGenerator random,
            ByteBufAllocator allocator) {
        this.link = Objects.requireNonNull(link, "link");
        this.listener = Objects.requireNonNull(listener, "listener");
        this.session = new PppSession(config, this, this, random, allocator);
    }

    /** LCP starts (RFC 1661 Open + Up). */
    public void start() {
        session.start();
        listener.phaseEntered(this, session.phase());
    }

    /** Terminates the link gracefully: LCP Terminate-Request, then {@link Listener#linkDown}. */
    public void close(Termination reason) {
        session.close(reason);
    }

    /**
     * Sends an IPv4 packet; false when the network is not up or the link cannot take a frame now
     * (checked before MPPE touches it: see {@code PppLink.canSend}). Takes ownership.
     */
    public boolean sendIp(ByteBuf packet) {
        if (!link.canSend()) {
            packet.release();
            return false;
        }
        return session.sendIp(packet);
    }

    /**
     * From now on nothing is sent: every frame the engine makes (answers, retransmissions,
     * echoes, IP) is dropped, as from a client that vanished without a word. The engine keeps
     * running, so the server's timeouts are what end the session. Safe from any thread.
     */
    public void mute() {
        muted = true;
    }

    public PppSession engine() {
        return session;
    }

    public PppLink link() {
        return link;
    }

    public boolean isDown() {
        return down;
    }

    // ---- the link below ----

    @Override
    public void frameReceived(ByteBuf frame, PacketContext context) {
        Phase before = session.phase();
        session.receive(frame);
        Phase after = session.phase();
        if (after != before && after != Phase.DEAD) {
            listener.phaseEntered(this, after);
        }
    }

    @Override
    public void linkClosed(CallClearCause cause) {
        session.lowerLayerDown();
    }

    // ---- the engine's output ----

    @Override
    public void sendFrame(ByteBuf frame) {
        if (muted) {
            frame.release();
            return;
        }
        link.send(frame);
    }

    @Override
    public void ipPacketReceived(ByteBuf packet) {
        listener.ipPacketReceived(this, packet);
    }

    @Override
    public void authenticationFailed(Termination reason) {
        listener.authenticationFailed(this, reason);
    }

    @Override
    public void authenticated(Optional<String> peerName) {
        listener.authenticated(this);
    }

    @Override
    public void networkUp(IpcpAgreement ipcp, Optional<MppeAgreement> mppe) {
        listener.networkUp(this, ipcp, mppe);
    }

    @Override
    public void linkDown(Termination reason) {
        if (!down) {
            down = true;
            listener.linkDown(this, reason);
        }
    }

    // ---- time ----

    @Override
    public Timer schedule(Duration delay, Runnable task) {
        var future = link.eventLoop().schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
        return () -> future.cancel(false);
    }
}
