package net.pptpgw.client.control;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.collection.IntObjectHashMap;
import io.netty.util.collection.IntObjectMap;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.ArrayList;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import net.pptpgw.protocol.MalformedPacketException;
import net.pptpgw.protocol.pptp.BearerCapabilities;
import net.pptpgw.protocol.pptp.BearerType;
import net.pptpgw.protocol.pptp.CallClearRequest;
import net.pptpgw.protocol.pptp.CallDisconnectNotify;
import net.pptpgw.protocol.pptp.ControlMessage;
import net.pptpgw.protocol.pptp.EchoReply;
import net.pptpgw.protocol.pptp.EchoRequest;
import net.pptpgw.protocol.pptp.EchoResult;
import net.pptpgw.protocol.pptp.FramingCapabilities;
import net.pptpgw.protocol.pptp.FramingType;
import net.pptpgw.protocol.pptp.GeneralErrorCode;
import net.pptpgw.protocol.pptp.OutgoingCallReply;
import net.pptpgw.protocol.pptp.OutgoingCallRequest;
import net.pptpgw.protocol.pptp.OutgoingCallResult;
import net.pptpgw.protocol.pptp.SetLinkInfo;
import net.pptpgw.protocol.pptp.StartControlConnectionReply;
import net.pptpgw.protocol.pptp.StartControlConnectionRequest;
import net.pptpgw.protocol.pptp.StartControlConnectionResult;
import net.pptpgw.protocol.pptp.StopControlConnectionReason;
import net.pptpgw.protocol.pptp.StopControlConnectionReply;
import net.pptpgw.protocol.pptp.StopControlConnectionRequest;
import net.pptpgw.protocol.pptp.StopControlConnectionResult;
import net.pptpgw.protocol.pptp.WanErrorNotify;

/**
 * The PNS end of one PPTP control connection (RFC 2637 §3.1.2, §3.2.2), after
 * {@code PptpControlDecoder} and {@code PptpControlEncoder} in the pipeline.
 *
 * <p>On connect it sends a Start-Control-Connection-Request and waits for the Reply; once that
 * says Successful, {@link #placeCall} sends Outgoing-Call-Requests (several per connection, as
 * §1.3 allows) and each Reply connects or refuses its call. A connected call gets a
 * Set-Link-Info with the ACCMs a synchronous PPTP link uses. Echo-Requests are answered;
 * Call-Disconnect-Notify and Stop-Control-Connection-Request from the PAC end calls and the
 * connection. When an {@code IdleStateHandler} before it reports the PAC silent for a reader-idle
 * interval, an Echo-Request goes out (§2.4); a second silent interval closes the connection. {@link PnsCall#clear} and {@link #stop} end them from our side and wait, bounded
 * by {@link PnsControlConfig#replyTimeout()}, for the PAC's answer.
 *
 * <p>Everything runs on the channel's event loop; {@link #placeCall} and {@link #stop} must be
 * called there.
 */
public final class PnsControlHandler extends ChannelInboundHandlerAdapter {

    /** Told about the connection, on its event loop. Must not block. */
    public interface Listener {

        /** The Start-Control-Connection-Reply said Successful: {@link #placeCall} works from here. */
        void started(PnsControlHandler control, StartControlConnectionReply reply);

        /** The connection is closed; every call on it has ended before this. Called once. */
        void closed(PnsControlHandler control, ControlEnd end);
    }

    /**
     * ACCMs for Set-Link-Info: PPTP carries PPP over GRE synchronously, so no character needs
     * escaping in either direction (§2.15; pptp sends the same).
     */
    static final int SYNCHRONOUS_ACCM = 0;

    private final PnsControlConfig config;
    private final CallIdAllocator callIds;
    private final Listener listener;
    /** Our calls by our call ID, and by the PAC's once connected (a Call-Disconnect-Notify names the PAC's). */
    private final IntObjectMap<PnsCall> calls = new IntObjectHashMap<>(4);
    private final IntObjectMap<PnsCall> callsByPeerCallId = new IntObjectHashMap<>(4);
    private ChannelHandlerContext ctx;
    private PnsControlState state = PnsControlState.IDLE;
    private ScheduledFuture<?> timer;
    private ControlEnd end;
    private int nextSerialNumber;
    private StartControlConnectionReply startReply;
    private long nextEchoIdentifier;
    private boolean echoOutstanding;

