package net.pptpgw.concentrator.control;

import static net.pptpgw.concentrator.control.TestPeers.FIRST_CALL_ID;
import static net.pptpgw.concentrator.control.TestPeers.field;
import static net.pptpgw.concentrator.control.TestPeers.hex;
import static net.pptpgw.concentrator.control.TestPeers.zeros;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import net.pptpgw.concentrator.ConcentratorConfig;
import net.pptpgw.concentrator.call.Call;
import net.pptpgw.concentrator.call.CallClearCause;
import net.pptpgw.concentrator.control.TestPeers.PeerChannel;
import net.pptpgw.protocol.pptp.BearerCapabilities;
import net.pptpgw.protocol.pptp.BearerType;
import net.pptpgw.protocol.pptp.CallClearRequest;
import net.pptpgw.protocol.pptp.CallDisconnectNotify;
import net.pptpgw.protocol.pptp.CallDisconnectResult;
import net.pptpgw.protocol.pptp.EchoReply;
import net.pptpgw.protocol.pptp.EchoRequest;
import net.pptpgw.protocol.pptp.EchoResult;
import net.pptpgw.protocol.pptp.FramingCapabilities;
import net.pptpgw.protocol.pptp.FramingType;
import net.pptpgw.protocol.pptp.GeneralErrorCode;
import net.pptpgw.protocol.pptp.IncomingCallConnected;
import net.pptpgw.protocol.pptp.IncomingCallRequest;
import net.pptpgw.protocol.pptp.OutgoingCallReply;
import net.pptpgw.protocol.pptp.OutgoingCallRequest;
import net.pptpgw.protocol.pptp.OutgoingCallResult;
import net.pptpgw.protocol.pptp.SetLinkInfo;
import net.pptpgw.protocol.pptp.StartControlConnectionRequest;
import net.pptpgw.protocol.pptp.StopControlConnectionReason;
import net.pptpgw.protocol.pptp.StopControlConnectionReply;
import net.pptpgw.protocol.pptp.StopControlConnectionRequest;
import net.pptpgw.protocol.pptp.StopControlConnectionResult;
import net.pptpgw.protocol.pptp.WanErrorNotify;
import org.junit.jupiter.api.Test;

/**
 * The PAC state machine on an {@link io.netty.channel.embedded.EmbeddedChannel}, message by
 * message: every reply is checked octet for octet against the layouts of RFC 2637 §2.
 */
class ControlConnectionHandlerTest {

    /** The 12-octet header of a control message of {@code length} octets and type {@code type} (§1.4). */
    private static String header(int length, int type) {
        return String.format("%04x 0001 1a2b3c4d %04x 0000 ", length, type);
    }

    /** What pptp-linux 1.10 sends first (captured; see the protocol module's RealPeerVectorsTest). */
    private static final byte[] PPTP_LINUX_SCCRQ = hex(header(156, 1),
            "0100 0000 00000003 00000003 ffff 0001", field("local", 64), field("cananian", 64));
    /** pptp-linux's Outgoing-Call-Request: call ID 0xc330, 2400..10,000,000 bps, any bearer and framing, window 3. */
    private static final byte[] PPTP_LINUX_OCRQ = hex(header(168, 7),
            "c330 0000 00000960 00989680 00000003 00000003 0003 0000 0000 0000", zeros(128));

    /** Our Start-Control-Connection-Reply with the defaults (§2.2). */
    private static String sccrp(String resultAndError) {
        return header(156, 2) + "0100 " + resultAndError
                + " 00000003 00000003" // framing: async + sync; bearer: analog + digital
                + " ea60 0001 " // maximum channels 60,000 (max calls); firmware revision 1
                + field("pptp-gateway", 64) + field("pptp-gateway", 64);
    }

    private final TestPeers peers = new TestPeers();

    private PeerChannel established() {
        PeerChannel peer = peers.connect("192.0.2.10").receive(PPTP_LINUX_SCCRQ);
        peer.sent();
        return peer;
    }

    private static OutgoingCallRequest ocrq(int callId) {
        return new OutgoingCallRequest(callId, 7, 2400, 10_000_000, BearerType.ANY, FramingType.ANY, 3, 0, 0, "", "");
    }

    private static String hexOf(String... parts) {
        return String.join("", parts).replace(" ", "");
    }

    // ---------------------------------------------------------------- start

