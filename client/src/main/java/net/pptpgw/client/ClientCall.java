package net.pptpgw.client;

import io.netty.buffer.ByteBuf;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.Optional;
import net.pptpgw.client.control.CallEnd;
import net.pptpgw.client.control.PnsCall;
import net.pptpgw.client.control.PnsControlHandler;
import net.pptpgw.client.session.PppClientSession;
import net.pptpgw.concentrator.call.Call;
import net.pptpgw.concentrator.call.CallClearCause;
import net.pptpgw.concentrator.data.PppFrameHandler;
import net.pptpgw.concentrator.data.PppLink;
import net.pptpgw.concentrator.data.PppLinkFactory;
import net.pptpgw.protocol.ppp.fsm.IpcpAgreement;
import net.pptpgw.protocol.ppp.fsm.MppeAgreement;
import net.pptpgw.protocol.ppp.fsm.Termination;
import net.pptpgw.protocol.ppp.session.Phase;
import net.pptpgw.protocol.ppp.session.PppSessionConfig;
import net.pptpgw.protocol.pptp.OutgoingCallReply;

/**
 * One call of a {@link PptpClient} and the PPP client on it: the Outgoing-Call on the control
 * connection, the call's GRE state in the data plane once connected, the PPP session on that.
 *
 * <p>It ends once, reported by {@link Listener#ended}, whichever side starts it: a refused
 * call, the PAC's Call-Disconnect-Notify or Stop, a lost connection, or PPP going down (an
 * authentication failure, LCP terminated by the server, our {@link #hangUp}). When PPP ends
 * first the call is cleared (Call-Clear-Request) and the report waits for the PAC's
 * Call-Disconnect-Notify, so the reason given is PPP's.
 */
public final class ClientCall implements PnsCall.Listener, PppLinkFactory, PppClientSession.Listener {

    /** Milestones; {@code callConnected} and {@code ended} on the control loop, the PPP ones on the GRE loop. */
    public interface Listener {

        default void callConnected(ClientCall call, OutgoingCallReply reply) {}

        /** PPP entered {@code phase} (on the GRE loop); see {@link PppClientSession.Listener#phaseEntered}. */
        default void pppPhaseEntered(ClientCall call, Phase phase) {}

        default void authenticated(ClientCall call) {}

        /** IP flows: {@link #sendIp} works. */
        void networkUp(ClientCall call, IpcpAgreement ipcp, Optional<MppeAgreement> mppe);

        /** An IPv4 packet from the server; the listener owns it. */
        default void ipPacketReceived(ClientCall call, ByteBuf packet) {
            packet.release();
        }

        /**
         * The call is over. {@code ppp} is why PPP ended if it did first (authentication failed,
         * terminated), {@code end} why the call ended; called once.
         */
        void ended(ClientCall call, CallEnd end, Optional<Termination> ppp);
    }

    private final PptpClient client;
    private final PppSessionConfig pppConfig;
    private final Listener listener;
    private PnsCall pnsCall;
    private Call greCall;
    private volatile PppClientSession ppp;
    private volatile Termination pppEnd;
    private volatile boolean hangingUp;
    private volatile boolean silent;
    /** The {@link net.pptpgw.client.data.EarlyGreHold} token while the PAC's first GRE may arrive before the data plane knows the call. */
    private Object earlyGre;

    ClientCall(PptpClient client, PppSessionConfig pppConfig, Listener listener) {
        this.client = client;
        this.pppConfig = pppConfig;
        this.listener = Objects.requireNonNull(listener, "listener");
    }

    void place(PnsControlHandler control) {
        pnsCall = control.placeCall(this);
    }

    public PnsCall pnsCall() {
        return pnsCall;
    }

    /** The PPP session once the GRE link opened, else null. */
    public PppClientSession ppp() {
        return ppp;
    }

    /** Sends an IPv4 packet through the tunnel; call on the GRE loop. False if the network is not up. */
    public boolean sendIp(ByteBuf packet) {
        PppClientSession session = ppp;
        if (session == null) {
            packet.release();
            return false;
        }
        return session.sendIp(packet);
    }

    /**
     * Makes the call's PPP send nothing from now on ({@link PppClientSession#mute}); the control
     * connection is the caller's to silence. For tests of a server's timeouts: a client that
     * goes away without LCP Terminate or Call-Clear-Request. Safe from any thread.
     */
    public void goSilent() {
        silent = true;
        PppClientSession session = ppp;
        if (session != null) {
            session.mute();
        }
    }

