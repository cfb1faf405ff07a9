package net.pptpgw.concentrator.control;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBufAllocator;
import java.util.List;
import java.util.SplittableRandom;
import net.pptpgw.concentrator.ConcentratorConfig;
import net.pptpgw.concentrator.Ipv4;
import net.pptpgw.concentrator.auth.ChapSecrets;
import net.pptpgw.concentrator.call.Call;
import net.pptpgw.concentrator.call.CallClearCause;
import net.pptpgw.concentrator.control.TestPeers.PeerChannel;
import net.pptpgw.concentrator.ip.IpDataPlane;
import net.pptpgw.concentrator.pool.AddressPool;
import net.pptpgw.concentrator.session.SessionFactory;
import net.pptpgw.concentrator.session.SessionPolicy;
import net.pptpgw.protocol.pptp.BearerType;
import net.pptpgw.protocol.pptp.CallClearRequest;
import net.pptpgw.protocol.pptp.CallDisconnectNotify;
import net.pptpgw.protocol.pptp.CallDisconnectResult;
import net.pptpgw.protocol.pptp.ControlMessage;
import net.pptpgw.protocol.pptp.FramingType;
import net.pptpgw.protocol.pptp.GeneralErrorCode;
import net.pptpgw.protocol.pptp.OutgoingCallReply;
import net.pptpgw.protocol.pptp.OutgoingCallRequest;
import net.pptpgw.protocol.pptp.OutgoingCallResult;
import org.junit.jupiter.api.Test;

/**
 * The control plane with the {@link SessionFactory} as its call listener: an exhausted pool is
 * answered in the Outgoing-Call-Reply (General Error, No-Resource, RFC 2637 §2.8 and §2.16) with
 * nothing held for the refused call, and a session that ends clears its call with a
 * Call-Disconnect-Notify (§2.13) exactly once.
 */
class CallAdmissionTest {

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final AddressPool pool = AddressPool.parse(List.of("10.88.0.10-10.88.0.11"));
    private final SessionFactory sessions;
    private final TestPeers peers;

    CallAdmissionTest() throws Exception {
        sessions = new SessionFactory(SessionPolicy.defaults("pptpd", Ipv4.parse("10.88.0.1")), pool,
                ChapSecrets.parse("test", "u1 * secret *\n"),
                new IpDataPlane(Ipv4.fromInt(0x0A580001), pool, meters, p -> p.release() && false),
                meters, new SplittableRandom(3), ByteBufAllocator.DEFAULT);
        peers = new TestPeers(ConcentratorConfig.defaults(), sessions);
    }

    private PeerChannel established() {
        // pptp-linux 1.10's Start-Control-Connection-Request (RFC 2637 §2.1).
        PeerChannel peer = peers.connect("192.0.2.10").receive(TestPeers.hex("009c 0001 1a2b3c4d 0001 0000",
                "0100 0000 00000003 00000003 ffff 0001", TestPeers.field("local", 64), TestPeers.field("cananian", 64)));
        peer.sentMessages();
        return peer;
    }

    private static OutgoingCallRequest ocrq(int callId) {
        return new OutgoingCallRequest(callId, 7, 2400, 10_000_000, BearerType.ANY, FramingType.ANY, 3, 0, 0, "", "");
    }

    private static OutgoingCallReply reply(List<ControlMessage> messages) {
        assertThat(messages).singleElement().isInstanceOf(OutgoingCallReply.class);
        return (OutgoingCallReply) messages.getFirst();
    }

    @Test
    void anExhaustedPoolIsAnsweredInTheOutgoingCallReplyAndNothingLeaks() {
        PeerChannel peer = established();
        OutgoingCallReply first = reply(peer.receive(ocrq(1)).sentMessages());
        OutgoingCallReply second = reply(peer.receive(ocrq(2)).sentMessages());
        assertThat(first.resultCode()).isEqualTo(OutgoingCallResult.CONNECTED);
        assertThat(second.resultCode()).isEqualTo(OutgoingCallResult.CONNECTED);
        assertThat(pool.allocated()).isEqualTo(2);

        OutgoingCallReply refused = reply(peer.receive(ocrq(3)).sentMessages());
        assertThat(refused.resultCode()).isEqualTo(OutgoingCallResult.GENERAL_ERROR);
        assertThat(refused.errorCode()).isEqualTo(GeneralErrorCode.NO_RESOURCE);
        assertThat(refused.callId()).isZero();
        assertThat(refused.peerCallId()).isEqualTo(3);
        assertThat(peers.plane.calls().activeCalls()).isEqualTo(2);
        assertThat(peers.established).hasSize(2);
        assertThat(peers.counter("pptp.call.setup.failures", "reason", "pool-exhausted")).isEqualTo(1);

        // The PNS clears one: its address comes back, and the next call gets it.
        peer.receive(new CallClearRequest(1));
        assertThat(peer.sentMessages()).singleElement().isInstanceOf(CallDisconnectNotify.class);
        assertThat(pool.allocated()).isEqualTo(1);
        assertThat(reply(peer.receive(ocrq(4)).sentMessages()).resultCode()).isEqualTo(OutgoingCallResult.CONNECTED);

        // The connection drops: every address is back.
        peer.close();
        peer.runPendingTasks();
        assertThat(pool.allocated()).isZero();
        assertThat(peers.plane.calls().activeCalls()).isZero();
    }

    @Test
    void aSessionThatEndsClearsItsCallWithOneCallDisconnectNotify() {
        PeerChannel peer = established();
        OutgoingCallReply connected = reply(peer.receive(ocrq(7)).sentMessages());
        Call call = peers.established.getFirst();
        assertThat(call.callId()).isEqualTo(connected.callId());

        ControlConnectionHandler.disconnect(call, CallDisconnectResult.LOST_CARRIER, CallClearCause.PPP_ENDED);
        ControlConnectionHandler.disconnect(call, CallDisconnectResult.LOST_CARRIER, CallClearCause.PPP_ENDED);
        peer.runPendingTasks();
        assertThat(peer.sentMessages()).containsExactly(new CallDisconnectNotify(call.callId(),
                CallDisconnectResult.LOST_CARRIER, GeneralErrorCode.NONE, 0, ""));
        assertThat(peers.cleared).containsExactly(call.callId() + ":" + CallClearCause.PPP_ENDED);
        assertThat(peers.plane.calls().activeCalls()).isZero();
        assertThat(pool.allocated()).isZero();
    }
}