    @Test
    void startRequestFromPptpLinuxGetsSuccessfulReplyWithOurCapabilities() {
        PeerChannel peer = peers.connect("192.0.2.10");
        assertThat(peer.handler().state()).isEqualTo(ControlConnectionState.IDLE);
        assertThat(peers.gauge("pptp.control.connections", "state", "idle")).isEqualTo(1);

        peer.receive(PPTP_LINUX_SCCRQ);

        assertThat(peer.sent()).isEqualTo(hexOf(sccrp("01 00")));
        assertThat(peer.handler().state()).isEqualTo(ControlConnectionState.ESTABLISHED);
        assertThat(peers.gauge("pptp.control.connections", "state", "idle")).isZero();
        assertThat(peers.gauge("pptp.control.connections", "state", "established")).isEqualTo(1);
        assertThat(peers.counter("pptp.control.messages", "type", "SCCRQ", "direction", "received")).isEqualTo(1);
        assertThat(peers.counter("pptp.control.messages", "type", "SCCRP", "direction", "sent")).isEqualTo(1);
        assertThat(peers.plane.halfOpen().size()).isZero();
    }

    @Test
    void laterVersionIsAnsweredWithOurs() {
        // §3.1.2: "If the receiver's version is the same as or earlier than the peer's, the
        // receiver SHOULD send a Start-Control-Connection-Reply with the receiver's version".
        PeerChannel peer = peers.connect("192.0.2.10").receive(new StartControlConnectionRequest(0x0201,
                FramingCapabilities.NONE, BearerCapabilities.NONE, 0, 0, "future", ""));
        assertThat(peer.sent()).isEqualTo(hexOf(sccrp("01 00")));
        assertThat(peer.handler().state()).isEqualTo(ControlConnectionState.ESTABLISHED);
    }

    @Test
    void earlierVersionGetsUnsupportedVersionAndClose() {
        PeerChannel peer = peers.connect("192.0.2.10").receive(new StartControlConnectionRequest(0x00ff,
                FramingCapabilities.NONE, BearerCapabilities.NONE, 0, 0, "old", ""));
        assertThat(peer.sent()).isEqualTo(hexOf(sccrp("05 00")));
        assertThat(peer.isOpen()).isFalse();
        assertThat(peers.counter("pptp.control.connections.refused", "reason", "unsupported-version")).isEqualTo(1);
        assertThat(peers.gauge("pptp.control.connections", "state", "idle")).isZero();
    }

    @Test
    void secondStartRequestGetsCommandChannelExistsAndCloseReleasingCalls() {
        PeerChannel peer = established();
        peer.receive(ocrq(1));
        peer.sent();

        peer.receive(PPTP_LINUX_SCCRQ);

        assertThat(peer.sent()).isEqualTo(hexOf(sccrp("03 00")));
        assertThat(peer.isOpen()).isFalse();
        assertThat(peers.plane.calls().activeCalls()).isZero();
        assertThat(peers.cleared).containsExactly(FIRST_CALL_ID + ":" + CallClearCause.PROTOCOL_ERROR);
        assertThat(peers.gauge("pptp.control.connections", "state", "established")).isZero();
    }

    // ---------------------------------------------------------------- echo

    @Test
    void echoRequestIsAnswered() {
        PeerChannel peer = established();
        peer.receive(hex(header(16, 5), "deadbeef"));
        assertThat(peer.sent()).isEqualTo(hexOf(header(20, 6), "deadbeef 01 00 0000"));
    }

    @Test
    void echoRequestAfterQuietIntervalThenCloseWithoutReply() {
        PeerChannel peer = established();
        peer.receive(ocrq(1));
        peer.sent();

        peer.elapse(59);
        assertThat(peer.sent()).isEmpty();
        peer.elapse(1);
        // First identifier: the random start 0x100, plus one.
        assertThat(peer.sent()).isEqualTo(hexOf(header(16, 5), "00000101"));
        assertThat(peer.isOpen()).isTrue();

        peer.elapse(60);
        assertThat(peer.isOpen()).isFalse();
        assertThat(peers.counter("pptp.control.echo.timeouts")).isEqualTo(1);
        assertThat(peers.cleared).containsExactly(FIRST_CALL_ID + ":" + CallClearCause.ECHO_TIMEOUT);
    }

    @Test
    void echoReplyKeepsTheConnection() {
        PeerChannel peer = established();
        peer.elapse(60);
        assertThat(peer.sentMessages()).containsExactly(new EchoRequest(0x101));
        peer.receive(new EchoReply(0x101, EchoResult.OK, GeneralErrorCode.NONE));
        peer.elapse(60);
        assertThat(peer.sentMessages()).containsExactly(new EchoRequest(0x102));
        assertThat(peer.isOpen()).isTrue();
    }

    // ---------------------------------------------------------------- calls

