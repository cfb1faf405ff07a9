package net.pptpgw.nathelper;

import static net.pptpgw.nathelper.Fixture.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.ByteArrayOutputStream;
import java.net.Inet4Address;
import java.util.Arrays;
import net.pptpgw.protocol.pptp.*;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The proxy's two pipelines on EmbeddedChannels: framing, translation, answers, back-pressure, close. */
class ControlRelayPipelineTest {

    private static final Inet4Address CLIENT = ip("192.168.10.11");
    private static final Inet4Address SERVER = ip("198.18.0.2");

    private final Fixture fixture = new Fixture();
    private final CallIdTranslator translator = new CallIdTranslator(fixture.table, fixture.metrics, CLIENT, SERVER);
    private final ControlRelayHandler fromClient = new ControlRelayHandler(Direction.LAN_TO_WAN, translator, fixture.metrics);
    private final ControlRelayHandler fromServer = new ControlRelayHandler(Direction.WAN_TO_LAN, translator, fixture.metrics);
    private final EmbeddedChannel client = new EmbeddedChannel(new PptpControlDecoder(), new PptpControlEncoder(), fromClient);
    private final EmbeddedChannel server = new EmbeddedChannel(new PptpControlDecoder(), new PptpControlEncoder(), fromServer);

    ControlRelayPipelineTest() {
        fromClient.link(server);
        fromServer.link(client);
    }

    @AfterEach
    void close() {
        client.finishAndReleaseAll();
        server.finishAndReleaseAll();
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    /** Everything written to the channel so far, as one byte string. */
    private static byte[] written(EmbeddedChannel channel) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (ByteBuf buf; (buf = channel.readOutbound()) != null; ) {
            out.writeBytes(ByteBufUtil.getBytes(buf));
            buf.release();
        }
        return out.toByteArray();
    }

    @Test
    void severalMessagesInOneSegmentAreAllRelayedAndRewritten() {
        byte[] segment = concat(bytes(sccrq()), bytes(ocrq(0x4242)), bytes(new EchoRequest(1)));
        client.writeInbound(Unpooled.wrappedBuffer(segment));
        byte[] out = written(server);
        int gatewayCallId = ((OutgoingCallRequest) decode(Arrays.copyOfRange(out, 156, 156 + 168))).callId();
        byte[] expected = concat(bytes(sccrq()), patched(bytes(ocrq(0x4242)), 12, gatewayCallId),
                bytes(new EchoRequest(1)));
        assertThat(out).isEqualTo(expected);
        assertThat(fixture.counter("pptp.nat.control.messages", "type", "OCRQ", "direction", "lan-to-wan")).isEqualTo(1);
        assertThat(fixture.counter("pptp.nat.control.messages", "type", "SCCRQ", "direction", "lan-to-wan")).isEqualTo(1);
    }

    @Test
    void aMessageSplitOverSegmentsIsRelayedWhenComplete() {
        client.writeInbound(Unpooled.wrappedBuffer(bytes(ocrq(7))));
        int gatewayCallId = ((OutgoingCallRequest) decode(written(server))).callId();
        byte[] reply = bytes(ocrp(128, gatewayCallId, OutgoingCallResult.CONNECTED));
        for (int i = 0; i < reply.length; i += 5) {
            assertThat(written(client)).isEmpty();
            server.writeInbound(Unpooled.wrappedBuffer(reply, i, Math.min(5, reply.length - i)));
        }
        assertThat(written(client)).isEqualTo(patched(reply, 14, 7));
    }

    @Test
    void exhaustionIsAnsweredToTheClientAndNothingReachesTheServer() {
        java.util.logging.Logger log = java.util.logging.Logger.getLogger(MappingTable.class.getName());
        log.setLevel(java.util.logging.Level.WARNING);
        try {
            for (int i = 0; i < ServerCalls.CALL_IDS; i++) {
                fixture.table.open(ip("192.168.10.99"), i, SERVER);
            }
        } finally {
            log.setLevel(null);
        }
        client.writeInbound(Unpooled.wrappedBuffer(bytes(ocrq(0x4242))));
        assertThat(written(server)).isEmpty();
        OutgoingCallReply reply = (OutgoingCallReply) decode(written(client));
        assertThat(reply.peerCallId()).isEqualTo(0x4242);
        assertThat(reply.resultCode()).isEqualTo(OutgoingCallResult.GENERAL_ERROR);
        assertThat(reply.errorCode()).isEqualTo(GeneralErrorCode.NO_RESOURCE);
    }

    @Test
    void whileTheServerSideCannotTakeMoreTheClientIsNotRead() {
        server.unsafe().outboundBuffer().setUserDefinedWritability(1, false);
        assertThat(server.isWritable()).isFalse();
        client.writeInbound(Unpooled.wrappedBuffer(bytes(new EchoRequest(1))));
        assertThat(client.config().isAutoRead()).isFalse();
        server.unsafe().outboundBuffer().setUserDefinedWritability(1, true);
        server.runPendingTasks(); // the writability event is fired from the event loop
        assertThat(client.config().isAutoRead()).isTrue();
        assertThat(decode(written(server))).isEqualTo(new EchoRequest(1));
    }

    @Test
    void aMalformedMessageClosesBothSidesAndEndsTheCalls() {
        client.writeInbound(Unpooled.wrappedBuffer(bytes(ocrq(7))));
        int gatewayCallId = ((OutgoingCallRequest) decode(written(server))).callId();
        byte[] garbage = bytes(new EchoRequest(1));
        garbage[4] = 0x00; // magic cookie broken
        server.writeInbound(Unpooled.wrappedBuffer(garbage));
        server.runPendingTasks();
        client.runPendingTasks();
        assertThat(server.isActive()).isFalse();
        assertThat(client.isActive()).isFalse();
        assertThat(fixture.table.byGatewayCallId(SERVER, gatewayCallId)).isNull();
        assertThat(fixture.counter("pptp.nat.translation.failures", "reason", "malformed-bad-magic-cookie")).isEqualTo(1);
    }

    @Test
    void theClientClosingRemovesItsMappingAtOnceAndClosesTheServerSide() {
        client.writeInbound(Unpooled.wrappedBuffer(bytes(ocrq(7))));
        int gatewayCallId = ((OutgoingCallRequest) decode(written(server))).callId();
        server.writeInbound(Unpooled.wrappedBuffer(bytes(ocrp(128, gatewayCallId, OutgoingCallResult.CONNECTED))));
        assertThat(fixture.table.byServerCallId(SERVER, 128)).isNotNull();
        client.close();
        server.runPendingTasks();
        assertThat(fixture.table.byGatewayCallId(SERVER, gatewayCallId)).isNull();
        assertThat(fixture.table.byServerCallId(SERVER, 128)).isNull();
        assertThat(server.isActive()).isFalse();
        assertThat(fixture.counter("pptp.nat.mappings.removed", "reason", "control-closed")).isEqualTo(1);
    }
}
