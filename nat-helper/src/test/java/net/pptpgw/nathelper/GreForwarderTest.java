package net.pptpgw.nathelper;

import static net.pptpgw.nathelper.Fixture.ip;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.lang.management.ManagementFactory;
import java.net.Inet4Address;
import java.util.Arrays;
import java.util.List;
import net.pptpgw.protocol.testing.Fuzz;
import net.pptpgw.protocol.testing.Packets;
import org.junit.jupiter.api.Test;

/** The GRE relay's per-packet decision and in-place rewrite, on packets built by the independent test fixtures. */
class GreForwarderTest {

    private static final Inet4Address CLIENT = ip("192.168.10.11");
    private static final Inet4Address OTHER_CLIENT = ip("192.168.10.12");
    private static final Inet4Address SERVER = ip("198.18.0.2");
    private static final Inet4Address WAN = ip("198.18.0.1");
    private static final int CLIENT_CALL_ID = 0x4242;
    private static final int SERVER_CALL_ID = 128;
    private static final byte[] PPP = {(byte) 0xff, 0x03, (byte) 0xc0, 0x21, 9, 1, 0, 8, 'N', 'B', 'C', 'L'};

    private final Fixture fixture = new Fixture();
    private final GreForwarder forwarder = new GreForwarder(fixture.table, fixture.metrics);
    private final CallMapping call;

    GreForwarderTest() {
        call = fixture.table.open(CLIENT, CLIENT_CALL_ID, SERVER);
        fixture.table.learnServerCallId(call, SERVER_CALL_ID);
    }

    private static byte[] fromServer(Inet4Address source, int callId, byte[] payload) {
        return Packets.ipv4Gre(source.getAddress(), WAN.getAddress(), Packets.enhancedGre(callId, 7L, 3L, payload));
    }

    private static byte[] fromClient(Inet4Address source, int callId) {
        return Packets.ipv4Gre(source.getAddress(), SERVER.getAddress(), Packets.enhancedGre(callId, 5L, null, PPP));
    }

    private double dropped(Direction direction, String reason) {
        return fixture.counter("pptp.nat.gre.dropped", "direction", direction.tag(), "reason", reason);
    }

    /** Independent RFC 791 check: the one's complement sum over a correct header is 0xFFFF. */
    private static boolean checksumValid(byte[] packet) {
        int sum = 0;
        for (int i = 0; i < 20; i += 2) {
            sum += (packet[i] & 0xFF) << 8 | packet[i + 1] & 0xFF;
        }
        while (sum > 0xFFFF) {
            sum = (sum & 0xFFFF) + (sum >>> 16);
        }
        return sum == 0xFFFF;
    }

    @Test
    void serverGreReachesTheClientWithItsCallIdAndTheServerAsSource() {
        byte[] in = fromServer(SERVER, call.gatewayCallId(), PPP);
        ByteBuf packet = Unpooled.wrappedBuffer(in);
        assertThat(forwarder.wanToLan(packet, 0)).isTrue();
        assertThat(forwarder.destination()).isEqualTo(Addresses.toInt(CLIENT));
        assertThat(forwarder.ipLength()).isEqualTo(in.length);

        byte[] expected = Packets.ipv4Gre(SERVER.getAddress(), CLIENT.getAddress(),
                Packets.enhancedGre(CLIENT_CALL_ID, 7L, 3L, PPP));
        expected[8] = 63; // one router hop
        byte[] out = ByteBufUtil.getBytes(packet);
        assertThat(Arrays.copyOfRange(out, 0, 10)).isEqualTo(Arrays.copyOfRange(expected, 0, 10));
        assertThat(Arrays.copyOfRange(out, 12, out.length)).isEqualTo(Arrays.copyOfRange(expected, 12, expected.length));
        assertThat(checksumValid(out)).isTrue();
        assertThat(fixture.counter("pptp.nat.gre.forwarded", "direction", "wan-to-lan")).isEqualTo(1);
    }

