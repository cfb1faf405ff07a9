package net.pptpgw.concentrator.session;

import io.netty.buffer.ByteBuf;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.Inet4Address;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import net.pptpgw.concentrator.Ipv4;
import net.pptpgw.concentrator.auth.ChapSecrets;
import net.pptpgw.concentrator.call.CallClearCause;
import net.pptpgw.concentrator.data.PacketContext;
import net.pptpgw.concentrator.data.PppFrameHandler;
import net.pptpgw.concentrator.data.PppLink;
import net.pptpgw.concentrator.ip.IpDataPlane;
import net.pptpgw.concentrator.ip.IpSession;
import net.pptpgw.concentrator.ip.MssClamp;
import net.pptpgw.concentrator.ip.TunDropReason;
import net.pptpgw.concentrator.pool.AddressPool;
import net.pptpgw.protocol.ppp.fsm.IpcpAgreement;
import net.pptpgw.protocol.ppp.fsm.LcpAgreement;
import net.pptpgw.protocol.ppp.fsm.MppeAgreement;
import net.pptpgw.protocol.ppp.fsm.Termination;
import net.pptpgw.protocol.ppp.session.Phase;
import net.pptpgw.protocol.ppp.session.PppOutput;
import net.pptpgw.protocol.ppp.session.PppSession;
import net.pptpgw.protocol.ppp.session.PppTimers;

/**
 * One call's PPP session: the engine ({@link PppSession}, server role) between the call's GRE
 * link and the IP data plane. Everything runs on the link's event loop, the GRE socket's,
 * which is also the TUN's; only {@link #info()} and {@link #end} are called from elsewhere.
 *
 * <p>It owns one pool address from its start to {@link #finish}, which runs exactly once
 * whatever ends the session (LCP Terminate from either side, echo failure, authentication
 * failure, the call cleared by the PNS or the TCP connection, an operator, shutdown): it
 * detaches the address from the data plane, returns it to the pool, leaves the registry and,
 * if the call is still up, clears it with a Call-Disconnect-Notify (RFC 2637 §2.13).
 */
final class CallSession implements PppFrameHandler, PppOutput, PppTimers, IpSession {

    private static final System.Logger LOG = System.getLogger(CallSession.class.getName());
    /** Bytes MPPE adds inside the PPP Information field: its header and the encrypted Protocol (RFC 3078 §3). */
    private static final int MPPE_OVERHEAD = 4;

    private final long id;
    private final PppLink link;
    private final SessionFactory factory;
    private final AddressPool pool;
    private final PppSession ppp;
    private final Instant started = Instant.now();
    private int offset;
    private int address;
    private volatile String user = "";
    private volatile SessionState state = SessionState.ESTABLISH;
    /** Until IPCP is up nothing is routed here; then both come from the LCP result, in {@link #networkUp}. */
    private int mtu = IpDataPlane.DEFAULT_MTU;
    private int maxSegmentSize = MssClamp.mssFor(IpDataPlane.DEFAULT_MTU);
    private boolean attached;
    private boolean reachedUp;
    private boolean finished;
    /** Set when authentication failed: the session ends for this, whatever ends it last. */
    private Termination authenticationFailure;
    /** What the call is cleared for when the session ends while it is up: this end's reason to hang up. */
    private CallClearCause clearCause = CallClearCause.PPP_ENDED;
    private volatile long packetsIn;
    private volatile long bytesIn;
    private volatile long packetsOut;
    private volatile long bytesOut;
    /** IP packets waiting for the peer's receive window, oldest first, before MPPE; null until the first. */
    private ArrayDeque<ByteBuf> waiting;
    /** Packets one session may keep waiting (see {@link #fromTun}). */
    static final int WAIT_LIMIT = 64;

    CallSession(long id, PppLink link, int offset, SessionFactory factory) {
        this.id = id;
        this.link = link;
        this.factory = factory;
        this.pool = factory.pool();
        this.offset = offset;
        this.address = pool.addressInt(offset);
        this.ppp = new PppSession(factory.template(), this, this, factory.random(), factory.allocator());
        ppp.ipcpSettings(factory.ipcpSettings(offset));
    }

    void start() {
        factory.sessions().add(this);
        factory.metrics().entered(state);
        ppp.start();
    }

    long id() {
        return id;
    }

    SessionInfo info() {
        return new SessionInfo(id, user, link.call().peerAddress(), link.call().callId(), link.call().peerCallId(),
                Ipv4.fromInt(address), state, started, packetsIn, bytesIn, packetsOut, bytesOut);
    }

    /** An operator's end: LCP Terminate-Request, then the call cleared "Admin Shutdown". From any thread. */
    void end(String reason) {
        close(CallClearCause.ADMINISTRATIVE, Termination.of(Termination.ADMINISTRATIVE_CLOSE, reason));
    }

