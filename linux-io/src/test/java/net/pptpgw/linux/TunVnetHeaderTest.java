package net.pptpgw.linux;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.channel.IoEventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import net.pptpgw.linux.TcpSegmentCoalescerTest.Segment;
import net.pptpgw.protocol.testing.ExternalTools;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A TUN opened with {@code IFF_VNET_HDR} in a namespace of its own: the test plays the peer
 * 10.202.0.2 behind the TUN, speaks TCP to a real socket of the namespace's kernel with
 * segments it crafts, and the queue writes them as GSO super-packets; plain packets (ping)
 * still pass both ways.
 */
class TunVnetHeaderTest {

    private static final String LOCAL = "10.202.0.1";
    private static final String PEER = "10.202.0.2";
    private static final int LOCAL_INT = 0x0ACA0001;
    private static final int PEER_INT = 0x0ACA0002;
    private static final int PEER_PORT = 40000;
    private static final int SERVER_PORT = 5001;
    private static final int SEGMENT = 1000;
    private static final int SYN = 0x02;
    private static final int ACK = 0x10;
    private static final int PSH = 0x08;

    private final TestNamespaces namespaces = new TestNamespaces();
    private IoEventLoopGroup group;
    private String namespace;
    private NetworkNamespace inside;
    private TunDevice tun;
    private final ExecutorService server = Executors.newSingleThreadExecutor();

    @BeforeEach
    void setUp() throws IOException {
        TestNamespaces.requireRoot();
        namespace = namespaces.create("vnet");
        inside = NetworkNamespace.enter(namespace);
        group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        tun = inside.call(() -> TunDevice.openWithVnetHeader("pgvnet%d"));
        IpCommand ip = IpCommand.inNamespace(namespace);
        ip.setMtu(tun.name(), 1400);
        ip.addPeerAddress(tun.name(), LOCAL, PEER + "/30");
        ip.linkUp(tun.name());
    }

