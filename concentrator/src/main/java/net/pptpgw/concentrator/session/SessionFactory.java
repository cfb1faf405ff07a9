package net.pptpgw.concentrator.session;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.security.SecureRandom;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.random.RandomGenerator;
import net.pptpgw.concentrator.auth.ChapSecrets;
import net.pptpgw.concentrator.call.Call;
import net.pptpgw.concentrator.call.CallClearCause;
import net.pptpgw.concentrator.call.CallListener;
import net.pptpgw.concentrator.call.CallTable;
import net.pptpgw.concentrator.control.ControlConnectionHandler;
import net.pptpgw.concentrator.data.PacketContext;
import net.pptpgw.concentrator.data.PppFrameHandler;
import net.pptpgw.concentrator.data.PppLink;
import net.pptpgw.concentrator.data.PppLinkFactory;
import net.pptpgw.concentrator.ip.IpDataPlane;
import net.pptpgw.concentrator.pool.AddressPool;
import net.pptpgw.protocol.ppp.fsm.AutomatonConfig;
import net.pptpgw.protocol.ppp.fsm.IpcpSettings;
import net.pptpgw.protocol.ppp.fsm.LcpSettings;
import net.pptpgw.protocol.ppp.session.PppSessionConfig;
import net.pptpgw.protocol.ppp.session.Role;
import net.pptpgw.protocol.pptp.CallDisconnectResult;

/**
 * Gives every call a PPP session in the server role: plug it into the
 * {@link net.pptpgw.concentrator.ConcentratorServer} both as its {@link PppLinkFactory} and its
 * {@link CallListener}.
 *
 * <p>Addresses: a call gets its pool address when it is set up ({@link #admitCall}), so an
 * exhausted pool is answered in the Outgoing-Call-Reply (General Error, No-Resource) and the
 * PNS never starts PPP for nothing. Until the session takes the address over, it is held in a
 * slot indexed by call ID; whoever empties the slot first (the session starting, or the call
 * clearing before it did) owns the address and releases it, so it is released exactly once.
 */
public final class SessionFactory implements PppLinkFactory, CallListener {

    private final SessionPolicy policy;
    private final AddressPool pool;
    private final ChapSecrets secrets;
    private final IpDataPlane ip;
    private final Sessions sessions = new Sessions();
    private final SessionMetrics metrics;
    /**
     * IP packets all sessions together may keep waiting for their peers' windows: 16,384 TUN
     * buffers of 2 KiB, 32 MiB at most, however many sessions are stalled.
     */
    static final int WAITING_TOTAL = 16_384;
    /** Free waiting slots; touched on the sessions' loop only (the GRE socket's). */
    private int waitingSlots = WAITING_TOTAL;
    private final PppSessionConfig template;
    private final RandomGenerator random;
    private final ByteBufAllocator allocator;
    /** Pool offset held for a call between admission and its session's start, by call ID; -1 for none. */
    private final AtomicIntegerArray heldAddress = new AtomicIntegerArray(CallTable.CALL_ID_SPACE);

    public SessionFactory(SessionPolicy policy, AddressPool pool, ChapSecrets secrets, IpDataPlane ip,
            MeterRegistry meters) {
        this(policy, pool, secrets, ip, meters, new SecureRandom(), ByteBufAllocator.DEFAULT);
    }

    public SessionFactory(SessionPolicy policy, AddressPool pool, ChapSecrets secrets, IpDataPlane ip,
            MeterRegistry meters, RandomGenerator random, ByteBufAllocator allocator) {
        this.policy = Objects.requireNonNull(policy, "policy");
        this.pool = Objects.requireNonNull(pool, "pool");
        this.secrets = Objects.requireNonNull(secrets, "secrets");
        this.ip = Objects.requireNonNull(ip, "ip");
        this.metrics = new SessionMetrics(meters);
        this.random = random;
        this.allocator = allocator;
        int local = pool.lookup(net.pptpgw.concentrator.Ipv4.toInt(policy.localAddress()));
        if (local >= 0 && !pool.isAllocated(local) && pool.reserve(policy.localAddress()).isEmpty()) {
            throw new IllegalArgumentException("the local address " + policy.localAddress().getHostAddress()
                    + " is in the pool and cannot be reserved");
        }
        // (A local address inside the pool is reserved for good: no client is given the server's own.)
        for (int i = 0; i < CallTable.CALL_ID_SPACE; i++) {
            heldAddress.set(i, -1);
        }
        // The template's peer address is replaced per session; the pool's first is a placeholder.
        this.template = new PppSessionConfig(Role.SERVER, LcpSettings.server(policy.authentication()),
                IpcpSettings.server(policy.localAddress(), pool.address(0), policy.dns(), policy.wins()), policy.ccp(),
                AutomatonConfig.DEFAULTS, policy.serverName(), java.util.Optional.empty(),
                java.util.Optional.of(secrets.forServer(policy.serverName())), policy.authenticationAttempts(),
                policy.echoInterval(), policy.echoFailures());
        Gauge.builder("pptp.pool.allocated", pool, AddressPool::allocated)
                .description("Pool addresses held by calls").register(meters);
        Gauge.builder("pptp.pool.size", pool, AddressPool::size).description("Addresses in the pool").register(meters);
    }