    @Test
    void clientGreGoesToTheServerUnchanged() {
        byte[] in = fromClient(CLIENT, SERVER_CALL_ID);
        ByteBuf packet = Unpooled.wrappedBuffer(in);
        assertThat(forwarder.lanToWan(packet, 0)).isTrue();
        assertThat(forwarder.destination()).isEqualTo(Addresses.toInt(SERVER));
        assertThat(forwarder.mapping()).isSameAs(call);
        assertThat(ByteBufUtil.getBytes(packet, forwarder.greOffset(), forwarder.greLength()))
                .isEqualTo(Arrays.copyOfRange(in, 20, in.length));
        assertThat(fixture.counter("pptp.nat.gre.forwarded", "direction", "lan-to-wan")).isEqualTo(1);
    }

    @Test
    void ackOnlyPacketsAreForwardedBothWays() {
        byte[] down = Packets.ipv4Gre(SERVER.getAddress(), WAN.getAddress(),
                Packets.enhancedGre(call.gatewayCallId(), null, 9L, new byte[0]));
        byte[] up = Packets.ipv4Gre(CLIENT.getAddress(), SERVER.getAddress(),
                Packets.enhancedGre(SERVER_CALL_ID, null, 9L, new byte[0]));
        assertThat(forwarder.wanToLan(Unpooled.wrappedBuffer(down), 0)).isTrue();
        assertThat(forwarder.lanToWan(Unpooled.wrappedBuffer(up), 0)).isTrue();
        assertThat(call.established()).isTrue();
    }

    @Test
    void forgedServerGreReachesNoClient() {
        assertThat(forwarder.wanToLan(Unpooled.wrappedBuffer(fromServer(ip("198.18.0.66"), call.gatewayCallId(), PPP)), 0))
                .as("right call ID, wrong source").isFalse();
        assertThat(dropped(Direction.WAN_TO_LAN, "unknown-server")).isEqualTo(1);
        int wrongId = (call.gatewayCallId() + 1) & 0xFFFF;
        assertThat(forwarder.wanToLan(Unpooled.wrappedBuffer(fromServer(SERVER, wrongId, PPP)), 0))
                .as("right source, wrong call ID").isFalse();
        assertThat(forwarder.wanToLan(Unpooled.wrappedBuffer(fromServer(SERVER, CLIENT_CALL_ID, PPP)), 0))
                .as("the client's own call ID is not what the server knows").isFalse();
        assertThat(dropped(Direction.WAN_TO_LAN, "unknown-call-id")).isEqualTo(2);
    }

    @Test
    void clientGreIsCheckedAgainstTheMappingsClient() {
        assertThat(forwarder.lanToWan(Unpooled.wrappedBuffer(fromClient(OTHER_CLIENT, SERVER_CALL_ID)), 0)).isFalse();
        assertThat(dropped(Direction.LAN_TO_WAN, "wrong-source")).isEqualTo(1);
        assertThat(forwarder.lanToWan(Unpooled.wrappedBuffer(fromClient(CLIENT, SERVER_CALL_ID + 1)), 0)).isFalse();
        assertThat(dropped(Direction.LAN_TO_WAN, "unknown-call-id")).isEqualTo(1);
        byte[] elsewhere = Packets.ipv4Gre(CLIENT.getAddress(), ip("203.0.113.9").getAddress(),
                Packets.enhancedGre(SERVER_CALL_ID, 1L, null, PPP));
        assertThat(forwarder.lanToWan(Unpooled.wrappedBuffer(elsewhere), 0)).isFalse();
        assertThat(dropped(Direction.LAN_TO_WAN, "unknown-server")).isEqualTo(1);
    }

    @Test
    void anEndedCallsGreIsDropped() {
        fixture.table.close(call, "call-disconnect-notify");
        assertThat(forwarder.wanToLan(Unpooled.wrappedBuffer(fromServer(SERVER, call.gatewayCallId(), PPP)), 0)).isFalse();
        assertThat(forwarder.lanToWan(Unpooled.wrappedBuffer(fromClient(CLIENT, SERVER_CALL_ID)), 0)).isFalse();
    }