    /**
     * Ends the call from our side: LCP Terminate-Request (RFC 1661 §3.4), then at link down a
     * Call-Clear-Request (RFC 2637 §2.12). Without a PPP session yet, the call is cleared at once.
     * Safe from any thread.
     */
    public void hangUp() {
        hangingUp = true;
        PppClientSession session = ppp;
        if (session != null && !session.isDown()) {
            session.link().eventLoop().execute(() -> session.close(
                    Termination.of(Termination.ADMINISTRATIVE_CLOSE, "hung up by the client")));
        } else if (pnsCall != null) {
            pnsCall.clear();
        }
    }

    // ---- the control connection ----

    @Override
    public void placing(PnsCall call) {
        // Before the Outgoing-Call-Request leaves, not after placeCall returns: the PAC's reply and
        // its first LCP Configure-Request can be on the wire, and that GRE read on the GRE loop,
        // while this thread is still between the write and the return (descheduled, say). Dropped
        // as unknown-call, the Configure-Request costs the session the PAC's restart timer (3 s).
        if (pppConfig != null && client.greChannel() != null) {
            earlyGre = client.earlyGre().expect(call.callId());
        }
    }

    @Override
    public void connected(PnsCall call, OutgoingCallReply reply) {
        var control = call.control().context().channel();
        var server = (InetSocketAddress) control.remoteAddress();
        greCall = new Call(call.callId(), reply.callId(), server.getAddress(), control, call.callSerialNumber(),
                reply.packetReceiveWindowSize(), reply.packetProcessingDelay(), reply.connectSpeed(), System.nanoTime());
        if (control.localAddress() instanceof InetSocketAddress local && local.getAddress() instanceof Inet4Address source) {
            client.stamper().bind(reply.callId(), source);
        }
        listener.callConnected(this, reply);
        if (hangingUp) {
            call.clear();
            return;
        }
        if (pppConfig != null) {
            client.registry().add(greCall, this);
            client.dataPlane().callEstablished(greCall);
            if (earlyGre != null) {
                client.earlyGre().release(client.greChannel(), call.callId(), earlyGre);
                earlyGre = null;
            }
        }
    }

    @Override
    public void ended(PnsCall call, CallEnd end) {
        if (earlyGre != null) {
            client.earlyGre().forget(client.greChannel(), call.callId(), earlyGre);
            earlyGre = null;
        }
        if (greCall != null && pppConfig != null) {
            client.registry().remove(greCall);
            // Tells the PPP session its lower layer is gone (if it still runs) and frees the GRE state.
            client.dataPlane().callCleared(greCall, cause(end));
        }
        listener.ended(this, end, Optional.ofNullable(pppEnd));
    }

    private static CallClearCause cause(CallEnd end) {
        return switch (end.reason()) {
            case CallEnd.CONTROL_STOPPED -> CallClearCause.STOP_CONTROL_CONNECTION;
            case CallEnd.CONTROL_CLOSED -> CallClearCause.CONNECTION_LOST;
            default -> CallClearCause.CALL_CLEAR_REQUEST;
        };
    }

    // ---- the GRE link ----

    @Override
    public PppFrameHandler linkOpened(PppLink link) {
        PppClientSession session = new PppClientSession(link, pppConfig, this, client.random(),
                client.greChannel().alloc());
        ppp = session;
        if (silent) {
            session.mute();
        }
        session.start();
        return session;
    }

    // ---- PPP ----

    @Override
    public void phaseEntered(PppClientSession session, Phase phase) {
        listener.pppPhaseEntered(this, phase);
    }

    @Override
    public void authenticationFailed(PppClientSession session, Termination reason) {
        // Kept now: the PAC's Call-Disconnect-Notify can overtake the LCP Terminate exchange that
        // follows its Failure, and PPP would then end as lower-layer-down in ended()'s report.
        pppEnd = reason;
    }

    @Override
    public void authenticated(PppClientSession session) {
        listener.authenticated(this);
    }

    @Override
    public void networkUp(PppClientSession session, IpcpAgreement ipcp, Optional<MppeAgreement> mppe) {
        listener.networkUp(this, ipcp, mppe);
    }

    @Override
    public void ipPacketReceived(PppClientSession session, ByteBuf packet) {
        listener.ipPacketReceived(this, packet);
    }

    @Override
    public void linkDown(PppClientSession session, Termination reason) {
        if (pppEnd == null) {
            pppEnd = reason;
        }
        // PPP is over, for whatever reason: the call has nothing left to carry (RFC 2637 §2.12).
        pnsCall.clear();
    }

    @Override
    public String toString() {
        return "ClientCall[" + pnsCall + "]";
    }
}