    /** The live sessions. */
    public Sessions sessions() {
        return sessions;
    }

    public AddressPool pool() {
        return pool;
    }

    // ---------------------------------------------------------------- CallListener (control loop)

    @Override
    public String admitCall(Call call) {
        OptionalInt offset = pool.allocate();
        if (offset.isEmpty()) {
            metrics.setupFailed("pool-exhausted");
            return "pool-exhausted";
        }
        heldAddress.set(call.callId(), offset.getAsInt());
        return null;
    }

    @Override
    public void callEstablished(Call call) {}

    /** Every session sends its LCP Terminate-Request at once; see {@link Sessions#endAll}. */
    @Override
    public CompletionStage<Void> serverStopping(String reason) {
        return sessions.endAll(reason);
    }

    @Override
    public void callCleared(Call call, CallClearCause cause) {
        // Cleared before its session started (or with no GRE socket to start one): the address is ours to return.
        int offset = heldAddress.getAndSet(call.callId(), -1);
        if (offset >= 0) {
            pool.release(offset);
            metrics.setupFailed(cause.tag());
        }
    }

    // ---------------------------------------------------------------- PppLinkFactory (GRE loop)

    @Override
    public PppFrameHandler linkOpened(PppLink link) {
        Call call = link.call();
        int offset = heldAddress.getAndSet(call.callId(), -1);
        if (offset < 0) {
            // The call cleared between its GRE state being made and now; nothing to run.
            return DISCARDING;
        }
        CallSession session = new CallSession(sessions.newId(), link, offset, this);
        session.start();
        return session;
    }

    private static final PppFrameHandler DISCARDING = new PppFrameHandler() {
        @Override
        public void frameReceived(ByteBuf frame, PacketContext context) {
            frame.release();
        }

        @Override
        public void linkClosed(CallClearCause cause) {}
    };

    // ---------------------------------------------------------------- for CallSession

    SessionPolicy policy() {
        return policy;
    }

    ChapSecrets secrets() {
        return secrets;
    }

    IpDataPlane ip() {
        return ip;
    }

    SessionMetrics metrics() {
        return metrics;
    }

    /**
     * Takes one of the {@link #WAITING_TOTAL} slots for an IP packet waiting for its peer's
     * receive window (CallSession.fromTun); false when all are taken. On the sessions' loop.
     */
    boolean takeWaitingSlot() {
        if (waitingSlots == 0) {
            return false;
        }
        waitingSlots--;
        return true;
    }

    void returnWaitingSlots(int count) {
        waitingSlots += count;
    }

    PppSessionConfig template() {
        return template;
    }

    /** IPCP for a session whose peer gets pool address {@code offset}. */
    IpcpSettings ipcpSettings(int offset) {
        return template.ipcp().withPeerAddress(pool.address(offset));
    }

    RandomGenerator random() {
        return random;
    }

    ByteBufAllocator allocator() {
        return allocator;
    }

    /**
     * Clears {@code call} after its session ended: "Admin Shutdown" when this end decided it (an
     * operator, the server's shutdown), else "Lost Carrier" (RFC 2637 §2.13): PPP went down under the call.
     */
    void disconnect(Call call, CallClearCause cause) {
        ControlConnectionHandler.disconnect(call, cause == CallClearCause.PPP_ENDED
                ? CallDisconnectResult.LOST_CARRIER : CallDisconnectResult.ADMIN_SHUTDOWN, cause);
    }
}
