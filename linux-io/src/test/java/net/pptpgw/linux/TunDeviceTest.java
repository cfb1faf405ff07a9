package net.pptpgw.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.IoEventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.util.ResourceLeakDetector;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import net.pptpgw.protocol.testing.ExternalTools;
import net.pptpgw.protocol.testing.Packets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * TUN devices in a namespace of their own: the kernel's ping reaches the test through the
 * device and the test's answers reach ping, so both directions and the event-loop path are
 * real.
 */
class TunDeviceTest {

    private static final String LOCAL = "10.201.0.1";
    private static final String PEER = "10.201.0.2";

    private final TestNamespaces namespaces = new TestNamespaces();
    private final List<AutoCloseable> toClose = new ArrayList<>();
    private IoEventLoopGroup group;
    private String namespace;
    private NetworkNamespace inside;

    @BeforeEach
    void setUp() throws IOException {
        TestNamespaces.requireRoot();
        namespace = namespaces.create("tun");
        inside = NetworkNamespace.enter(namespace);
        group = new MultiThreadIoEventLoopGroup(2, EpollIoHandler.newFactory());
    }

    @AfterEach
    void tearDown() throws Exception {
        for (AutoCloseable c : toClose.reversed()) {
            c.close();
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
    void pingThroughTheDeviceIsAnsweredByItsReader() throws Exception {
        ExternalTools.require("ping");
        TunDevice tun = open(() -> TunDevice.open("pgtun%d"));
        assertThat(tun.name()).isEqualTo("pgtun0");
        assertThat(tun.interfaceIndex()).isPositive();
        configure(tun.name());

        EchoResponder responder = new EchoResponder();
        TunQueue queue = tun.queue(0);
        queue.register(group.next(), TunQueue.Options.defaults(), responder).sync();

        var ping = TestNamespaces.exec(namespace, 20, "ping", "-c", "3", "-W", "1", "-i", "0.2", PEER);

        assertThat(ping.output()).as(ping.output()).contains("3 packets transmitted, 3 received");
        assertThat(responder.answered).hasValue(3);
        assertThat(queue.packetsWritten()).isEqualTo(3);
        assertThat(queue.packetsRead()).isGreaterThanOrEqualTo(3);
        assertThat(queue.writeErrors()).isZero();
        assertThat(queue.truncatedPackets()).isZero();
    }

    @Test
    void multiQueueDeviceHasTwoQueuesAndAnswersFromWhicheverReads() throws Exception {
        ExternalTools.require("ping");
        TunDevice tun = open(() -> TunDevice.openMultiQueue("pgmq%d", 2));
        assertThat(tun.isMultiQueue()).isTrue();
        assertThat(tun.queues()).hasSize(2);
        assertThat(tun.queue(0).fd()).isNotEqualTo(tun.queue(1).fd());
        assertThat(tun.queues()).allSatisfy(q -> assertThat(q.deviceName()).isEqualTo(tun.name()));
        assertThat(IpCommand.inNamespace(namespace).run("-d", "link", "show", "dev", tun.name()))
                .contains("multi_queue numqueues 2");
        configure(tun.name());

        // Headroom and another allocator exercise reads at an offset into pooled buffers.
        EchoResponder responder = new EchoResponder();
        TunQueue.Options options = TunQueue.Options.defaults()
                .withHeadroom(32).withAllocator(PooledByteBufAllocator.DEFAULT);
        for (TunQueue queue : tun.queues()) {
            queue.register(group.next(), options, responder).sync();
        }

        var ping = TestNamespaces.exec(namespace, 20, "ping", "-c", "3", "-W", "1", "-i", "0.2", PEER);

        assertThat(ping.output()).as(ping.output()).contains("3 packets transmitted, 3 received");
        assertThat(responder.answered).hasValue(3);
        assertThat(responder.headroomSeen).containsOnly(32);
        // The reply reaches ping inside write(2), before the loop thread counts it: wait for the count.
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (tun.queue(0).packetsWritten() + tun.queue(1).packetsWritten() < 3 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(tun.queue(0).packetsWritten() + tun.queue(1).packetsWritten()).isEqualTo(3);
    }

    @Test
    void readAndWriteWithoutEventLoopFromHeapCompositeAndOffsetBuffers() throws Exception {
        TunDevice tun = open(() -> TunDevice.open("pgraw0"));
        configure(tun.name());
        TunQueue queue = tun.queue(0);

        // Echo requests to the device's own address: the kernel answers them back out the device.
        ByteBuf heap = Unpooled.wrappedBuffer(echoRequest(1));
        byte[] second = echoRequest(2);
        CompositeByteBuf composite = Unpooled.compositeBuffer()
                .addComponent(true, Unpooled.wrappedBuffer(second, 0, 10))
                .addComponent(true, Unpooled.directBuffer(64).writeBytes(second, 10, second.length - 10));
        ByteBuf direct = ByteBufAllocator.DEFAULT.directBuffer(256).writeZero(7);
        direct.writeBytes(echoRequest(3)).skipBytes(7);
        try {
            for (ByteBuf packet : List.of(heap, composite, direct)) {
                assertThat(queue.writePacket(packet)).isTrue();
            }
        } finally {
            heap.release();
            composite.release();
            direct.release();
        }

        List<Integer> sequences = new ArrayList<>();
        ByteBuf buffer = ByteBufAllocator.DEFAULT.directBuffer(2048);
        try {
            long deadline = System.nanoTime() + Duration.ofSeconds(3).toNanos();
            while (sequences.size() < 3 && System.nanoTime() < deadline) {
                buffer.clear().writeZero(5).readerIndex(5); // read at an offset, too
                if (queue.readPacket(buffer) < 0) {
                    Thread.sleep(5);
                    continue;
                }
                int ihl = Ipv4Header.headerLength(buffer);
                if (ihl > 0 && Ipv4Header.protocol(buffer) == 1 && buffer.getByte(buffer.readerIndex() + ihl) == 0) {
                    assertThat(Ipv4Header.format(Ipv4Header.source(buffer))).isEqualTo(LOCAL);
                    assertThat(Ipv4Header.format(Ipv4Header.destination(buffer))).isEqualTo(PEER);
                    sequences.add(buffer.getUnsignedShort(buffer.readerIndex() + ihl + 6));
                }
            }
        } finally {
            buffer.release();
        }
        assertThat(sequences).containsExactlyInAnyOrder(1, 2, 3);

        ByteBuf heapTarget = Unpooled.buffer(2048);
        assertThatThrownBy(() -> queue.readPacket(heapTarget)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void readWriteRoundTripAllocatesNothing() throws Exception {
        TunDevice tun = open(() -> TunDevice.open("pgalloc0"));
        configure(tun.name());
        TunQueue queue = tun.queue(0);
        ByteBuf request = ByteBufAllocator.DEFAULT.directBuffer(256).writeBytes(echoRequest(9));
        ByteBuf reply = ByteBufAllocator.DEFAULT.directBuffer(2048);
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long thread = Thread.currentThread().threadId();
        try {
            assertReachesZeroAllocation(threads, thread, n -> {
                try {
                    roundTrips(queue, request, reply, n);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
        } finally {
            request.release();
            reply.release();
        }
    }

    @Test
    void eventLoopPathAllocatesNothingPerPacket() throws Exception {
        TunDevice tun = open(() -> TunDevice.open("pgloop0"));
        configure(tun.name());
        TunQueue queue = tun.queue(0);
        AtomicInteger replies = new AtomicInteger();
        // Each reply read is written straight back as the next request: the loop alone keeps
        // the traffic going, so the loop thread's allocations are all the data path's.
        ByteBuf template = ByteBufAllocator.DEFAULT.directBuffer(256).writeBytes(echoRequest(5));
        int[] remaining = {0};
        long[] loopThread = {0};
        queue.register(group.next(), TunQueue.Options.defaults(), new TunPacketHandler() {
            @Override
            public void packetRead(TunQueue q, ByteBuf packet) {
                int ihl = Ipv4Header.headerLength(packet);
                if (ihl < 0 || Ipv4Header.protocol(packet) != 1 || packet.getByte(packet.readerIndex() + ihl) != 0) {
                    packet.release();
                    return;
                }
                replies.incrementAndGet();
                if (remaining[0]-- > 0) {
                    packet.clear().writeBytes(template, 0, template.readableBytes());
                    q.write(packet);
                } else {
                    packet.release();
                }
            }

            @Override
            public void readComplete(TunQueue q) {
                q.flush();
            }
        }).sync();
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        ResourceLeakDetector.Level leakDetection = ResourceLeakDetector.getLevel();
        try {
            queue.eventLoop().submit(() -> loopThread[0] = Thread.currentThread().threadId()).sync();
            // Netty's leak detector samples one buffer in 128 and records a stack trace for it:
            // its allocation, not the data path's.
            ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.DISABLED);
            assertReachesZeroAllocation(threads, loopThread[0], n -> {
                try {
                    pingPong(queue, template, replies, remaining, n);
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            });
        } finally {
            ResourceLeakDetector.setLevel(leakDetection);
            template.release();
        }
    }

    /**
     * Runs rounds of packets until one allocates less than a byte per packet on {@code thread}.
     * The first rounds allocate while the JIT compiles the path (the JDK's downcall makes a
     * call-state slice per call until escape analysis removes it); a per-packet allocation in
     * our code would show in every round.
     */
    static void assertReachesZeroAllocation(com.sun.management.ThreadMXBean threads, long thread,
                                                    java.util.function.IntConsumer packets) {
        int n = 10_000;
        List<Long> perPacket = new ArrayList<>();
        // Bounded by rounds and time: on a loaded machine C2 may take many rounds to get there.
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        for (int round = 0; round < 60 && (round < 12 || System.nanoTime() < deadline); round++) {
            long before = threads.getThreadAllocatedBytes(thread);
            packets.accept(n);
            perPacket.add((threads.getThreadAllocatedBytes(thread) - before) / n);
            if (perPacket.getLast() == 0) {
                return;
            }
        }
        throw new AssertionError("bytes allocated per packet, round by round, never reached 0: " + perPacket);
    }

    private static void pingPong(TunQueue queue, ByteBuf template, AtomicInteger replies, int[] remaining, int count)
            throws Exception {
        int target = replies.get() + count;
        queue.eventLoop().submit(() -> {
            remaining[0] = count - 1;
            queue.writeAndFlush(template.retainedDuplicate());
        }).sync();
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (replies.get() < target && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(replies.get()).isEqualTo(target);
    }

    private static void roundTrips(TunQueue queue, ByteBuf request, ByteBuf reply, int count) throws IOException {
        for (int i = 0; i < count; i++) {
            request.readerIndex(0);
            if (!queue.writePacket(request)) {
                throw new AssertionError("device refused a write");
            }
            do {
                reply.clear();
            } while (queue.readPacket(reply) < 0); // the kernel answers within the write's own call chain
        }
    }

    @Test
    void nameLongerThanIfnamsizIsRefusedClearly() {
        assertThatThrownBy(() -> TunDevice.open("pg-much-too-long0"))
                .isInstanceOf(IOException.class)
                .hasMessage("TUN device name 'pg-much-too-long0' is 17 bytes long; Linux allows at most 15"
                        + " (IFNAMSIZ 16 with the terminating NUL)");
    }

    @Test
    void kernelErrorsNameTheCallTheDeviceAndTheErrno() throws Exception {
        assertThatThrownBy(() -> inside.call(() -> TunDevice.open("bad/name")))
                .isInstanceOf(ErrnoException.class)
                .hasMessage("ioctl(TUNSETIFF, bad/name): Invalid argument (EINVAL)")
                .satisfies(e -> assertThat(((ErrnoException) e).errno()).isEqualTo(Libc.EINVAL));

        open(() -> TunDevice.open("pgbusy0"));
        assertThatThrownBy(() -> inside.call(() -> TunDevice.open("pgbusy0")))
                .isInstanceOf(ErrnoException.class)
                .hasMessage("ioctl(TUNSETIFF, pgbusy0): Device or resource busy (EBUSY)");
    }

    @Test
    void kernelChoosesTheNameWhenNoneIsGiven() throws Exception {
        TunDevice tun = open(() -> TunDevice.open(null));
        assertThat(tun.name()).matches("tun\\d+");
        assertThat(IpCommand.inNamespace(namespace).run("link", "show", "dev", tun.name())).contains(tun.name());
        assertThat(tun).hasToString("TunDevice[" + tun.name() + ", 1 queue]");
    }

    @Test
    void fullWriteQueueDropsAndReleases() throws Exception {
        TunDevice tun = open(() -> TunDevice.open("pgfull0"));
        configure(tun.name());
        TunQueue queue = tun.queue(0);
        TunQueue.Options options = TunQueue.Options.defaults().withWriteQueueCapacity(4);
        queue.register(group.next(), options, (q, p) -> p.release()).sync();
        CompletableFuture<Void> loopHeld = new CompletableFuture<>();
        CompletableFuture<Void> release = new CompletableFuture<>();
        queue.eventLoop().execute(() -> { // hold the loop so that nothing drains the queue
            loopHeld.complete(null);
            release.join();
        });
        loopHeld.get(5, TimeUnit.SECONDS);

        List<ByteBuf> packets = new ArrayList<>();
        List<Boolean> accepted = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            ByteBuf packet = Unpooled.directBuffer(128).writeBytes(echoRequest(i));
            packets.add(packet);
            accepted.add(queue.write(packet));
        }
        queue.flush();
        release.complete(null);

        assertThat(accepted).containsExactly(true, true, true, true, false, false, false, false, false, false);
        assertThat(queue.writeDrops()).isEqualTo(6);
        assertThat(packets.subList(4, 10)).allSatisfy(p -> assertThat(p.refCnt()).isZero());
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (queue.packetsWritten() < 4 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(queue.packetsWritten()).isEqualTo(4);
        assertThat(packets.subList(0, 4)).allSatisfy(p -> assertThat(p.refCnt()).isZero());
    }

    @Test
    void deviceDeletedUnderARegisteredQueueIsReportedAndClosesIt() throws Exception {
        TunDevice tun = open(() -> TunDevice.open("pggone0"));
        CompletableFuture<Throwable> failure = new CompletableFuture<>();
        TunQueue queue = tun.queue(0);
        queue.register(group.next(), TunQueue.Options.defaults(), new TunPacketHandler() {
            @Override
            public void packetRead(TunQueue q, ByteBuf packet) {
                packet.release();
            }

            @Override
            public void exceptionCaught(TunQueue q, Throwable cause) {
                failure.complete(cause);
            }
        }).sync();

        IpCommand.inNamespace(namespace).run("link", "delete", "dev", tun.name());

        assertThat(failure.get(5, TimeUnit.SECONDS)).isInstanceOf(ErrnoException.class)
                .hasMessageStartingWith("read(pggone0 queue 0");
        assertThat(queue.isOpen()).isFalse();
        ByteBuf late = Unpooled.directBuffer(64).writeBytes(echoRequest(1));
        assertThat(queue.write(late)).isFalse();
        assertThat(late.refCnt()).isZero();
        assertThat(queue.writeDrops()).isEqualTo(1);
    }

    @Test
    void writesQueuedFromAnotherThreadAreFlushedOnTheLoop() throws Exception {
        TunDevice tun = open(() -> TunDevice.open("pgq0"));
        configure(tun.name());
        ConcurrentLinkedQueue<Integer> replies = new ConcurrentLinkedQueue<>();
        TunQueue queue = tun.queue(0);
        queue.register(group.next(), TunQueue.Options.defaults(), (q, packet) -> {
            int ihl = Ipv4Header.headerLength(packet);
            if (ihl > 0 && Ipv4Header.protocol(packet) == 1 && packet.getByte(packet.readerIndex() + ihl) == 0) {
                replies.add(packet.getUnsignedShort(packet.readerIndex() + ihl + 6));
            }
            packet.release();
        }).sync();

        for (int i = 0; i < 50; i++) { // this thread is not the loop: write queues, flush hands over once
            assertThat(queue.write(Unpooled.directBuffer(128).writeBytes(echoRequest(i)))).isTrue();
        }
        queue.flush();

        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (replies.size() < 50 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(replies).hasSize(50);
        assertThat(queue.packetsWritten()).isEqualTo(50);
    }

    // ---------------------------------------------------------------- helpers

    private TunDevice open(NetworkNamespace.Task<TunDevice> opening) throws IOException {
        TunDevice tun = inside.call(opening);
        toClose.add(tun);
        return tun;
    }

    private void configure(String device) throws IOException {
        IpCommand ip = IpCommand.inNamespace(namespace);
        ip.setMtu(device, 1400);
        ip.addPeerAddress(device, LOCAL, PEER + "/30");
        ip.linkUp(device);
    }

    /** An ICMP echo request (RFC 792) from the peer to the device's own address. */
    private static byte[] echoRequest(int sequence) {
        ByteBuf icmp = Unpooled.buffer(8 + 32);
        icmp.writeByte(8).writeByte(0).writeShort(0).writeShort(0x4747).writeShort(sequence);
        for (int i = 0; i < 32; i++) {
            icmp.writeByte(i);
        }
        icmp.setShort(2, Checksums.internet(icmp, 0, icmp.readableBytes()));
        byte[] bytes = new byte[icmp.readableBytes()];
        icmp.readBytes(bytes);
        return Packets.ipv4(1, Packets.address(10, 201, 0, 2), Packets.address(10, 201, 0, 1), bytes);
    }

    /** Answers ICMP echo requests in place: addresses swapped, type 0, checksum redone. */
    static final class EchoResponder implements TunPacketHandler {
        final AtomicInteger answered = new AtomicInteger();
        final ConcurrentLinkedQueue<Integer> headroomSeen = new ConcurrentLinkedQueue<>();

        @Override
        public void packetRead(TunQueue queue, ByteBuf packet) {
            headroomSeen.add(packet.readerIndex());
            int ihl = Ipv4Header.headerLength(packet);
            int start = packet.readerIndex();
            if (ihl < 0 || Ipv4Header.protocol(packet) != 1 || packet.getUnsignedByte(start + ihl) != 8) {
                packet.release(); // e.g. IPv6 router solicitations
                return;
            }
            int source = Ipv4Header.source(packet);
            packet.setInt(start + 12, Ipv4Header.destination(packet));
            packet.setInt(start + 16, source); // a swap keeps the header checksum valid
            int icmpLength = Ipv4Header.totalLength(packet) - ihl;
            packet.setByte(start + ihl, 0);
            packet.setShort(start + ihl + 2, 0);
            packet.setShort(start + ihl + 2, Checksums.internet(packet, start + ihl, icmpLength));
            if (queue.write(packet)) {
                answered.incrementAndGet();
            }
        }

        @Override
        public void readComplete(TunQueue queue) {
            queue.flush();
        }
    }
}
