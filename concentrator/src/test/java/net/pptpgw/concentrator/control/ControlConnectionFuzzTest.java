package net.pptpgw.concentrator.control;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.util.List;
import net.pptpgw.concentrator.ConcentratorConfig;
import net.pptpgw.concentrator.control.TestPeers.PeerChannel;
import net.pptpgw.protocol.pptp.BearerCapabilities;
import net.pptpgw.protocol.pptp.BearerType;
import net.pptpgw.protocol.pptp.CallClearRequest;
import net.pptpgw.protocol.pptp.EchoRequest;
import net.pptpgw.protocol.pptp.FramingCapabilities;
import net.pptpgw.protocol.pptp.FramingType;
import net.pptpgw.protocol.pptp.OutgoingCallRequest;
import net.pptpgw.protocol.pptp.SetLinkInfo;
import net.pptpgw.protocol.pptp.StartControlConnectionRequest;
import net.pptpgw.protocol.pptp.StopControlConnectionReason;
import net.pptpgw.protocol.pptp.StopControlConnectionRequest;
import net.pptpgw.protocol.testing.Fuzz;
import org.junit.jupiter.api.Test;

/**
 * Random and mutated control streams into a whole server-side pipeline: nothing escapes the
 * handler, and once the TCP connection closes no call, half-open slot or connection count is
 * left behind.
 */
class ControlConnectionFuzzTest {

    @Test
    void anyInputLeavesNothingBehindOnClose() {
        // One log line per bad input is right for an operator and a million of them here.
        var log = java.util.logging.Logger.getLogger(ControlConnectionHandler.class.getName());
        var level = log.getLevel();
        log.setLevel(java.util.logging.Level.WARNING);
        try {
            fuzz();
        } finally {
            log.setLevel(level);
        }
    }

    private void fuzz() {
        TestPeers peers = new TestPeers(ConcentratorConfig.defaults().withSourceRate(1e9, 1_000_000_000));
        List<byte[]> seeds = List.of(
                stream(sccrq(), ocrq(1), ocrq(2), new SetLinkInfo(TestPeers.FIRST_CALL_ID, 0, 0), new CallClearRequest(1)),
                stream(sccrq(), ocrq(7), new EchoRequest(3), new StopControlConnectionRequest(StopControlConnectionReason.NONE)),
                stream(ocrq(5), sccrq()),
                stream(sccrq(), sccrq()));
        Fuzz.run("control connection", seeds, input -> {
            PeerChannel peer = peers.connect("192.0.2.1");
            peer.receive(ByteBufUtil.getBytes(input));
            peer.sent();
            peer.close();
            assertThat(peers.plane.calls().activeCalls()).isZero();
            assertThat(peers.plane.halfOpen().size()).isZero();
            assertThat(peers.plane.metrics().connections(ControlConnectionState.ESTABLISHED)).isZero();
            assertThat(peers.plane.metrics().connections(ControlConnectionState.IDLE)).isZero();
            assertThat(peers.group.size()).isZero();
        });
    }

    private static StartControlConnectionRequest sccrq() {
        return new StartControlConnectionRequest(0x0100, FramingCapabilities.NONE, BearerCapabilities.NONE, 0, 0, "", "");
    }

    private static OutgoingCallRequest ocrq(int callId) {
        return new OutgoingCallRequest(callId, 0, 0, 0, BearerType.ANY, FramingType.ANY, 3, 0, 0, "", "");
    }

    private static byte[] stream(net.pptpgw.protocol.pptp.ControlMessage... messages) {
        ByteBuf out = io.netty.buffer.Unpooled.buffer();
        for (var message : messages) {
            out.writeBytes(TestPeers.encode(message));
        }
        return ByteBufUtil.getBytes(out);
    }
}
