package net.pptpgw.client.control;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.timeout.IdleStateEvent;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import net.pptpgw.protocol.pptp.BearerCapabilities;
import net.pptpgw.protocol.pptp.CallDisconnectNotify;
import net.pptpgw.protocol.pptp.CallDisconnectResult;
import net.pptpgw.protocol.pptp.ControlMessage;
import net.pptpgw.protocol.pptp.ControlMessages;
import net.pptpgw.protocol.pptp.EchoRequest;
import net.pptpgw.protocol.pptp.FramingCapabilities;
import net.pptpgw.protocol.pptp.GeneralErrorCode;
import net.pptpgw.protocol.pptp.OutgoingCallReply;
import net.pptpgw.protocol.pptp.OutgoingCallResult;
import net.pptpgw.protocol.pptp.PptpControlDecoder;
import net.pptpgw.protocol.pptp.PptpControlEncoder;
import net.pptpgw.protocol.pptp.StartControlConnectionReply;
import net.pptpgw.protocol.pptp.StartControlConnectionRequest;
import net.pptpgw.protocol.pptp.StartControlConnectionResult;
import net.pptpgw.protocol.pptp.StopControlConnectionReason;
import net.pptpgw.protocol.pptp.StopControlConnectionReply;
import net.pptpgw.protocol.pptp.StopControlConnectionRequest;
import net.pptpgw.protocol.pptp.StopControlConnectionResult;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The PNS control connection state machine on an {@link EmbeddedChannel}, with the codecs in
 * front: every message we send is checked octet by octet against RFC 2637's layouts (§2.1,
 * §2.3-2.5, §2.7, §2.11, §2.15), every answer of the PAC drives a state change.
 */
class PnsControlHandlerTest {

    private static final String COOKIE = "1a2b3c4d";

    private final List<String> events = new ArrayList<>();
    private final List<CallEnd> callEnds = new ArrayList<>();
    private final CallIdAllocator callIds = new CallIdAllocator();
    private EmbeddedChannel channel;
    private PnsControlHandler handler;
    private ControlEnd controlEnd;

    private final PnsControlHandler.Listener listener = new PnsControlHandler.Listener() {
        @Override
        public void started(PnsControlHandler control, StartControlConnectionReply reply) {
            events.add("started");
        }

        @Override
        public void closed(PnsControlHandler control, ControlEnd end) {
            events.add("closed " + end.reason());
            controlEnd = end;
        }
    };

    private final PnsCall.Listener callListener = new PnsCall.Listener() {
        @Override
        public void connected(PnsCall call, OutgoingCallReply reply) {
            events.add("connected " + call.callId() + "->" + call.peerCallId());
        }

        @Override
        public void ended(PnsCall call, CallEnd end) {
            events.add("ended " + call.callId() + " " + end.reason());
            callEnds.add(end);
        }
    };

    @BeforeEach
    void connect() {
        handler = new PnsControlHandler(PnsControlConfig.defaults().withReplyTimeout(Duration.ofSeconds(5)), callIds,
                listener);
        channel = new EmbeddedChannel(new PptpControlDecoder(), new PptpControlEncoder(), handler);
    }

    @Test
    void sendsStartControlConnectionRequestOnConnect() {
        // §2.1: length 156, control message type 1, version 1.0, framing async, bearer analog+digital,
        // Maximum Channels 0 from a PNS, firmware 1, host name and vendor in 64-octet fields.
        assertThat(sent()).isEqualTo("009c" + "0001" + COOKIE + "0001" + "0000" + "0100" + "0000"
                + "00000001" + "00000003" + "0000" + "0001" + text("pptp-gateway", 64) + text("pptp-gateway", 64));
        assertThat(handler.state()).isEqualTo(PnsControlState.WAIT_CTL_REPLY);
    }

