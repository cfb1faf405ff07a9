package net.pptpgw.concentrator.control;

import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ScheduledFuture;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import net.pptpgw.concentrator.call.Call;
import net.pptpgw.concentrator.call.CallClearCause;
import net.pptpgw.concentrator.call.CallTable;
import net.pptpgw.protocol.MalformedPacketException;
import net.pptpgw.protocol.pptp.BearerCapabilities;
import net.pptpgw.protocol.pptp.CallClearRequest;
import net.pptpgw.protocol.pptp.CallDisconnectNotify;
import net.pptpgw.protocol.pptp.CallDisconnectResult;
import net.pptpgw.protocol.pptp.ControlMessage;
import net.pptpgw.protocol.pptp.EchoReply;
import net.pptpgw.protocol.pptp.EchoRequest;
import net.pptpgw.protocol.pptp.EchoResult;
import net.pptpgw.protocol.pptp.FramingCapabilities;
import net.pptpgw.protocol.pptp.GeneralErrorCode;
import net.pptpgw.protocol.pptp.IncomingCallReply;
import net.pptpgw.protocol.pptp.IncomingCallRequest;
import net.pptpgw.protocol.pptp.IncomingCallResult;
import net.pptpgw.protocol.pptp.OutgoingCallReply;
import net.pptpgw.protocol.pptp.OutgoingCallRequest;
import net.pptpgw.protocol.pptp.OutgoingCallResult;
import net.pptpgw.protocol.pptp.PptpControlDecoder;
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
 * One control connection, PAC side (RFC 2637 §3.1.2 "control connection receiver"): the state
 * machine of {@link ControlConnectionState}, the calls placed on it, its keep-alive and its
 * teardown. Lives on the connection's event loop; nothing here is shared but {@link ControlPlane}.
 *
 * <p>What it answers, by state:
 * <ul>
 *   <li>idle: Start-Control-Connection-Request with version 1.0 or later: Reply Successful and
 *       established (§3.1.2 answers a later version with ours); an earlier version: Reply
 *       "Unsupported Version", close. Anything else: there is no control connection yet
 *       (§2.16 Not-Connected): an Outgoing-Call-Request or Echo-Request is answered with that
 *       error, then the connection is closed.
 *   <li>established: Echo, Outgoing-Call (a fresh call ID), Call-Clear (Call-Disconnect-Notify),
 *       Set-Link-Info, WAN-Error-Notify, Stop-Control-Connection (Reply, close); a second
 *       Start-Control-Connection-Request: Reply "Command Channel Exists" (§2.2), close; an
 *       Incoming-Call-Request, which a PAC sends rather than receives: Reply "Do Not Accept"
 *       (§2.10); replies nobody asked for are counted and ignored.
 *   <li>wait-stop-reply: the Stop-Control-Connection-Reply closes the connection.
 * </ul>
 *
 * <p>Malformed input (the decoder's {@link MalformedPacketException}) ends the connection, as
 * §1.4 and §3.0 require, with the error code of §2.16 that names the fault: in idle a
 * Start-Control-Connection-Reply "General Error", since that is the reply the peer waits for;
 * once established a Call-Disconnect-Notify "General Error" for each call and a
 * Stop-Control-Connection-Request "None". The connection is then closed without waiting for the
 * Stop-Control-Connection-Reply: after a framing error the decoder cannot read it (§1.4: "loss
 * of synchronization must result in immediate closing").
 */
public final class ControlConnectionHandler extends SimpleChannelInboundHandler<ControlMessage> {

    private static final System.Logger LOG = System.getLogger(ControlConnectionHandler.class.getName());

    private final ControlPlane plane;
    private final Map<Integer, Call> callsByPeerCallId = new HashMap<>();
    private ControlConnectionState state;
    private ChannelHandlerContext ctx;
    private InetSocketAddress peer;
    private boolean holdsEstablishedSlot;
    /** Octets of the messages decoded so far; see {@link ReceivedOctets}. */
    private long decodedOctets;
    private ScheduledFuture<?> timer;
    private long echoIdentifier;
    private boolean echoOutstanding;

    public ControlConnectionHandler(ControlPlane plane) {
        this.plane = plane;
    }

    /** The state now; {@code null} before the connection became active. For tests and diagnostics. */
    public ControlConnectionState state() {
        return state;
    }

    /** The calls on this connection now (a copy). Call on the event loop. */
    public List<Call> calls() {
        return new ArrayList<>(callsByPeerCallId.values());
    }

    // ---------------------------------------------------------------- lifecycle

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        this.peer = (InetSocketAddress) ctx.channel().remoteAddress();
        this.echoIdentifier = plane.random().nextInt() & 0xFFFF_FFFFL;
        transition(ControlConnectionState.IDLE);
        io.netty.channel.Channel evicted = plane.halfOpen().admit(ctx.channel());
        if (evicted != null) {
            plane.metrics().connectionRefused("half-open-evicted");
            LOG.log(Level.DEBUG, () -> "pptp control " + evicted.remoteAddress()
                    + ": closed, pushed out of the half-open budget by " + describePeer());
            evicted.close();
        }
        timer = ctx.executor().schedule(this::halfOpenTimeout,
                plane.config().halfOpenTimeout().toNanos(), TimeUnit.NANOSECONDS);
        ctx.fireChannelActive();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        reportUnfinishedMessage(ctx);
        plane.halfOpen().remove(ctx.channel());
        cancelTimer();
        releaseAllCalls(CallClearCause.CONNECTION_LOST);
        if (holdsEstablishedSlot) {
            holdsEstablishedSlot = false;
            plane.establishedEnded();
        }
        transition(ControlConnectionState.CLOSED);
        ctx.fireChannelInactive();
    }

    /**
     * A peer that closes TCP in the middle of a message leaves octets the decoder never framed;
     * it drops them without a word, so they are counted and logged here as malformed "truncated".
     */
    private void reportUnfinishedMessage(ChannelHandlerContext ctx) {
        ReceivedOctets received = ctx.pipeline().get(ReceivedOctets.class);
        PptpControlDecoder decoder = ctx.pipeline().get(PptpControlDecoder.class);
        if (received == null || decoder == null || decoder.failed() || received.octets() <= decodedOctets) {
            return;
        }
        long unfinished = received.octets() - decodedOctets;
        plane.metrics().malformed("truncated");
        LOG.log(Level.INFO, () -> "pptp control " + describePeer() + ": closed by the peer " + unfinished
                + " octets into an unfinished message (state " + state.tag() + ")");
    }

    private void halfOpenTimeout() {
        if (state == ControlConnectionState.IDLE) {
            plane.metrics().connectionRefused("half-open-timeout");
            LOG.log(Level.DEBUG, () -> "pptp control " + describePeer() + ": no Start-Control-Connection-Request within "
                    + plane.config().halfOpenTimeout().toSeconds() + " s, closing");
            close();
        }
    }

    // ---------------------------------------------------------------- messages

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, ControlMessage message) {
        plane.metrics().received(message.type());
        decodedOctets += message.type().length();
        // Any message shows the peer is alive: the Echo-Request is for silence only (§2.4).
        echoOutstanding = false;
        switch (state) {
            case IDLE -> idle(message);
            case ESTABLISHED -> established(message);
            case WAIT_STOP_REPLY -> waitStopReply(message);
            case CLOSED -> { } // a close is under way; late messages change nothing
        }
    }

    private void idle(ControlMessage message) {
        switch (message) {
            case StartControlConnectionRequest request -> startControlConnection(request);
            case OutgoingCallRequest request -> {
                notConnected(message);
                sendAndClose(new OutgoingCallReply(0, request.callId(), OutgoingCallResult.GENERAL_ERROR,
                        GeneralErrorCode.NOT_CONNECTED, 0, 0, 0, 0, 0));
            }
            case EchoRequest request -> {
                notConnected(message);
                sendAndClose(new EchoReply(request.identifier(), EchoResult.GENERAL_ERROR, GeneralErrorCode.NOT_CONNECTED));
            }
            default -> {
                notConnected(message);
                close();
            }
        }
    }

    private void notConnected(ControlMessage message) {
        plane.metrics().protocolError("not-connected");
        LOG.log(Level.INFO, () -> "pptp control " + describePeer() + ": " + message.type()
                + " before Start-Control-Connection-Request (Not-Connected), closing");
    }

    private void startControlConnection(StartControlConnectionRequest request) {
        // §3.1.2: a version earlier than ours that we cannot support gets a reply and a close;
        // the same or a later version gets our version. 1.0 is the only version there is.
        if (request.protocolVersion() < StartControlConnectionRequest.PROTOCOL_VERSION_1_0) {
            plane.metrics().connectionRefused("unsupported-version");
            LOG.log(Level.INFO, () -> "pptp control " + describePeer() + ": protocol version 0x"
                    + Integer.toHexString(request.protocolVersion()) + " is not supported, closing");
            sendAndClose(startReply(StartControlConnectionResult.UNSUPPORTED_VERSION, GeneralErrorCode.NONE));
            return;
        }
        if (!plane.tryEstablish()) {
            plane.metrics().connectionRefused("max-control-connections");
            LOG.log(Level.INFO, () -> "pptp control " + describePeer() + ": " + plane.config().maxControlConnections()
                    + " control connections are established already, refusing (No-Resource)");
            sendAndClose(startReply(StartControlConnectionResult.GENERAL_ERROR, GeneralErrorCode.NO_RESOURCE));
            return;
        }
        holdsEstablishedSlot = true;
        plane.halfOpen().remove(ctx.channel());
        cancelTimer();
        send(startReply(StartControlConnectionResult.SUCCESSFUL, GeneralErrorCode.NONE));
        transition(ControlConnectionState.ESTABLISHED);
        LOG.log(Level.DEBUG, () -> "pptp control " + describePeer() + ": established with \"" + request.hostName()
                + "\" (" + request.vendorString() + ")");
    }

    private StartControlConnectionReply startReply(StartControlConnectionResult result, GeneralErrorCode error) {
        var config = plane.config();
        return new StartControlConnectionReply(StartControlConnectionRequest.PROTOCOL_VERSION_1_0, result, error,
                FramingCapabilities.BOTH, BearerCapabilities.BOTH, Math.min(config.maxCalls(), 0xFFFF),
                config.firmwareRevision(), config.hostName(), config.vendorString());
    }

    private void established(ControlMessage message) {
        switch (message) {
            case EchoRequest request -> send(new EchoReply(request.identifier(), EchoResult.OK, GeneralErrorCode.NONE));
            case EchoReply reply -> { } // liveness already noted
            case OutgoingCallRequest request -> outgoingCall(request);
            case CallClearRequest request -> callClear(request);
            case SetLinkInfo info -> setLinkInfo(info);
            case WanErrorNotify notify -> wanError(notify);
            case StopControlConnectionRequest request -> {
                LOG.log(Level.DEBUG, () -> "pptp control " + describePeer() + ": peer stops the control connection ("
                        + request.reason() + ")");
                releaseAllCalls(CallClearCause.STOP_CONTROL_CONNECTION);
                sendAndClose(new StopControlConnectionReply(StopControlConnectionResult.OK, GeneralErrorCode.NONE));
            }
            case StartControlConnectionRequest request -> {
                plane.metrics().protocolError("second-start-request");
                LOG.log(Level.INFO, () -> "pptp control " + describePeer()
                        + ": second Start-Control-Connection-Request (Command Channel Exists), closing");
                releaseAllCalls(CallClearCause.PROTOCOL_ERROR);
                sendAndClose(startReply(StartControlConnectionResult.CHANNEL_EXISTS, GeneralErrorCode.NONE));
            }
            case IncomingCallRequest request -> {
                // A PAC sends Incoming-Call-Requests and a PNS answers them (§2.9, §2.10). A peer
                // offering us one wants us in the PNS role, which this server does not play.
                plane.metrics().protocolError("incoming-call-request");
                LOG.log(Level.INFO, () -> "pptp control " + describePeer() + ": Incoming-Call-Request for call ID "
                        + request.callId() + " refused (Do Not Accept): this server is a PAC");
                send(new IncomingCallReply(0, request.callId(), IncomingCallResult.DO_NOT_ACCEPT, GeneralErrorCode.NONE,
                        0, 0));
            }
            default -> unexpected(message);
        }
    }

    private void waitStopReply(ControlMessage message) {
        switch (message) {
            case StopControlConnectionReply reply -> close();
            case StopControlConnectionRequest request ->
                // Both sides stopping at once: answer, and the connection is done either way.
                sendAndClose(new StopControlConnectionReply(StopControlConnectionResult.OK, GeneralErrorCode.NONE));
            case EchoRequest request -> send(new EchoReply(request.identifier(), EchoResult.OK, GeneralErrorCode.NONE));
            default -> { } // calls are gone; nothing else matters now
        }
    }

    private void unexpected(ControlMessage message) {
        String token = "unexpected-" + message.type().abbreviation().toLowerCase(java.util.Locale.ROOT);
        plane.metrics().protocolError(token);
        LOG.log(Level.DEBUG, () -> "pptp control " + describePeer() + ": ignoring unexpected " + message);
    }

    // ---------------------------------------------------------------- calls

    private void outgoingCall(OutgoingCallRequest request) {
        var config = plane.config();
        if (callsByPeerCallId.containsKey(request.callId())) {
            // The PNS's call ID names one call per control connection (§2.7).
            refuseCall(request, OutgoingCallResult.GENERAL_ERROR, GeneralErrorCode.BAD_CALL_ID, "duplicate-peer-call-id");
            return;
        }
        if (plane.shuttingDown()) {
            refuseCall(request, OutgoingCallResult.DO_NOT_ACCEPT, GeneralErrorCode.NONE, "shutting-down");
            return;
        }
        if (callsByPeerCallId.size() >= config.maxCallsPerConnection()) {
            // A limit the operator set per connection is an administrative prohibition (§2.8
            // result 7), not a lack of resources.
            refuseCall(request, OutgoingCallResult.DO_NOT_ACCEPT, GeneralErrorCode.NONE, "max-calls-per-connection");
            return;
        }
        // No dial side here: the link is as fast as the tunnel, which nobody knows in advance.
        // Like pptpd, report the fastest speed the PNS asked for.
        long connectSpeed = request.maximumBps();
        CallTable.Allocation allocation = plane.calls().allocate(callId -> new Call(callId, request.callId(),
                peer.getAddress(), ctx.channel(), request.callSerialNumber(), request.packetReceiveWindowSize(),
                request.packetProcessingDelay(), connectSpeed, plane.nanoClock().getAsLong()));
        switch (allocation) {
            case CallTable.Refused refused ->
                // Out of calls or call IDs: "insufficient resources to handle this command now"
                // (§2.16 No-Resource). Busy (result 4) would claim a busy signal on a dialled line.
                refuseCall(request, OutgoingCallResult.GENERAL_ERROR, GeneralErrorCode.NO_RESOURCE, refused.tag());
            case CallTable.Allocated(Call call) -> {
                String refusal = admit(call);
                if (refusal != null) {
                    plane.calls().release(call);
                    refuseCall(request, OutgoingCallResult.GENERAL_ERROR, GeneralErrorCode.NO_RESOURCE, refusal);
                    return;
                }
                callsByPeerCallId.put(request.callId(), call);
                send(new OutgoingCallReply(call.callId(), request.callId(), OutgoingCallResult.CONNECTED,
                        GeneralErrorCode.NONE, 0, connectSpeed, config.receiveWindowSize(),
                        config.packetProcessingDelay(), call.callId()));
                plane.metrics().callConnected();
                LOG.log(Level.DEBUG, () -> "pptp control " + describePeer() + ": call " + call.callId()
                        + " connected (peer call ID " + request.callId() + ")");
                try {
                    plane.listener().callEstablished(call);
                } catch (RuntimeException e) {
                    LOG.log(Level.WARNING, "call listener failed on call " + call.callId() + " established", e);
                }
            }
        }
    }

    private String admit(Call call) {
        try {
            return plane.listener().admitCall(call);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "call listener failed admitting call " + call.callId(), e);
            return "listener-failed";
        }
    }

    /**
     * Ends {@code call} from our side (RFC 2637 §2.13): a Call-Disconnect-Notify with
     * {@code result}, then the call is released as if the PNS had cleared it. What a PPP session
     * that ended calls, from any thread; nothing happens if the call is already gone.
     */
    public static void disconnect(Call call, CallDisconnectResult result, CallClearCause cause) {
        ControlConnectionHandler handler = call.controlChannel().pipeline().get(ControlConnectionHandler.class);
        if (handler == null || handler.ctx == null) {
            return; // the connection has closed: its calls were released with it
        }
        try {
            handler.ctx.executor().execute(() -> {
                if (handler.callsByPeerCallId.get(call.peerCallId()) != call) {
                    return;
                }
                // Released before the write: a write may run queued tasks (another disconnect of this call).
                handler.releaseCall(call, cause);
                handler.send(new CallDisconnectNotify(call.callId(), result, GeneralErrorCode.NONE, 0, ""));
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // The server is shutting down: its shutdown disconnects and releases every call itself.
        }
    }

    private void refuseCall(OutgoingCallRequest request, OutgoingCallResult result, GeneralErrorCode error, String reason) {
        plane.metrics().callRefused(reason);
        LOG.log(Level.INFO, () -> "pptp control " + describePeer() + ": Outgoing-Call-Request with call ID "
                + request.callId() + " refused: " + reason + " (" + result + ", " + error + ")");
        send(new OutgoingCallReply(0, request.callId(), result, error, 0, 0, 0, 0, 0));
    }

    private void callClear(CallClearRequest request) {
        Call call = callsByPeerCallId.get(request.callId());
        if (call == null) {
            // No call of ours to name in a Call-Disconnect-Notify; the call is gone anyway.
            plane.metrics().protocolError("unknown-call-id");
            LOG.log(Level.DEBUG, () -> "pptp control " + describePeer() + ": Call-Clear-Request for unknown peer call ID "
                    + request.callId());
            return;
        }
        send(new CallDisconnectNotify(call.callId(), CallDisconnectResult.REQUEST, GeneralErrorCode.NONE, 0, ""));
        releaseCall(call, CallClearCause.CALL_CLEAR_REQUEST);
    }

    private void setLinkInfo(SetLinkInfo info) {
        // §2.15: the Peer's Call ID is the receiver's, so ours; only calls of this connection.
        Call call = plane.calls().find(info.peerCallId());
        if (call == null || call.controlChannel() != ctx.channel()) {
            plane.metrics().protocolError("unknown-call-id");
            LOG.log(Level.DEBUG, () -> "pptp control " + describePeer() + ": Set-Link-Info for unknown call ID "
                    + info.peerCallId());
            return;
        }
        call.setLinkInfo(info.sendAccm(), info.receiveAccm());
    }

    private void wanError(WanErrorNotify notify) {
        plane.metrics().wanErrorNotify();
        LOG.log(Level.INFO, () -> "pptp control " + describePeer() + ": WAN-Error-Notify for call ID "
                + notify.peerCallId() + ": CRC " + notify.crcErrors() + ", framing " + notify.framingErrors()
                + ", hardware overruns " + notify.hardwareOverruns() + ", buffer overruns " + notify.bufferOverruns()
                + ", time-outs " + notify.timeoutErrors() + ", alignment " + notify.alignmentErrors());
    }

    private void releaseCall(Call call, CallClearCause cause) {
        callsByPeerCallId.remove(call.peerCallId());
        if (plane.calls().release(call)) {
            plane.metrics().callCleared(cause.tag());
            try {
                plane.listener().callCleared(call, cause);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "call listener failed on call " + call.callId() + " cleared", e);
            }
        }
    }

    private void releaseAllCalls(CallClearCause cause) {
        for (Call call : calls()) {
            releaseCall(call, cause);
        }
    }

    // ---------------------------------------------------------------- keep-alive

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event instanceof IdleStateEvent idle && idle.state() == IdleState.READER_IDLE) {
            readerIdle();
        }
        ctx.fireUserEventTriggered(event);
    }

    /**
     * §2.4: after a quiet echo interval we send an Echo-Request; if the next interval passes with
     * nothing from the peer, the reply did not come in time (§3.0) and the connection is closed.
     * Idle and wait-stop-reply have their own timers.
     */
    private void readerIdle() {
        if (state != ControlConnectionState.ESTABLISHED) {
            return;
        }
        if (echoOutstanding) {
            plane.metrics().echoTimeout();
            LOG.log(Level.INFO, () -> "pptp control " + describePeer() + ": no Echo-Reply within "
                    + plane.config().echoInterval().toSeconds() + " s, closing");
            releaseAllCalls(CallClearCause.ECHO_TIMEOUT);
            close();
            return;
        }
        echoIdentifier = (echoIdentifier + 1) & 0xFFFF_FFFFL;
        echoOutstanding = true;
        send(new EchoRequest(echoIdentifier));
    }

    // ---------------------------------------------------------------- errors

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (state == null || !(cause instanceof MalformedPacketException malformed)) {
            LOG.log(Level.DEBUG, () -> "pptp control " + describePeer() + ": " + cause + ", closing");
            close();
            return;
        }
        plane.metrics().malformed(malformed.reason());
        LOG.log(Level.INFO, () -> "pptp control " + describePeer() + ": malformed message in state " + state.tag()
                + " (" + malformed.getMessage() + "), closing");
        GeneralErrorCode error = errorCodeFor(malformed);
        switch (state) {
            case IDLE -> sendAndClose(startReply(StartControlConnectionResult.GENERAL_ERROR, error));
            case ESTABLISHED -> {
                for (Call call : calls()) {
                    send(new CallDisconnectNotify(call.callId(), CallDisconnectResult.GENERAL_ERROR, error, 0, ""));
                    releaseCall(call, CallClearCause.PROTOCOL_ERROR);
                }
                sendAndClose(new StopControlConnectionRequest(StopControlConnectionReason.NONE));
            }
            case WAIT_STOP_REPLY -> close();
            case CLOSED -> { }
        }
    }

    /**
     * §2.16: Bad-Format is "Length is wrong or Magic Cookie value is incorrect"; Bad-Value is
     * "one of the field values was out of range" (a message type or PPTP message type that does
     * not exist).
     */
    static GeneralErrorCode errorCodeFor(MalformedPacketException malformed) {
        return switch (malformed.reason()) {
            case "bad-length", "bad-magic-cookie" -> GeneralErrorCode.BAD_FORMAT;
            default -> GeneralErrorCode.BAD_VALUE;
        };
    }

    // ---------------------------------------------------------------- local stop

    /**
     * Ends this control connection from our side (§3.1.2 "local terminate"): a
     * Call-Disconnect-Notify for every call, a Stop-Control-Connection-Request with
     * {@code reason}, then wait-stop-reply until the reply or {@code timeout}. Safe from any
     * thread.
     *
     * @return the connection's close future
     */
    public Future<Void> stop(StopControlConnectionReason reason, CallDisconnectResult callResult, CallClearCause cause,
            Duration timeout) {
        ctx.executor().execute(() -> {
            switch (state) {
                case IDLE -> close();
                case ESTABLISHED -> {
                    for (Call call : calls()) {
                        send(new CallDisconnectNotify(call.callId(), callResult, GeneralErrorCode.NONE, 0, ""));
                        releaseCall(call, cause);
                    }
                    send(new StopControlConnectionRequest(reason));
                    transition(ControlConnectionState.WAIT_STOP_REPLY);
                    cancelTimer();
                    timer = ctx.executor().schedule(this::stopReplyTimeout, timeout.toNanos(), TimeUnit.NANOSECONDS);
                }
                case WAIT_STOP_REPLY, CLOSED -> { }
            }
        });
        return ctx.channel().closeFuture();
    }

    private void stopReplyTimeout() {
        if (state == ControlConnectionState.WAIT_STOP_REPLY) {
            plane.metrics().connectionRefused("stop-reply-timeout");
            LOG.log(Level.DEBUG, () -> "pptp control " + describePeer() + ": no Stop-Control-Connection-Reply, closing");
            close();
        }
    }

    // ---------------------------------------------------------------- plumbing

    private ChannelFuture send(ControlMessage message) {
        plane.metrics().sent(message.type());
        return ctx.writeAndFlush(message);
    }

    private void sendAndClose(ControlMessage message) {
        send(message).addListener(ChannelFutureListener.CLOSE);
        transition(ControlConnectionState.CLOSED);
    }

    private void close() {
        transition(ControlConnectionState.CLOSED);
        ctx.close();
    }

    private void transition(ControlConnectionState next) {
        if (state != next) {
            plane.metrics().stateChanged(state, next);
            state = next;
        }
    }

    private void cancelTimer() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    private String describePeer() {
        return peer == null ? "?" : peer.getAddress().getHostAddress() + ":" + peer.getPort();
    }
}
