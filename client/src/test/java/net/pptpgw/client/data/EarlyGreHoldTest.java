package net.pptpgw.client.data;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import net.pptpgw.protocol.testing.Packets;
import org.junit.jupiter.api.Test;

/**
 * GRE keyed with a call ID we expect waits until the data plane knows the call, then goes on in
 * order; GRE for other calls passes straight through; a call that ends first leaves nothing held.
 */
class EarlyGreHoldTest {

    private static final InetSocketAddress PAC = new InetSocketAddress("192.0.2.1", 0);

    @Test
    void heldUntilReleasedThenDeliveredInOrder() {
        EarlyGreHold hold = new EarlyGreHold();
        EmbeddedChannel channel = new EmbeddedChannel(hold);
        Object token = hold.expect(0x1234);

        DatagramPacket first = gre(0x1234, 1);
        DatagramPacket second = gre(0x1234, 2);
        DatagramPacket other = gre(0x0042, 1);
        channel.writeInbound(first, second, other);
        assertThat(received(channel)).containsExactly(other); // another call's GRE is not held

        hold.release(channel, 0x1234, token);
        channel.runPendingTasks();
        assertThat(received(channel)).containsExactly(first, second);

        DatagramPacket later = gre(0x1234, 3);
        channel.writeInbound(later);
        assertThat(received(channel)).containsExactly(later); // no longer held
        for (DatagramPacket p : List.of(first, second, other, later)) {
            p.release();
        }
        channel.finishAndReleaseAll();
    }

    @Test
    void aCallThatEndsFirstLeavesNothingHeld() {
        EarlyGreHold hold = new EarlyGreHold();
        EmbeddedChannel channel = new EmbeddedChannel(hold);
        Object token = hold.expect(7);
        List<DatagramPacket> sent = new ArrayList<>();
        for (int i = 0; i < EarlyGreHold.MAX_HELD + 3; i++) {
            DatagramPacket packet = gre(7, i);
            sent.add(packet);
            channel.writeInbound(packet);
        }
        assertThat(received(channel)).isEmpty();
        // Beyond MAX_HELD, packets are released at once.
        assertThat(sent.subList(EarlyGreHold.MAX_HELD, sent.size())).allMatch(p -> p.refCnt() == 0);

        hold.forget(channel, 7, token);
        channel.runPendingTasks();
        assertThat(sent).allMatch(p -> p.refCnt() == 0);
        // A stale release after the call is gone delivers nothing.
        hold.release(channel, 7, token);
        channel.runPendingTasks();
        assertThat(received(channel)).isEmpty();

        // The same call ID placed again is a new expectation, untouched by the old token.
        Object again = hold.expect(7);
        hold.forget(channel, 7, token);
        channel.runPendingTasks();
        DatagramPacket packet = gre(7, 99);
        channel.writeInbound(packet);
        assertThat(received(channel)).isEmpty();
        hold.release(channel, 7, again);
        channel.runPendingTasks();
        assertThat(received(channel)).containsExactly(packet);
        packet.release();
        channel.finishAndReleaseAll();
    }

    private static DatagramPacket gre(int callId, long sequence) {
        byte[] ip = Packets.ipv4Gre(Packets.address(192, 0, 2, 1), Packets.address(10, 99, 0, 1),
                Packets.enhancedGre(callId, sequence, null, new byte[] {(byte) 0xff, 0x03, (byte) 0xc0, 0x21}));
        ByteBuf content = Unpooled.wrappedBuffer(ip);
        return new DatagramPacket(content, new InetSocketAddress("10.99.0.1", 0), PAC);
    }

    private static List<Object> received(EmbeddedChannel channel) {
        List<Object> out = new ArrayList<>();
        for (Object m; (m = channel.readInbound()) != null; ) {
            out.add(m);
        }
        return out;
    }
}