    @Test
    void outgoingCallGetsFreshCallIdAndEchoesPeerCallId() {
        PeerChannel peer = established();
        peer.receive(PPTP_LINUX_OCRQ);

        // Call ID 0x4000, peer's call ID 0xc330, Connected, no error, cause 0, speed 10,000,000
        // (the PNS's maximum), window 64, processing delay 0, physical channel ID = call ID.
        assertThat(peer.sent()).isEqualTo(hexOf(header(32, 8), "4000 c330 01 00 0000 00989680 0040 0000 00004000"));
        Call call = peers.plane.calls().find(FIRST_CALL_ID);
        assertThat(call).isNotNull();
        assertThat(call.peerCallId()).isEqualTo(0xc330);
        assertThat(call.peerAddress().getHostAddress()).isEqualTo("192.0.2.10");
        assertThat(call.peerReceiveWindowSize()).isEqualTo(3);
        assertThat(call.controlChannel()).isSameAs(peer);
        assertThat(peers.established).containsExactly(call);
        assertThat(peers.counter("pptp.call.setups")).isEqualTo(1);
        assertThat(peers.gauge("pptp.calls.active")).isEqualTo(1);
    }

    @Test
    void severalCallsOnOneConnection() {
        PeerChannel peer = established();
        peer.receive(ocrq(1)).receive(ocrq(2)).receive(ocrq(3));
        assertThat(peer.sentMessages()).extracting(m -> ((OutgoingCallReply) m).callId())
                .containsExactly(FIRST_CALL_ID, FIRST_CALL_ID + 1, FIRST_CALL_ID + 2);
        assertThat(peer.handler().calls()).hasSize(3);
    }

    @Test
    void repeatedPeerCallIdGetsBadCallId() {
        PeerChannel peer = established();
        peer.receive(ocrq(9));
        peer.sent();
        peer.receive(ocrq(9));
        assertThat(peer.sent()).isEqualTo(hexOf(header(32, 8), "0000 0009 02 05 0000 00000000 0000 0000 00000000"));
        assertThat(peers.counter("pptp.call.setup.failures", "reason", "duplicate-peer-call-id")).isEqualTo(1);
        assertThat(peers.plane.calls().activeCalls()).isEqualTo(1);
    }

    @Test
    void callsPerConnectionLimitGetsDoNotAccept() {
        TestPeers limited = new TestPeers(ConcentratorConfig.defaults().withLimits(8, 8, 1, 100));
        PeerChannel peer = limited.connect("192.0.2.10").receive(PPTP_LINUX_SCCRQ);
        peer.receive(ocrq(1));
        peer.sent();
        peer.receive(ocrq(2));
        // Result 7 (Do Not Accept: administratively prohibited), error 0.
        assertThat(peer.sent()).isEqualTo(hexOf(header(32, 8), "0000 0002 07 00 0000 00000000 0000 0000 00000000"));
        assertThat(limited.counter("pptp.call.setup.failures", "reason", "max-calls-per-connection")).isEqualTo(1);
    }

    @Test
    void fullCallTableGetsGeneralErrorNoResource() {
        TestPeers small = new TestPeers(ConcentratorConfig.defaults().withLimits(8, 8, 8, 1));
        PeerChannel first = small.connect("192.0.2.10").receive(PPTP_LINUX_SCCRQ);
        first.receive(ocrq(1));
        PeerChannel second = small.connect("192.0.2.11").receive(PPTP_LINUX_SCCRQ);
        second.sent();
        second.receive(ocrq(1));
        // Result 2 (General Error), error 4 (No-Resource).
        assertThat(second.sent()).isEqualTo(hexOf(header(32, 8), "0000 0001 02 04 0000 00000000 0000 0000 00000000"));
        assertThat(small.counter("pptp.call.setup.failures", "reason", "max-calls-total")).isEqualTo(1);
        assertThat(second.isOpen()).isTrue();
    }

    @Test
    void callClearRequestGetsCallDisconnectNotifyAndReleasesTheCall() {
        PeerChannel peer = established();
        peer.receive(ocrq(0x0a0b));
        peer.sent();

        peer.receive(hex(header(16, 12), "0a0b 0000"));

        // Call ID 0x4000, result 4 (Request), error 0, cause 0, reserved, empty statistics.
        assertThat(peer.sent()).isEqualTo(hexOf(header(148, 13), "4000 04 00 0000 0000", zeros(128)));
        assertThat(peers.plane.calls().find(FIRST_CALL_ID)).isNull();
        assertThat(peers.cleared).containsExactly(FIRST_CALL_ID + ":" + CallClearCause.CALL_CLEAR_REQUEST);
        assertThat(peer.handler().calls()).isEmpty();
        assertThat(peers.counter("pptp.call.clears", "cause", "call-clear-request")).isEqualTo(1);
    }