    public PnsControlHandler(PnsControlConfig config, CallIdAllocator callIds, Listener listener) {
        this.config = Objects.requireNonNull(config, "config");
        this.callIds = Objects.requireNonNull(callIds, "callIds");
        this.listener = Objects.requireNonNull(listener, "listener");
    }

    public PnsControlState state() {
        return state;
    }

    /** The PAC's Successful Start-Control-Connection-Reply, or null before it. */
    public StartControlConnectionReply startReply() {
        return startReply;
    }

    /** Calls not yet ended on this connection. */
    public int calls() {
        return calls.size();
    }

    public ChannelHandlerContext context() {
        return ctx;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
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
        if (state != PnsControlState.IDLE) {
            return;
        }
        // §2.1: a PNS sets Maximum Channels to 0; the PAC ignores it.
        send(new StartControlConnectionRequest(StartControlConnectionRequest.PROTOCOL_VERSION_1_0,
                FramingCapabilities.ASYNCHRONOUS, BearerCapabilities.BOTH, 0, config.firmwareRevision(),
                config.hostName(), config.vendorString()));
        state = PnsControlState.WAIT_CTL_REPLY;
        timer = schedule(() -> fail(ControlEnd.of(ControlEnd.REPLY_TIMEOUT,
                "no Start-Control-Connection-Reply within " + config.replyTimeout())));
    }

    /**
     * Sends an Outgoing-Call-Request (§2.7) with a fresh call ID of ours. The listener hears
     * {@link PnsCall.Listener#connected} or {@link PnsCall.Listener#ended} (refused, no reply,
     * no call ID left, or the connection went away).
     *
     * @throws IllegalStateException off the event loop or before the connection is established
     */
    public PnsCall placeCall(PnsCall.Listener callListener) {
        requireLoop();
        if (state != PnsControlState.ESTABLISHED) {
            throw new IllegalStateException("calls are placed on an established control connection, this one is "
                    + state);
        }
        int callId = callIds.allocate();
        int serial = nextSerialNumber;
        nextSerialNumber = (nextSerialNumber + 1) & 0xFFFF;
        PnsCall call = new PnsCall(this, callId, serial, callListener);
        if (callId < 0) {
            call.state(PnsCallState.ENDED);
            callListener.ended(call, CallEnd.of("no-call-id", "all 65536 call IDs of this client are in use"));
            return call;
        }
        calls.put(callId, call);
        callListener.placing(call);
        send(new OutgoingCallRequest(callId, serial, 300, config.maximumBps(), BearerType.ANY, FramingType.ANY,
                config.receiveWindowSize(), 0, 0, "", ""));
        call.timer = schedule(() -> endCall(call, CallEnd.of(CallEnd.REPLY_TIMEOUT,
                "no Outgoing-Call-Reply within " + config.replyTimeout())));
        return call;
    }

    void clearCall(PnsCall call) {
        if (!ctx.executor().inEventLoop()) {
            ctx.executor().execute(() -> clearCall(call));
            return;
        }
        switch (call.state()) {
            case WAIT_REPLY, ESTABLISHED -> {
                // §2.11: the Call ID is ours; the PAC answers with a Call-Disconnect-Notify.
                send(new CallClearRequest(call.callId()));
                call.state(PnsCallState.WAIT_DISCONNECT);
                call.cancelTimer();
                call.timer = schedule(() -> endCall(call, CallEnd.of(CallEnd.DISCONNECT_TIMEOUT,
                        "no Call-Disconnect-Notify within " + config.replyTimeout())));
            }
            case WAIT_DISCONNECT, ENDED -> { }
        }
    }