    @Test
    void placesACallAndSendsSetLinkInfoWhenConnected() {
        establish();
        PnsCall call = handler.placeCall(callListener);
        // §2.7: call ID 0 (our first), serial 0, 300..100,000,000 bps, bearer and framing "any" (3),
        // receive window 256 (0x0100), processing delay 0, no phone number.
        assertThat(sent()).isEqualTo("00a8" + "0001" + COOKIE + "0007" + "0000" + "0000" + "0000" + "0000012c"
                + "05f5e100" + "00000003" + "00000003" + "0100" + "0000" + "0000" + "0000" + zeros(64) + zeros(64));
        assertThat(call.state()).isEqualTo(PnsCallState.WAIT_REPLY);

        receive(new OutgoingCallReply(0x4711, 0, OutgoingCallResult.CONNECTED, GeneralErrorCode.NONE, 0, 64000, 16,
                0, 0));
        assertThat(call.state()).isEqualTo(PnsCallState.ESTABLISHED);
        assertThat(call.peerCallId()).isEqualTo(0x4711);
        assertThat(events).containsExactly("started", "connected 0->18193");
        // §2.15: Set-Link-Info names the PAC's call ID; synchronous link, ACCMs 0.
        assertThat(sent()).isEqualTo("0018" + "0001" + COOKIE + "000f" + "0000" + "4711" + "0000" + "00000000"
                + "00000000");
    }

    @Test
    void theListenerHasTheCallIdBeforeTheOutgoingCallRequestLeaves() {
        // The PAC may answer and start LCP over GRE (read on another event loop) while placeCall
        // has not returned yet; what waits for that GRE must be set up before the request is written.
        establish();
        List<Object> outboundWhenPlacing = new ArrayList<>();
        PnsCall call = handler.placeCall(new PnsCall.Listener() {
            @Override
            public void placing(PnsCall placed) {
                events.add("placing " + placed.callId());
                outboundWhenPlacing.addAll(channel.outboundMessages());
            }

            @Override
            public void connected(PnsCall placed, OutgoingCallReply reply) {}

            @Override
            public void ended(PnsCall placed, CallEnd end) {}
        });
        assertThat(events).containsExactly("started", "placing " + call.callId());
        assertThat(outboundWhenPlacing).as("nothing written before the listener was told").isEmpty();
        assertThat(sent()).startsWith("00a8" + "0001" + COOKIE + "0007"); // then the Outgoing-Call-Request
    }

    @Test
    void answersEchoRequest() {
        establish();
        receive(new EchoRequest(0xCAFEBABEL));
        // §2.5: identifier echoed, result 1 (OK), error 0.
        assertThat(sent()).isEqualTo("0014" + "0001" + COOKIE + "0006" + "0000" + "cafebabe" + "01" + "00" + "0000");
    }

    @Test
    void aSilentPacGetsAnEchoRequestAndASecondSilenceEndsTheConnection() {
        establish();
        channel.pipeline().fireUserEventTriggered(IdleStateEvent.FIRST_READER_IDLE_STATE_EVENT);
        // §2.4: Echo-Request, identifier 0.
        assertThat(sent()).isEqualTo("0010" + "0001" + COOKIE + "0005" + "0000" + "00000000");
        // Any message from the PAC (here an Echo-Request of its own) shows it is alive.
        receive(new EchoRequest(1));
        sent();
        channel.pipeline().fireUserEventTriggered(IdleStateEvent.READER_IDLE_STATE_EVENT);
        assertThat(sent()).isEqualTo("0010" + "0001" + COOKIE + "0005" + "0000" + "00000001");
        channel.pipeline().fireUserEventTriggered(IdleStateEvent.READER_IDLE_STATE_EVENT);
        assertThat(channel.isOpen()).isFalse();
        assertThat(controlEnd.reason()).isEqualTo(ControlEnd.ECHO_TIMEOUT);
    }

    @Test
    void clearsACallAndEndsItAtTheCallDisconnectNotify() {
        PnsCall call = connectedCall(0x0102);
        call.clear();
        // §2.11: Call-Clear-Request with our call ID.
        assertThat(sent()).isEqualTo("0010" + "0001" + COOKIE + "000c" + "0000" + "0000" + "0000");
        assertThat(call.state()).isEqualTo(PnsCallState.WAIT_DISCONNECT);
        assertThat(callIds.inUse()).isEqualTo(1);

        receive(new CallDisconnectNotify(0x0102, CallDisconnectResult.REQUEST, GeneralErrorCode.NONE, 0, ""));
        assertThat(call.state()).isEqualTo(PnsCallState.ENDED);
        assertThat(callEnds).extracting(CallEnd::reason).containsExactly(CallEnd.CLEARED);
        assertThat(callIds.inUse()).isZero();
        assertThat(handler.calls()).isZero();
    }