    @Test
    void callClearRequestForUnknownCallIsCountedAndIgnored() {
        PeerChannel peer = established();
        peer.receive(new CallClearRequest(77));
        assertThat(peer.sent()).isEmpty();
        assertThat(peer.isOpen()).isTrue();
        assertThat(peers.counter("pptp.control.protocol.errors", "reason", "unknown-call-id")).isEqualTo(1);
    }

    @Test
    void setLinkInfoIsStoredOnTheCall() {
        PeerChannel peer = established();
        peer.receive(ocrq(5));
        peer.sent();
        Call call = peers.plane.calls().find(FIRST_CALL_ID);
        assertThat(call.sendAccm()).isEqualTo(0xffffffff);

        // Peer's Call ID = ours (§2.15), send ACCM 0, receive ACCM 0x000a0000.
        peer.receive(hex(header(24, 15), "4000 0000 00000000 000a0000"));

        assertThat(peer.sent()).isEmpty();
        assertThat(call.sendAccm()).isZero();
        assertThat(call.receiveAccm()).isEqualTo(0x000a0000);
    }

    @Test
    void setLinkInfoForAnotherConnectionsCallIsIgnored() {
        PeerChannel owner = established();
        owner.receive(ocrq(5));
        PeerChannel other = peers.connect("192.0.2.99").receive(PPTP_LINUX_SCCRQ);
        other.receive(new SetLinkInfo(FIRST_CALL_ID, 0, 0));
        assertThat(peers.plane.calls().find(FIRST_CALL_ID).sendAccm()).isEqualTo(0xffffffff);
        assertThat(peers.counter("pptp.control.protocol.errors", "reason", "unknown-call-id")).isEqualTo(1);
    }

    @Test
    void wanErrorNotifyIsCounted() {
        PeerChannel peer = established();
        peer.receive(new WanErrorNotify(FIRST_CALL_ID, 1, 2, 3, 4, 5, 6));
        assertThat(peer.sent()).isEmpty();
        assertThat(peers.counter("pptp.control.wan.error.notifies")).isEqualTo(1);
        assertThat(peer.isOpen()).isTrue();
    }

    @Test
    void incomingCallRequestGetsDoNotAccept() {
        PeerChannel peer = established();
        peer.receive(new IncomingCallRequest(0x1234, 1, BearerType.DIGITAL, 0, 0, 0, "", "", ""));
        // Call ID 0, peer's call ID 0x1234, result 3 (Do Not Accept), error 0, window 0, delay 0.
        assertThat(peer.sent()).isEqualTo(hexOf(header(24, 10), "0000 1234 03 00 0000 0000 0000"));
        assertThat(peer.isOpen()).isTrue();
    }

    @Test
    void unsolicitedRepliesAreCountedAndIgnored() {
        PeerChannel peer = established();
        peer.receive(new OutgoingCallReply(1, 2, OutgoingCallResult.CONNECTED, GeneralErrorCode.NONE, 0, 0, 0, 0, 0));
        peer.receive(new CallDisconnectNotify(1, CallDisconnectResult.REQUEST, GeneralErrorCode.NONE, 0, ""));
        peer.receive(new IncomingCallConnected(1, 0, 0, 0, FramingType.SYNCHRONOUS));
        peer.receive(new StopControlConnectionReply(StopControlConnectionResult.OK, GeneralErrorCode.NONE));
        assertThat(peer.sent()).isEmpty();
        assertThat(peer.isOpen()).isTrue();
        assertThat(peers.counter("pptp.control.protocol.errors", "reason", "unexpected-ocrp")).isEqualTo(1);
        assertThat(peers.counter("pptp.control.protocol.errors", "reason", "unexpected-cdn")).isEqualTo(1);
    }

    // ---------------------------------------------------------------- stop

    @Test
    void stopRequestGetsReplyAndCloseReleasingEveryCall() {
        PeerChannel peer = established();
        peer.receive(ocrq(1)).receive(ocrq(2));
        peer.sent();

        peer.receive(hex(header(16, 3), "01 00 0000"));

        assertThat(peer.sent()).isEqualTo(hexOf(header(16, 4), "01 00 0000"));
        assertThat(peer.isOpen()).isFalse();
        assertThat(peers.plane.calls().activeCalls()).isZero();
        assertThat(peers.cleared).containsExactlyInAnyOrder(
                FIRST_CALL_ID + ":" + CallClearCause.STOP_CONTROL_CONNECTION,
                FIRST_CALL_ID + 1 + ":" + CallClearCause.STOP_CONTROL_CONNECTION);
    }