    /**
     * The server's shutdown: LCP Terminate-Request with {@code reason}, then the call cleared
     * "Admin Shutdown". The session ends with cause {@code shutdown} whether the peer
     * acknowledges in time or the server clears the call first. From any thread.
     */
    void endForShutdown(String reason) {
        close(CallClearCause.SHUTDOWN, Termination.of(CallClearCause.SHUTDOWN.tag(), reason));
    }

    private void close(CallClearCause cause, Termination termination) {
        link.eventLoop().execute(() -> {
            if (finished) {
                return;
            }
            clearCause = cause;
            // RFC 1661 §4.3 Close event: from Opened (or while negotiating) a Terminate-Request goes out.
            ppp.close(termination);
        });
    }

    // ---------------------------------------------------------------- from the GRE link

    @Override
    public void frameReceived(ByteBuf frame, PacketContext context) {
        ppp.receive(frame);
    }

    @Override
    public void linkClosed(CallClearCause cause) {
        // The call is gone (CDN, TCP close, Stop-Control-Connection, shutdown): PPP's Down event.
        // Finished first, so the session ends with the call's cause rather than the engine's
        // generic lower-layer-down, and without a Call-Disconnect-Notify for a call already gone.
        finish(Termination.of(cause.tag(), "the call was cleared: " + cause.tag()));
        ppp.lowerLayerDown();
    }

    // ---------------------------------------------------------------- from the TUN

    /**
     * A packet for the peer. When the link cannot take a frame now (the peer's receive window is
     * full, RFC 2637 §4.4, or the socket is busy) it waits, before MPPE (see {@link
     * PppLink#canSend}), up to {@link #WAIT_LIMIT} per session and the factory's budget in all,
     * and goes out in order as the peer's acknowledgments open the window: a client that
     * advertises a small window (Windows, 64) would otherwise lose what does not fit and its
     * TCP back off, as pptp and pptpd avoid by waiting. Past the limits it is dropped.
     */
    @Override
    public TunDropReason fromTun(ByteBuf packet) {
        sendWaiting(); // what waits goes first
        if ((waiting != null && !waiting.isEmpty()) || !link.canSend()) {
            return await(packet);
        }
        return send(packet);
    }

    @Override
    public void sendWindowOpened() {
        sendWaiting();
    }

    private TunDropReason send(ByteBuf packet) {
        int bytes = packet.readableBytes();
        if (!ppp.sendIp(packet)) {
            return TunDropReason.NOT_UP;
        }
        packetsOut++;
        bytesOut += bytes;
        return null;
    }

    private TunDropReason await(ByteBuf packet) {
        if (finished || (waiting != null && waiting.size() >= WAIT_LIMIT) || !factory.takeWaitingSlot()) {
            packet.release();
            return TunDropReason.LINK_BUSY;
        }
        if (waiting == null) {
            waiting = new ArrayDeque<>(8); // the first time the window filled: most sessions never need one
        }
        waiting.add(packet);
        return null;
    }

    private void sendWaiting() {
        if (waiting == null) {
            return;
        }
        while (!waiting.isEmpty() && link.canSend()) {
            factory.returnWaitingSlots(1);
            send(waiting.poll()); // released by the engine if the network went down meanwhile
        }
    }

    private void releaseWaiting() {
        if (waiting != null) {
            factory.returnWaitingSlots(waiting.size());
            waiting.forEach(ByteBuf::release);
            waiting.clear();
        }
    }

    @Override
    public int mtu() {
        return mtu;
    }

    @Override
    public int maxSegmentSize() {
        return maxSegmentSize;
    }

    // ---------------------------------------------------------------- PppOutput

    @Override
    public void sendFrame(ByteBuf frame) {
        link.send(frame);
    }

    @Override
    public void ipPacketReceived(ByteBuf packet) {
        int bytes = packet.readableBytes();
        if (factory.ip().fromSession(packet, address, maxSegmentSize) == null) {
            packetsIn++;
            bytesIn += bytes;
        }
    }

    @Override
    public void phaseChanged(Phase from, Phase to) {
        switch (to) {
            case ESTABLISH -> state(SessionState.ESTABLISH);
            case AUTHENTICATE -> state(SessionState.AUTHENTICATE);
            case NETWORK -> state(SessionState.NETWORK);
            case TERMINATE -> state(SessionState.TERMINATE);
            case DEAD -> { }
        }
    }

    @Override
    public void authenticated(Optional<String> peerName) {
        peerName.ifPresent(name -> {
            user = name;
            link.context(link.context().withUser(name));
        });
        Optional<ChapSecrets.Entry> entry = peerName.flatMap(name ->
                factory.secrets().lookup(name, factory.policy().serverName()));
        if (entry.isEmpty()) {
            return;
        }
        List<Inet4Address> fixed = entry.get().fixedAddresses();
        if (!fixed.isEmpty()) {
            useFixedAddress(fixed);
        } else if (!entry.get().anyAddressAllowed()) {
            ppp.close(Termination.of("address-not-allowed", "chap-secrets allows user '" + user + "' no address"));
        }
    }