    @Test
    void anUnsolicitedCallDisconnectNotifyEndsTheCall() {
        PnsCall call = connectedCall(7);
        receive(new CallDisconnectNotify(7, CallDisconnectResult.ADMIN_SHUTDOWN, GeneralErrorCode.NONE, 0, ""));
        assertThat(call.state()).isEqualTo(PnsCallState.ENDED);
        assertThat(callEnds).extracting(CallEnd::reason).containsExactly(CallEnd.CALL_DISCONNECT_NOTIFY);
        assertThat(callEnds.getFirst().detail()).contains("Admin Shutdown");
        // A Call-Disconnect-Notify for a call ID we do not know changes nothing.
        receive(new CallDisconnectNotify(8, CallDisconnectResult.REQUEST, GeneralErrorCode.NONE, 0, ""));
        assertThat(callEnds).hasSize(1);
    }

    @Test
    void aRefusedCallEndsWithTheResultCode() {
        establish();
        PnsCall call = handler.placeCall(callListener);
        sent();
        receive(new OutgoingCallReply(0, call.callId(), OutgoingCallResult.GENERAL_ERROR, GeneralErrorCode.NO_RESOURCE,
                0, 0, 0, 0, 0));
        assertThat(call.state()).isEqualTo(PnsCallState.ENDED);
        assertThat(callEnds).hasSize(1);
        assertThat(callEnds.getFirst().reason()).isEqualTo(CallEnd.REFUSED);
        assertThat(callEnds.getFirst().reply().resultCode()).isEqualTo(OutgoingCallResult.GENERAL_ERROR);
        assertThat(callEnds.getFirst().reply().errorCode()).isEqualTo(GeneralErrorCode.NO_RESOURCE);
        assertThat(callIds.inUse()).isZero();
        assertThat(channel.outboundMessages()).isEmpty();
        assertThat(channel.isOpen()).isTrue();
    }

    @Test
    void aRefusedControlConnectionCloses() {
        sent();
        receive(startReply(StartControlConnectionResult.NOT_AUTHORIZED));
        assertThat(channel.isOpen()).isFalse();
        assertThat(controlEnd.reason()).isEqualTo(ControlEnd.CONTROL_REFUSED);
        assertThat(controlEnd.refusal().resultCode()).isEqualTo(StartControlConnectionResult.NOT_AUTHORIZED);
        assertThat(events).containsExactly("closed control-refused");
    }

    @Test
    void stopSendsStopControlConnectionRequestAndClosesAtTheReply() {
        PnsCall call = connectedCall(3);
        handler.stop();
        // §2.3: reason 1 (None: general request to clear the control connection).
        assertThat(sent()).isEqualTo("0010" + "0001" + COOKIE + "0003" + "0000" + "01" + "00" + "0000");
        assertThat(handler.state()).isEqualTo(PnsControlState.WAIT_STOP_REPLY);
        assertThat(channel.isOpen()).isTrue();

        receive(new StopControlConnectionReply(StopControlConnectionResult.OK, GeneralErrorCode.NONE));
        assertThat(channel.isOpen()).isFalse();
        assertThat(controlEnd.reason()).isEqualTo(ControlEnd.STOPPED);
        // §2.3: the Stop clears every call on the connection.
        assertThat(call.state()).isEqualTo(PnsCallState.ENDED);
        assertThat(callEnds).extracting(CallEnd::reason).containsExactly(CallEnd.CONTROL_STOPPED);
        assertThat(callIds.inUse()).isZero();
    }

    @Test
    void thePacsStopIsAnsweredAndClosesTheConnection() {
        PnsCall call = connectedCall(9);
        receive(new StopControlConnectionRequest(StopControlConnectionReason.STOP_LOCAL_SHUTDOWN));
        // §2.4: result 1 (OK), error 0.
        assertThat(sent()).isEqualTo("0010" + "0001" + COOKIE + "0004" + "0000" + "01" + "00" + "0000");
        assertThat(channel.isOpen()).isFalse();
        assertThat(controlEnd.reason()).isEqualTo(ControlEnd.PEER_STOPPED);
        assertThat(call.state()).isEqualTo(PnsCallState.ENDED);
        assertThat(callEnds).extracting(CallEnd::reason).containsExactly(CallEnd.CONTROL_STOPPED);
    }