    @Test
    void tcpCloseReleasesEveryCall() {
        PeerChannel peer = established();
        peer.receive(ocrq(1)).receive(ocrq(2));
        peer.close();
        assertThat(peers.plane.calls().activeCalls()).isZero();
        assertThat(peers.cleared).hasSize(2).allMatch(c -> c.endsWith(":" + CallClearCause.CONNECTION_LOST));
        assertThat(peers.gauge("pptp.control.connections", "state", "established")).isZero();
    }

    @Test
    void localStopSendsCallDisconnectNotifiesThenStopRequestAndWaitsForTheReply() {
        PeerChannel peer = established();
        peer.receive(ocrq(1));
        peer.sent();

        peer.handler().stop(StopControlConnectionReason.STOP_LOCAL_SHUTDOWN, CallDisconnectResult.ADMIN_SHUTDOWN,
                CallClearCause.SHUTDOWN, Duration.ofSeconds(2));

        assertThat(peer.sent()).isEqualTo(hexOf(
                header(148, 13), "4000 03 00 0000 0000", zeros(128), // CDN, result 3 (Admin Shutdown)
                header(16, 3), "03 00 0000")); // StopCCRQ, reason 3 (Stop-Local-Shutdown)
        assertThat(peer.handler().state()).isEqualTo(ControlConnectionState.WAIT_STOP_REPLY);
        assertThat(peers.cleared).containsExactly(FIRST_CALL_ID + ":" + CallClearCause.SHUTDOWN);

        peer.receive(hex(header(16, 4), "01 00 0000"));
        assertThat(peer.isOpen()).isFalse();
    }

    @Test
    void localStopClosesWhenNoReplyComes() {
        PeerChannel peer = established();
        peer.handler().stop(StopControlConnectionReason.NONE, CallDisconnectResult.ADMIN_SHUTDOWN,
                CallClearCause.SHUTDOWN, Duration.ofSeconds(2));
        assertThat(peer.sentMessages()).containsExactly(new StopControlConnectionRequest(StopControlConnectionReason.NONE));
        peer.elapse(1);
        assertThat(peer.isOpen()).isTrue();
        peer.elapse(1);
        assertThat(peer.isOpen()).isFalse();
        assertThat(peers.counter("pptp.control.connections.refused", "reason", "stop-reply-timeout")).isEqualTo(1);
    }

    // ---------------------------------------------------------------- before the start request

    @Test
    void outgoingCallBeforeStartGetsNotConnectedAndClose() {
        PeerChannel peer = peers.connect("192.0.2.10").receive(PPTP_LINUX_OCRQ);
        // Result 2 (General Error), error 1 (Not-Connected).
        assertThat(peer.sent()).isEqualTo(hexOf(header(32, 8), "0000 c330 02 01 0000 00000000 0000 0000 00000000"));
        assertThat(peer.isOpen()).isFalse();
        assertThat(peers.plane.calls().activeCalls()).isZero();
    }

    @Test
    void echoBeforeStartGetsNotConnectedAndClose() {
        PeerChannel peer = peers.connect("192.0.2.10").receive(hex(header(16, 5), "00000007"));
        assertThat(peer.sent()).isEqualTo(hexOf(header(20, 6), "00000007 02 01 0000"));
        assertThat(peer.isOpen()).isFalse();
    }

    @Test
    void otherMessageBeforeStartCloses() {
        PeerChannel peer = peers.connect("192.0.2.10").receive(new CallClearRequest(1));
        assertThat(peer.sent()).isEmpty();
        assertThat(peer.isOpen()).isFalse();
        assertThat(peers.counter("pptp.control.protocol.errors", "reason", "not-connected")).isEqualTo(1);
    }

    @Test
    void halfOpenConnectionIsClosedAfterTheTimeout() {
        PeerChannel peer = peers.connect("192.0.2.10");
        peer.elapse(9);
        assertThat(peer.isOpen()).isTrue();
        peer.elapse(1);
        assertThat(peer.isOpen()).isFalse();
        assertThat(peer.sent()).isEmpty();
        assertThat(peers.counter("pptp.control.connections.refused", "reason", "half-open-timeout")).isEqualTo(1);
        assertThat(peers.plane.halfOpen().size()).isZero();
    }

    @Test
    void establishedConnectionIsNotTouchedByTheHalfOpenTimeout() {
        PeerChannel peer = established();
        peer.elapse(30);
        assertThat(peer.isOpen()).isTrue();
    }
}