    /**
     * Sends a Stop-Control-Connection-Request (§2.3), which clears every call on the connection,
     * and closes TCP at the Reply or after the reply timeout. Before the connection is
     * established it just closes. Safe from any thread.
     */
    public void stop() {
        if (!ctx.executor().inEventLoop()) {
            ctx.executor().execute(this::stop);
            return;
        }
        switch (state) {
            case IDLE, WAIT_CTL_REPLY -> fail(ControlEnd.of(ControlEnd.STOPPED, "stopped before it was established"));
            case ESTABLISHED -> {
                send(new StopControlConnectionRequest(StopControlConnectionReason.NONE));
                state = PnsControlState.WAIT_STOP_REPLY;
                cancelTimer();
                timer = schedule(() -> fail(ControlEnd.of(ControlEnd.STOPPED,
                        "no Stop-Control-Connection-Reply within " + config.replyTimeout() + "; closed anyway")));
            }
            case WAIT_STOP_REPLY, CLOSED -> { }
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ControlMessage message)) {
            ctx.fireChannelRead(msg);
            return;
        }
        echoOutstanding = false; // anything from the PAC shows it is alive
        switch (message) {
            case StartControlConnectionReply reply -> startReply(reply);
            case EchoRequest request -> send(new EchoReply(request.identifier(), EchoResult.OK, GeneralErrorCode.NONE));
            case EchoReply ignored -> { } // we send no Echo-Requests: the PAC keeps the connection alive
            case OutgoingCallReply reply -> outgoingCallReply(reply);
            case CallDisconnectNotify notify -> callDisconnectNotify(notify);
            case SetLinkInfo info -> setLinkInfo(info);
            case WanErrorNotify ignored -> { } // counters of a dial-up line; nothing for us to act on
            case StopControlConnectionRequest request -> peerStop(request);
            case StopControlConnectionReply reply -> {
                if (state == PnsControlState.WAIT_STOP_REPLY) {
                    fail(ControlEnd.of(ControlEnd.STOPPED, "Stop-Control-Connection-Reply " + reply.resultCode()));
                }
            }
            // Incoming-Call-* (§2.9-2.11) run the other way: a PAC offers a call to a PNS that
            // has said it takes them. We never do, so such a message is a PAC error; §3 says to
            // ignore messages that are not valid in the current state.
            default -> { }
        }
    }

    private void startReply(StartControlConnectionReply reply) {
        if (state != PnsControlState.WAIT_CTL_REPLY) {
            return;
        }
        cancelTimer();
        if (!reply.resultCode().equals(StartControlConnectionResult.SUCCESSFUL)) {
            fail(new ControlEnd(ControlEnd.CONTROL_REFUSED, "Start-Control-Connection-Reply " + reply.resultCode()
                    + ", error " + reply.errorCode(), reply));
            return;
        }
        state = PnsControlState.ESTABLISHED;
        startReply = reply;
        listener.started(this, reply);
    }

    private void outgoingCallReply(OutgoingCallReply reply) {
        // §2.8: the Reply's Peer's Call ID is the call ID of our Request.
        PnsCall call = calls.get(reply.peerCallId());
        if (call == null || call.state() != PnsCallState.WAIT_REPLY) {
            return;
        }
        call.cancelTimer();
        if (!reply.resultCode().equals(OutgoingCallResult.CONNECTED)) {
            endCall(call, new CallEnd(CallEnd.REFUSED, "Outgoing-Call-Reply " + reply.resultCode() + ", error "
                    + reply.errorCode() + ", cause " + reply.causeCode(), reply));
            return;
        }
        call.connected(reply);
        callsByPeerCallId.put(reply.callId(), call);
        // §2.15: Set-Link-Info names the PAC's call ID.
        send(new SetLinkInfo(reply.callId(), SYNCHRONOUS_ACCM, SYNCHRONOUS_ACCM));
        call.listener().connected(call, reply);
    }

    private void callDisconnectNotify(CallDisconnectNotify notify) {
        // §2.13: a Call-Disconnect-Notify carries the PAC's call ID.
        PnsCall call = callsByPeerCallId.get(notify.callId());
        if (call != null) {
            String reason = call.state() == PnsCallState.WAIT_DISCONNECT ? CallEnd.CLEARED
                    : CallEnd.CALL_DISCONNECT_NOTIFY;
            endCall(call, CallEnd.of(reason, "Call-Disconnect-Notify " + notify.resultCode() + ", error "
                    + notify.errorCode() + ", cause " + notify.causeCode()));
        }
    }

    private void setLinkInfo(SetLinkInfo info) {
        // §2.15: sent by the PNS to the PAC, but some PACs echo one back; it names our call ID.
        PnsCall call = calls.get(info.peerCallId());
        if (call != null && call.state() == PnsCallState.ESTABLISHED) {
            call.listener().setLinkInfo(call, info);
        }
    }

    private void peerStop(StopControlConnectionRequest request) {
        cancelTimer();
        endAllCalls(CallEnd.of(CallEnd.CONTROL_STOPPED, "Stop-Control-Connection-Request " + request.reason()));
        end = ControlEnd.of(ControlEnd.PEER_STOPPED, "Stop-Control-Connection-Request " + request.reason());
        state = PnsControlState.CLOSED;
        ctx.writeAndFlush(new StopControlConnectionReply(StopControlConnectionResult.OK, GeneralErrorCode.NONE))
                .addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (!(event instanceof IdleStateEvent idle) || idle.state() != IdleState.READER_IDLE) {
            ctx.fireUserEventTriggered(event);
            return;
        }
        if (state != PnsControlState.ESTABLISHED) {
            return; // the reply timers bound the other states
        }
        if (echoOutstanding) {
            fail(ControlEnd.of(ControlEnd.ECHO_TIMEOUT, "no answer to Echo-Request " + (nextEchoIdentifier - 1)));
            return;
        }
        echoOutstanding = true;
        send(new EchoRequest(nextEchoIdentifier));
        nextEchoIdentifier = (nextEchoIdentifier + 1) & 0xFFFFFFFFL;
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof MalformedPacketException e) {
            fail(ControlEnd.of(ControlEnd.MALFORMED, e.getMessage()));
        } else {
            fail(ControlEnd.of(ControlEnd.CONNECTION_LOST, String.valueOf(cause)));
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        cancelTimer();
        state = PnsControlState.CLOSED;
        ControlEnd ended = end != null ? end : ControlEnd.of(ControlEnd.CONNECTION_LOST, "the PAC closed TCP");
        end = ended;
        String callReason = ended.reason().equals(ControlEnd.STOPPED) || ended.reason().equals(ControlEnd.PEER_STOPPED)
                ? CallEnd.CONTROL_STOPPED : CallEnd.CONTROL_CLOSED;
        endAllCalls(CallEnd.of(callReason, "control connection ended: " + ended.reason()));
        listener.closed(this, ended);
        ctx.fireChannelInactive();
    }

    /** Ends the connection for {@code why}; channelInactive reports it. */
    private void fail(ControlEnd why) {
        if (end == null) {
            end = why;
        }
        cancelTimer();
        state = PnsControlState.CLOSED;
        ctx.close();
    }

    private void endAllCalls(CallEnd why) {
        for (PnsCall call : new ArrayList<>(calls.values())) {
            endCall(call, why);
        }
    }

    private void endCall(PnsCall call, CallEnd why) {
        if (call.state() == PnsCallState.ENDED) {
            return;
        }
        call.cancelTimer();
        call.state(PnsCallState.ENDED);
        calls.remove(call.callId());
        if (call.peerCallId() >= 0) {
            callsByPeerCallId.remove(call.peerCallId());
        }
        callIds.release(call.callId());
        call.listener().ended(call, why);
    }

    private void send(ControlMessage message) {
        ctx.writeAndFlush(message, ctx.voidPromise());
    }

    private ScheduledFuture<?> schedule(Runnable task) {
        return ctx.executor().schedule(task, config.replyTimeout().toNanos(), TimeUnit.NANOSECONDS);
    }

    private void cancelTimer() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    private void requireLoop() {
        if (ctx == null || !ctx.executor().inEventLoop()) {
            throw new IllegalStateException("call on the control connection's event loop");
        }
    }
}