    @Test
    void malformedPacketsAreCountedByReason() {
        byte[] badVersion = fromServer(SERVER, call.gatewayCallId(), PPP);
        badVersion[21] = 0x00; // GRE version 0
        assertThat(forwarder.wanToLan(Unpooled.wrappedBuffer(badVersion), 0)).isFalse();
        assertThat(dropped(Direction.WAN_TO_LAN, "malformed-bad-version")).isEqualTo(1);

        byte[] truncated = fromServer(SERVER, call.gatewayCallId(), PPP);
        assertThat(forwarder.wanToLan(Unpooled.wrappedBuffer(truncated, 0, truncated.length - 1), 0))
                .as("IP total length beyond the bytes received").isFalse();
        assertThat(forwarder.wanToLan(Unpooled.wrappedBuffer(truncated, 0, 19), 0)).isFalse();
        assertThat(dropped(Direction.WAN_TO_LAN, "malformed-ip")).isEqualTo(2);

        byte[] lying = fromServer(SERVER, call.gatewayCallId(), PPP);
        lying[24] = 0x10; // GRE payload length 4096 in a 12-byte payload
        assertThat(forwarder.wanToLan(Unpooled.wrappedBuffer(lying), 0)).isFalse();
        assertThat(dropped(Direction.WAN_TO_LAN, "malformed-payload-length-exceeds-datagram")).isEqualTo(1);

        byte[] dying = fromServer(SERVER, call.gatewayCallId(), PPP);
        dying[8] = 1;
        assertThat(forwarder.wanToLan(Unpooled.wrappedBuffer(dying), 0)).isFalse();
        assertThat(dropped(Direction.WAN_TO_LAN, "ttl-exceeded")).isEqualTo(1);
    }

    @Test
    void forwardingAndDroppingAllocateNothing() {
        byte[] down = fromServer(SERVER, call.gatewayCallId(), PPP);
        byte[] up = fromClient(CLIENT, SERVER_CALL_ID);
        byte[] forged = fromServer(SERVER, (call.gatewayCallId() + 1) & 0xFFFF, PPP);
        ByteBuf downBuf = Unpooled.directBuffer(down.length);
        ByteBuf upBuf = Unpooled.directBuffer(up.length).writeBytes(up);
        ByteBuf forgedBuf = Unpooled.directBuffer(forged.length).writeBytes(forged);
        Runnable round = () -> {
            downBuf.clear().writeBytes(down);
            forwarder.wanToLan(downBuf, 0);
            forwarder.lanToWan(upBuf, 0);
            forwarder.wanToLan(forgedBuf, 0);
        };
        for (int i = 0; i < 200_000; i++) {
            round.run();
        }
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long thread = Thread.currentThread().threadId();
        long before = threads.getThreadAllocatedBytes(thread);
        for (int i = 0; i < 100_000; i++) {
            round.run();
        }
        long allocated = threads.getThreadAllocatedBytes(thread) - before;
        assertThat(allocated).as("bytes allocated for 300,000 packets").isLessThan(10_000);
    }

    @Test
    void fuzzedPacketsNeverThrow() {
        List<byte[]> seeds = List.of(fromServer(SERVER, call.gatewayCallId(), PPP), fromClient(CLIENT, SERVER_CALL_ID),
                Packets.ipv4Gre(SERVER.getAddress(), WAN.getAddress(),
                        Packets.enhancedGre(call.gatewayCallId(), null, 1L, new byte[0])));
        Fuzz.run("GreForwarder", seeds, buf -> {
            ByteBuf copy = buf.copy();
            forwarder.wanToLan(buf, 0);
            forwarder.lanToWan(copy, 0);
            copy.release();
        });
        // The mutations reached both verdicts, so the run exercised more than the first check.
        assertThat(fixture.counter("pptp.nat.gre.forwarded", "direction", "wan-to-lan")).isPositive();
        assertThat(fixture.counter("pptp.nat.gre.forwarded", "direction", "lan-to-wan")).isPositive();
        assertThat(dropped(Direction.WAN_TO_LAN, "malformed-ip")).isPositive();
        assertThat(dropped(Direction.WAN_TO_LAN, "unknown-call-id")).isPositive();
    }
}