    /** pppd's rule: a user whose chap-secrets line names addresses gets one of them, or no session. */
    private void useFixedAddress(List<Inet4Address> fixed) {
        for (Inet4Address wanted : fixed) {
            if (Ipv4.toInt(wanted) == address) {
                return;
            }
        }
        for (Inet4Address wanted : fixed) {
            OptionalInt reserved = pool.reserve(wanted);
            if (reserved.isPresent()) {
                pool.release(offset);
                offset = reserved.getAsInt();
                address = pool.addressInt(offset);
                ppp.ipcpSettings(factory.ipcpSettings(offset));
                return;
            }
        }
        ppp.close(Termination.of("address-unavailable", "user '" + user + "' must have one of " + fixed
                + ", none of which is free in the pool"));
    }

    @Override
    public void networkUp(IpcpAgreement ipcp, Optional<MppeAgreement> mppe) {
        LcpAgreement lcp = ppp.lcpAgreement().orElseThrow();
        // The MRU counts the whole Information field (RFC 1661 §6.1); MPPE's header and the
        // encrypted Protocol field are in it (RFC 3078 §3). What we send must fit the peer's
        // MRU; TCP segments must fit the smaller MRU of the two directions.
        int overhead = mppe.isPresent() ? MPPE_OVERHEAD : 0;
        mtu = lcp.peerMru() - overhead;
        maxSegmentSize = MssClamp.mssFor(Math.min(mtu, lcp.ourMru() - overhead));
        factory.ip().attach(offset, this);
        attached = true;
        state(SessionState.UP);
        if (!reachedUp) {
            reachedUp = true;
            factory.metrics().setUp(System.nanoTime() - link.call().establishedNanos());
        }
        LOG.log(System.Logger.Level.INFO, () -> "session " + id + " up: user '" + user + "' " + ipcp.peerAddress()
                .map(Inet4Address::getHostAddress).orElse("?") + " on call " + link.call().callId() + ", "
                + mppe.map(Object::toString).orElse("no MPPE") + ", mtu " + mtu + ", mss " + maxSegmentSize);
    }

    @Override
    public void networkDown() {
        detach();
        if (!finished && state == SessionState.UP) {
            state(SessionState.NETWORK);
        }
    }

    @Override
    public void authenticationFailed(Termination reason) {
        // Counted and logged here, not at the end: a client that hears our Failure usually
        // clears the call before the LCP Terminate exchange is over, and the session would then
        // end as call-clear-request with the failure uncounted.
        authenticationFailure = reason;
        String method = ppp.lcpAgreement().flatMap(LcpAgreement::authenticatePeerWith)
                .map(m -> m.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-')).orElse("none");
        factory.metrics().authenticationFailed(method);
        LOG.log(System.Logger.Level.INFO, () -> "session " + id + " (call " + link.call().callId() + " from "
                + link.call().peerAddress().getHostAddress() + "): " + reason);
    }

    @Override
    public void linkDown(Termination reason) {
        finish(reason);
    }

    @Override
    public void event(String message) {
        LOG.log(System.Logger.Level.DEBUG, () -> "session " + id + ": " + message);
    }

    // ---------------------------------------------------------------- PppTimers

    @Override
    public Timer schedule(Duration delay, Runnable task) {
        ScheduledFuture<?> future = link.eventLoop().schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
        return () -> future.cancel(false);
    }

    // ---------------------------------------------------------------- the end

    private void finish(Termination last) {
        if (finished) {
            return;
        }
        finished = true;
        releaseWaiting();
        // A failed authentication is what ended the session, whatever took the link down after it.
        Termination reason = authenticationFailure != null ? authenticationFailure : last;
        detach();
        pool.release(offset);
        factory.metrics().left(state);
        factory.metrics().ended(reason.cause());
        if (!reachedUp) {
            factory.metrics().setupFailed(reason.cause());
        }
        LOG.log(System.Logger.Level.INFO, () -> "session " + id + " (user '" + user + "', call "
                + link.call().callId() + ") ended: " + reason);
        if (link.isOpen()) {
            // RFC 2637 §2.13: the PAC clears the call when PPP is done with it.
            factory.disconnect(link.call(), clearCause);
        }
        // Last: a shutdown waiting for the sessions goes on once the registry is empty, and this
        // call's Call-Disconnect-Notify must be queued before the Stop-Control-Connection-Request.
        factory.sessions().remove(this);
    }

    private void detach() {
        if (attached) {
            attached = false;
            factory.ip().detach(offset, this);
        }
    }

    private void state(SessionState next) {
        if (finished || next == state) {
            return;
        }
        factory.metrics().left(state);
        factory.metrics().entered(next);
        state = next;
    }

    @Override
    public String toString() {
        return "CallSession[" + id + ", " + link.call() + "]";
    }
}