    @Test
    void noStartReplyTimesOut() {
        sent();
        channel.advanceTimeBy(6, TimeUnit.SECONDS);
        channel.runScheduledPendingTasks();
        assertThat(channel.isOpen()).isFalse();
        assertThat(controlEnd.reason()).isEqualTo(ControlEnd.REPLY_TIMEOUT);
    }

    @Test
    void noOutgoingCallReplyTimesOut() {
        establish();
        PnsCall call = handler.placeCall(callListener);
        channel.advanceTimeBy(6, TimeUnit.SECONDS);
        channel.runScheduledPendingTasks();
        assertThat(call.state()).isEqualTo(PnsCallState.ENDED);
        assertThat(callEnds).extracting(CallEnd::reason).containsExactly(CallEnd.REPLY_TIMEOUT);
        assertThat(callIds.inUse()).isZero();
        assertThat(channel.isOpen()).isTrue();
    }

    @Test
    void aBrokenStreamClosesAsMalformed() {
        sent();
        // A Start-Control-Connection-Reply header with a wrong magic cookie (§1.4: no resynchronisation).
        channel.writeInbound(Unpooled.wrappedBuffer(HexFormat.of().parseHex("009c00010badc0de00020000")));
        assertThat(channel.isOpen()).isFalse();
        assertThat(controlEnd.reason()).isEqualTo(ControlEnd.MALFORMED);
    }

    @Test
    void theConnectionLostEndsEveryCall() {
        PnsCall first = connectedCall(1);
        PnsCall second = handler.placeCall(callListener);
        sent();
        channel.close();
        assertThat(first.state()).isEqualTo(PnsCallState.ENDED);
        assertThat(second.state()).isEqualTo(PnsCallState.ENDED);
        assertThat(callEnds).extracting(CallEnd::reason).containsOnly(CallEnd.CONTROL_CLOSED);
        assertThat(controlEnd.reason()).isEqualTo(ControlEnd.CONNECTION_LOST);
        assertThat(callIds.inUse()).isZero();
    }

    @Test
    void callsBeforeTheConnectionIsEstablishedAreAProgrammingError() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> handler.placeCall(callListener))
                .isInstanceOf(IllegalStateException.class);
    }

    // ---- helpers ----

    private void establish() {
        sent();
        receive(startReply(StartControlConnectionResult.SUCCESSFUL));
        assertThat(handler.state()).isEqualTo(PnsControlState.ESTABLISHED);
    }

    private PnsCall connectedCall(int pacCallId) {
        establish();
        PnsCall call = handler.placeCall(callListener);
        sent();
        receive(new OutgoingCallReply(pacCallId, call.callId(), OutgoingCallResult.CONNECTED, GeneralErrorCode.NONE,
                0, 64000, 16, 0, 0));
        sent(); // Set-Link-Info
        return call;
    }

    private static StartControlConnectionReply startReply(StartControlConnectionResult result) {
        return new StartControlConnectionReply(StartControlConnectionRequest.PROTOCOL_VERSION_1_0, result,
                GeneralErrorCode.NONE, FramingCapabilities.BOTH, BearerCapabilities.BOTH, 1, 1, "pac", "test");
    }

    private void receive(ControlMessage message) {
        ByteBuf bytes = Unpooled.buffer();
        ControlMessages.encode(message, bytes);
        channel.writeInbound(bytes);
    }

    /** The one message sent since the last call, as hex. */
    private String sent() {
        ByteBuf out = channel.readOutbound();
        assertThat(out).as("a message was sent").isNotNull();
        try {
            return ByteBufUtil.hexDump(out);
        } finally {
            out.release();
            assertThat((Object) channel.readOutbound()).as("only one message").isNull();
        }
    }

    private static String text(String value, int size) {
        byte[] field = new byte[size];
        byte[] bytes = value.getBytes(StandardCharsets.ISO_8859_1);
        System.arraycopy(bytes, 0, field, 0, bytes.length);
        return HexFormat.of().formatHex(field);
    }

    private static String zeros(int size) {
        return "00".repeat(size);
    }
}
