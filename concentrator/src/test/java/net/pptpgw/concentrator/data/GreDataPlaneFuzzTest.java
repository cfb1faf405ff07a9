package net.pptpgw.concentrator.data;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.DatagramPacket;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import net.pptpgw.concentrator.call.Call;
import net.pptpgw.concentrator.call.CallClearCause;
import net.pptpgw.concentrator.call.CallTable;
import net.pptpgw.protocol.testing.Fuzz;
import net.pptpgw.protocol.testing.Packets;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Hostile datagrams at a data plane with a live call: nothing escapes the handler, every buffer
 * is released (or held and released when the call ends), and the receive path allocates
 * nothing per packet.
 */
class GreDataPlaneFuzzTest {

    private static final byte[] PEER = Packets.address(192, 0, 2, 10);
    private static final byte[] US = Packets.address(192, 0, 2, 1);

    private final MeterRegistry meters = new SimpleMeterRegistry();
    private final CallTable calls = new CallTable(16, Duration.ZERO, new SplittableRandom(3), System::nanoTime);
    private long delivered;
    private final PppLinkFactory factory = link -> new PppFrameHandler() {
        @Override
        public void frameReceived(ByteBuf frame, PacketContext context) {
            delivered++;
            frame.release();
        }

        @Override
        public void linkClosed(CallClearCause cause) {}
    };
    private GreDataPlane plane;
    private EmbeddedChannel gre;
    private Call call;
    private InetSocketAddress recipient;

    @BeforeEach
    void setUp() throws Exception {
        // The largest window: a one-way flow is acknowledged every half window (an ack-only packet,
        // a send of its own, see GreSession), which must not count as the receive path's.
        plane = new GreDataPlane(GreConfig.defaults(), 0xFFFF, calls, factory, meters);
        gre = new EmbeddedChannel(plane.handler());
        gre.freezeTime();
        call = ((CallTable.Allocated) calls.allocate(id -> new Call(id, 7, address(PEER), new EmbeddedChannel(), 1, 64,
                0, 1, 0))).call();
        plane.callEstablished(call);
        gre.runPendingTasks();
        recipient = new InetSocketAddress(address(US), 0);
    }

    private static InetAddress address(byte[] address) {
        try {
            return InetAddress.getByAddress(address);
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    private double counter(String name) {
        return meters.find(name).counters().stream().mapToDouble(c -> c.count()).sum();
    }

    @Test
    void anyDatagramIsCountedOrDeliveredAndNothingLeaks() {
        List<ByteBuf> live = new ArrayList<>();
        List<byte[]> datagrams = new ArrayList<>();
        List<byte[]> greSeeds = new ArrayList<>();
        for (long s = 0; s < 8; s++) {
            greSeeds.add(Packets.enhancedGre(call.callId(), s, s > 0 ? s - 1 : null, new byte[] {(byte) 0xc0, 0x21, 1}));
        }
        greSeeds.add(Packets.enhancedGre(call.callId(), null, 3L, new byte[0]));
        greSeeds.forEach(g -> datagrams.add(Packets.ipv4Gre(PEER, US, g)));
        int[] count = {0};
        // Whole datagrams: the IPv4 header is fair game too.
        Fuzz.run("gre-data-plane-datagram", datagrams, input -> feed(input, live, count));
        // GRE behind a valid IPv4 header from the peer, so mutations reach the call's windows.
        Fuzz.run("gre-data-plane-gre", greSeeds,
                input -> feed(Unpooled.wrappedBuffer(Packets.ipv4Gre(PEER, US, bytes(input))), live, count));
        gre.advanceTimeBy(1, TimeUnit.SECONDS);
        gre.runScheduledPendingTasks();
        calls.release(call);
        plane.callCleared(call, CallClearCause.SHUTDOWN);
        gre.runPendingTasks();
        gre.finishAndReleaseAll();
        assertThat(live).allSatisfy(b -> assertThat(b.refCnt()).isZero());
        assertThat(counter("pptp.gre.errors")).isZero();
        assertThat(delivered).as("some mutations were valid data").isPositive();
        assertThat(counter("pptp.gre.drops")).as("and most were dropped").isPositive();
    }

    private static byte[] bytes(ByteBuf buffer) {
        byte[] bytes = new byte[buffer.readableBytes()];
        buffer.getBytes(buffer.readerIndex(), bytes);
        return bytes;
    }

    /** The data plane gets its own copy: Fuzz releases its input, while the window may hold ours. */
    private void feed(ByteBuf input, List<ByteBuf> live, int[] count) {
        ByteBuf copy = Unpooled.buffer(input.readableBytes()).writeBytes(input, input.readerIndex(), input.readableBytes());
        live.add(copy);
        gre.writeInbound(new DatagramPacket(copy, recipient));
        gre.checkException();
        if (++count[0] % 1024 == 0) {
            live.removeIf(b -> b.refCnt() == 0);
            ack();
        }
    }

    /** Lets the ack timer fire now and then and drains what it sent, as the socket would. */
    private void ack() {
        gre.advanceTimeBy(100, TimeUnit.MILLISECONDS);
        gre.runScheduledPendingTasks();
        for (Object sent; (sent = gre.readOutbound()) != null; ) {
            ((DatagramPacket) sent).release();
        }
    }

    @Test
    void theReceivePathAllocatesNothingPerPacket() {
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long thread = Thread.currentThread().threadId();
        int n = 10_000;
        // One long in-order run, prepared up front: the packets' own objects are not the path's.
        // Heap buffers: releasing an unpooled direct buffer costs the JDK's cleaner ~16 B here
        // (Java 25, no Unsafe), which the socket's pooled buffers do not.
        List<Long> perPacket = new ArrayList<>();
        long[] sequence = {0};
        for (int round = 0; round < 12; round++) {
            DatagramPacket[] packets = new DatagramPacket[n];
            for (int i = 0; i < n; i++) {
                byte[] ip = Packets.ipv4Gre(PEER, US, Packets.enhancedGre(call.callId(), sequence[0]++, null,
                        new byte[] {(byte) 0xc0, 0x21, 9, 1, 0, 8, 0, 0, 0, 0}));
                packets[i] = new DatagramPacket(Unpooled.wrappedBuffer(ip), recipient);
            }
            var pipeline = gre.pipeline();
            long before = threads.getThreadAllocatedBytes(thread);
            for (DatagramPacket packet : packets) {
                pipeline.fireChannelRead(packet);
            }
            perPacket.add((threads.getThreadAllocatedBytes(thread) - before) / n);
            if (perPacket.getLast() == 0) {
                break;
            }
        }
        assertThat(perPacket.getLast()).as("bytes per packet, round by round: %s", perPacket).isZero();
        assertThat(delivered).as("every in-order packet went up").isEqualTo(sequence[0]);
        ack();
    }
}
