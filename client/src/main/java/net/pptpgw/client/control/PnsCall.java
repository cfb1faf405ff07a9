package net.pptpgw.client.control;

import io.netty.util.concurrent.ScheduledFuture;
import java.util.Objects;
import net.pptpgw.protocol.pptp.OutgoingCallReply;
import net.pptpgw.protocol.pptp.SetLinkInfo;

/**
 * One outgoing call placed by {@link PnsControlHandler#placeCall}. Its state changes on the
 * control connection's event loop only.
 */
public final class PnsCall {

    /** Told about the call, on the control connection's event loop. Must not block. */
    public interface Listener {

        /**
         * The call has its call ID and its Outgoing-Call-Request is about to go out (§2.7). The
         * PAC may send GRE keyed with {@link #callId()} (§4.1) the moment it has replied, and that
         * GRE is read on the GRE socket's event loop, not this one: whatever must be ready for it
         * is made ready here, because once the request is written even the rest of
         * {@link PnsControlHandler#placeCall} can come too late.
         */
        default void placing(PnsCall call) {}

        /** The Outgoing-Call-Reply said Connected; GRE may flow with {@link #peerCallId()} in its key. */
        void connected(PnsCall call, OutgoingCallReply reply);

        /** The call is over (or never started: {@link CallEnd#REFUSED} carries the Reply). Called once. */
        void ended(PnsCall call, CallEnd end);

        /** The PAC sent a Set-Link-Info for this call (§2.15): ACCMs it wants us to use. */
        default void setLinkInfo(PnsCall call, SetLinkInfo info) {}
    }

    private final PnsControlHandler control;
    private final int callId;
    private final int callSerialNumber;
    private final Listener listener;
    private PnsCallState state = PnsCallState.WAIT_REPLY;
    private OutgoingCallReply reply;
    ScheduledFuture<?> timer;

    PnsCall(PnsControlHandler control, int callId, int callSerialNumber, Listener listener) {
        this.control = control;
        this.callId = callId;
        this.callSerialNumber = callSerialNumber;
        this.listener = Objects.requireNonNull(listener, "listener");
    }

    /** Our call ID: the key of every GRE packet the PAC sends for this call (§4.1). */
    public int callId() {
        return callId;
    }

    /** The PAC's call ID from the Outgoing-Call-Reply: the key of our GRE packets; -1 until connected. */
    public int peerCallId() {
        return reply == null ? -1 : reply.callId();
    }

    public int callSerialNumber() {
        return callSerialNumber;
    }

    /** The Connected Outgoing-Call-Reply, or null before it. */
    public OutgoingCallReply reply() {
        return reply;
    }

    public PnsCallState state() {
        return state;
    }

    public PnsControlHandler control() {
        return control;
    }

    /** Sends a Call-Clear-Request (§2.11); the call ends at the PAC's Call-Disconnect-Notify. */
    public void clear() {
        control.clearCall(this);
    }

    Listener listener() {
        return listener;
    }

    void connected(OutgoingCallReply reply) {
        this.reply = reply;
        this.state = PnsCallState.ESTABLISHED;
    }

    void state(PnsCallState state) {
        this.state = state;
    }

    void cancelTimer() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    @Override
    public String toString() {
        return "PnsCall[callId=" + callId + ", peerCallId=" + peerCallId() + ", " + state + "]";
    }
}