    @AfterEach
    void tearDown() throws Exception {
        server.shutdownNow();
        if (tun != null) {
            tun.close();
        }
        if (group != null) {
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).sync();
        }
        if (inside != null) {
            inside.close();
        }
        namespaces.close();
    }

    @Test
    void pingPassesBothWaysThroughTheVirtioNetHeader() throws Exception {
        ExternalTools.require("ping");
        assertThat(tun.hasVnetHeader()).isTrue();
        TunDeviceTest.EchoResponder responder = new TunDeviceTest.EchoResponder();
        TunQueue queue = tun.queue(0);
        queue.register(group.next(), TunQueue.Options.defaults().withHeadroom(32), responder).sync();

        var ping = TestNamespaces.exec(namespace, 20, "ping", "-c", "3", "-W", "1", "-i", "0.2", "-s", "1300", PEER);

        assertThat(ping.output()).as(ping.output()).contains("3 packets transmitted, 3 received");
        assertThat(responder.answered).hasValue(3);
        assertThat(responder.headroomSeen).as("the header is read aside, the packet lands at the headroom")
                .containsOnly(32);
        assertThat(queue.writeErrors()).isZero();
        assertThat(queue.offloadedReads()).isZero();
        assertThat(queue.coalescedRuns()).isZero();
    }

    /**
     * Reads see plain packets because the device's offloads stay off; with checksum offload
     * switched on (TUNSETOFFLOAD, TUN_F_CSUM: what TunDevice never does) the kernel hands over a
     * UDP datagram checksum-partial, and the queue drops it and counts it instead of passing on
     * a packet whose checksum is unfinished.
     */
    @Test
    void readsWithOffloadsOffArePlainAndAChecksumPartialReadIsDropped() throws Exception {
        AtomicInteger udpRead = new AtomicInteger();
        TunQueue queue = tun.queue(0);
        queue.register(group.next(), TunQueue.Options.defaults(), (q, p) -> {
            if (Ipv4Header.headerLength(p) > 0 && Ipv4Header.protocol(p) == 17) {
                udpRead.incrementAndGet();
            }
            p.release();
        }).sync();
        java.net.DatagramSocket udp = inside.call(java.net.DatagramSocket::new);
        try (udp) {
            java.net.DatagramPacket datagram = new java.net.DatagramPacket(new byte[100], 100,
                    new InetSocketAddress(InetAddress.getByName(PEER), 9999));
            udp.send(datagram);
            waitFor(() -> udpRead.get() == 1, "the datagram read with offloads off");
            assertThat(queue.offloadedReads()).isZero();

            // ioctl(fd, TUNSETOFFLOAD, TUN_F_CSUM): the argument is the flags themselves, not a pointer.
            Libc.ioctl(queue.fd(), 0x400454d0L, java.lang.foreign.MemorySegment.ofAddress(0x01), "TUNSETOFFLOAD");
            udp.send(datagram);
            waitFor(() -> queue.offloadedReads() == 1, "the checksum-partial datagram dropped");
            assertThat(udpRead).hasValue(1);
        }
    }

    @Test
    void crafted1000OctetSegmentsReachARealSocketAsSuperPacketsInOrder() throws Exception {
        ServerSocket listener = inside.call(() -> {
            ServerSocket s = new ServerSocket();
            s.bind(new InetSocketAddress(InetAddress.getByName(LOCAL), SERVER_PORT));
            return s;
        });
        int total = 200_000;
        CompletableFuture<byte[]> received = CompletableFuture.supplyAsync(() -> {
            try (listener; Socket socket = listener.accept(); InputStream in = socket.getInputStream()) {
                ByteArrayOutputStream all = new ByteArrayOutputStream();
                byte[] chunk = new byte[65536];
                while (all.size() < total) {
                    int n = in.read(chunk);
                    if (n < 0) {
                        break;
                    }
                    all.write(chunk, 0, n);
                }
                // Then some data our way: the kernel must hand it to us segmented (offloads off).
                OutputStream out = socket.getOutputStream();
                out.write(new byte[20_000]);
                out.flush();
                Thread.sleep(500);
                return all.toByteArray();
            } catch (IOException | InterruptedException e) {
                throw new java.util.concurrent.CompletionException(e);
            }
        }, server);

        Peer peer = new Peer();
        TunQueue queue = tun.queue(0);
        queue.register(group.next(), TunQueue.Options.defaults(), peer).sync();

        // Handshake: SYN without options (no window scaling: windows are what the field says).
        int sequence = 7_000_000;
        queue.write(Segment.of(sequence, 0).with(b -> {
            b.source = PEER_INT; b.destination = LOCAL_INT; b.sourcePort = PEER_PORT; b.destinationPort = SERVER_PORT;
            b.flags = SYN; b.acknowledgment = 0; b.window = 65535;
        }).encode());
        queue.flush();
        waitFor(() -> peer.serverSequence.get() != 0, "SYN-ACK");
        sequence++;
        int serverNext = peer.serverSequence.get() + 1;
        int isn = sequence;
        write(queue, segment(sequence, serverNext, ACK, new byte[0]));

        int sent = 0;
        int batches = 0;
        while (sent < total) {
            int acked = sequence;
            waitFor(() -> peer.acknowledged.get() == acked, "everything acknowledged before the next batch");
            int window = peer.window.get();
            int n = Math.min(64, Math.min(window / SEGMENT, (total - sent + SEGMENT - 1) / SEGMENT));
            if (n == 0) {
                Thread.sleep(10); // the application has not read yet; a window update follows
                continue;
            }
            for (int i = 0; i < n; i++) {
                int length = Math.min(SEGMENT, total - sent);
                byte[] payload = new byte[length];
                for (int j = 0; j < length; j++) {
                    payload[j] = (byte) ((sent + j) % 251);
                }
                boolean last = sent + length == total;
                queue.write(segment(sequence, serverNext, last ? ACK | PSH : ACK, payload));
                sequence += length;
                sent += length;
            }
            queue.flush(); // one flush for the batch: where runs are found
            batches++;
        }

        byte[] data = received.get(20, TimeUnit.SECONDS);
        assertThat(data).hasSize(total);
        for (int i = 0; i < total; i++) {
            if (data[i] != (byte) (i % 251)) {
                throw new AssertionError("octet " + i + " is " + data[i] + ", expected " + (byte) (i % 251));
            }
        }
        assertThat(sequence - isn).isEqualTo(total);
        assertThat(queue.writeErrors()).as("errno %d", queue.lastWriteErrno()).isZero();
        assertThat(queue.coalescedPackets()).as("every data segment went out inside a super-packet")
                .isEqualTo(total / SEGMENT);
        assertThat(queue.coalescedRuns()).isGreaterThanOrEqualTo(batches).isLessThan(total / SEGMENT);
        assertThat(peer.dataSegmentsFromServer.get()).as("the server's data reached us").isPositive();
        assertThat(peer.largestFromServer.get()).as("and was segmented by the kernel").isLessThanOrEqualTo(1400);
        assertThat(queue.offloadedReads()).isZero();
    }

    @org.junit.jupiter.params.ParameterizedTest(name = "coalesced {0}")
    @org.junit.jupiter.params.provider.ValueSource(booleans = {true, false})
    void vnetWritesAllocateNothingPerPacket(boolean coalesced) throws Exception {
        // Runs of 32 segments (or, with PSH on each, 32 single packets) to a port nobody listens on: the kernel answers each super-packet
        // with one RST, which the reader releases. The loop thread's allocations are then the
        // write path's (queue, coalescer, writev) and the read path's.
        TunQueue queue = tun.queue(0);
        queue.register(group.next(), TunQueue.Options.defaults(), (q, p) -> p.release()).sync();
        ByteBuf[] run = new ByteBuf[32];
        for (int i = 0; i < run.length; i++) {
            ByteBuf heap = segment(1_000_000 + i * SEGMENT, 1, coalesced ? ACK : ACK | PSH, new byte[SEGMENT]);
            run[i] = io.netty.buffer.PooledByteBufAllocator.DEFAULT.directBuffer(heap.readableBytes()).writeBytes(heap);
            heap.release();
        }
        long[] loopThread = {0};
        queue.eventLoop().submit(() -> loopThread[0] = Thread.currentThread().threadId()).sync();
        var threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        io.netty.util.ResourceLeakDetector.Level leakDetection = io.netty.util.ResourceLeakDetector.getLevel();
        long runsBefore = queue.coalescedRuns();
        try {
            io.netty.util.ResourceLeakDetector.setLevel(io.netty.util.ResourceLeakDetector.Level.DISABLED);
            TunDeviceTest.assertReachesZeroAllocation(threads, loopThread[0], packets -> {
                try {
                    queue.eventLoop().submit(() -> {
                        for (int n = 0; n < packets; n += run.length) {
                            for (ByteBuf segment : run) {
                                queue.write(segment.retain()); // the queue leaves the indexes alone
                            }
                            queue.flush();
                        }
                    }).sync();
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
            });
        } finally {
            io.netty.util.ResourceLeakDetector.setLevel(leakDetection);
            for (ByteBuf b : run) {
                b.release();
            }
        }
        assertThat(queue.coalescedRuns() - runsBefore > 0).isEqualTo(coalesced);
        assertThat(queue.coalescedPackets()).isEqualTo(queue.coalescedRuns() * run.length);
        assertThat(queue.writeErrors()).as("errno %d", queue.lastWriteErrno()).isZero();
    }

    private static ByteBuf segment(int sequence, int acknowledgment, int flags, byte[] payload) {
        return new Segment(0, sequence & 0xFFFF, true, 64, PEER_INT, LOCAL_INT, PEER_PORT, SERVER_PORT, sequence,
                acknowledgment, flags, 65535, new byte[0], payload).encode();
    }

    private static void write(TunQueue queue, ByteBuf packet) {
        assertThat(queue.write(packet)).isTrue();
        queue.flush();
    }

    private static void waitFor(java.util.function.BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(2);
        }
    }

    /** Reads what the kernel sends the peer: the server's ISN, its acknowledgments and window. */
    private static final class Peer implements TunPacketHandler {
        final AtomicInteger serverSequence = new AtomicInteger();
        final AtomicInteger acknowledged = new AtomicInteger();
        final AtomicInteger window = new AtomicInteger();
        final AtomicInteger dataSegmentsFromServer = new AtomicInteger();
        final AtomicInteger largestFromServer = new AtomicInteger();

        @Override
        public void packetRead(TunQueue queue, ByteBuf p) {
            try {
                int s = p.readerIndex();
                if (Ipv4Header.headerLength(p) != 20 || Ipv4Header.protocol(p) != 6
                        || p.getUnsignedShort(s + 22) != PEER_PORT) {
                    return;
                }
                int flags = p.getUnsignedByte(s + 33);
                int tcpHeader = (p.getUnsignedByte(s + 32) >> 4) * 4;
                if ((flags & SYN) != 0) {
                    serverSequence.set(p.getInt(s + 24));
                }
                window.set(p.getUnsignedShort(s + 34));
                acknowledged.set(p.getInt(s + 28));
                if (p.readableBytes() > 20 + tcpHeader) {
                    dataSegmentsFromServer.incrementAndGet();
                    largestFromServer.accumulateAndGet(p.readableBytes(), Math::max);
                }
            } finally {
                p.release();
            }
        }
    }
}
