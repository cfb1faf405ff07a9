package net.pptpgw.linux;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.IoEventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.socket.DatagramPacket;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import net.pptpgw.protocol.testing.Packets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Raw GRE sockets in two namespaces joined by a veth pair (10.202.0.1/24 and 10.202.0.2/24),
 * carrying enhanced GRE packets built independently of the project's codecs.
 */
class RawGreSocketTest {

    private static final int CALL_ID = 0x1234;
    private static final int MARKER_CALL_ID = 0x0777;

    private final TestNamespaces namespaces = new TestNamespaces();
    private final List<Channel> channels = new ArrayList<>();
    private IoEventLoopGroup group;
    private NetworkNamespace a;
    private NetworkNamespace b;
    private String namespaceB;
    private Inet4Address addressA;
    private Inet4Address addressB;

    @BeforeEach
    void setUp() throws IOException {
        TestNamespaces.requireRoot();
        String namespaceA = namespaces.create("gre-a");
        namespaceB = namespaces.create("gre-b");
        namespaces.veth(namespaceA, "pg-a", "10.202.0.1/24", namespaceB, "pg-b", "10.202.0.2/24");
        a = NetworkNamespace.enter(namespaceA);
        b = NetworkNamespace.enter(namespaceB);
        addressA = (Inet4Address) InetAddress.getByName("10.202.0.1");
        addressB = (Inet4Address) InetAddress.getByName("10.202.0.2");
        group = new MultiThreadIoEventLoopGroup(2, EpollIoHandler.newFactory());
    }

    @AfterEach
    void tearDown() throws Exception {
        for (Channel channel : channels) {
            channel.close().sync();
        }
        if (group != null) {
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).sync();
        }
        for (NetworkNamespace n : new NetworkNamespace[] {a, b}) {
            if (n != null) {
                n.close();
            }
        }
        namespaces.close();
    }

    @Test
    void thousandPacketsGoOneWayAndComeBackFromTheRightAddresses() throws Exception {
        Collector atA = new Collector(false);
        Collector atB = new Collector(true); // sends every GRE packet back to where it came from
        Channel socketA = open(a, RawGreSocket.Options.defaults().withBindAddress(addressA), atA);
        RawGreSocket.Options optionsB = RawGreSocket.Options.defaults().withBindAddress(addressB);
        channels.add(b.call(() -> RawGreSocket.register(group, optionsB, atB)).sync().channel());

        sendGre(socketA, addressB, CALL_ID, 0, 1000, 100);

        awaitTrue(() -> atA.received.get() >= 1000, Duration.ofSeconds(10));
        assertThat(atB.received).hasValue(1000);
        assertThat(atB.sources).containsOnly("10.202.0.1");
        assertThat(atB.senders).containsOnly("10.202.0.1");
        assertThat(atA.received).hasValue(1000);
        assertThat(atA.sources).containsOnly("10.202.0.2");
        assertThat(atA.sequences.get(CALL_ID).cardinality()).isEqualTo(1000);
        assertThat(atA.malformed).hasValue(0);
    }

    @Test
    void headerIncludedSendsAForeignSourceAddress() throws Exception {
        // B's return route for the foreign address keeps reverse-path filtering happy on any host.
        IpCommand.inNamespace(namespaceB).addRoute("10.9.9.0/24", "pg-b");
        Collector atB = new Collector(false);
        open(b, RawGreSocket.Options.defaults(), atB);
        Channel relay = open(a, RawGreSocket.Options.defaults().withHeaderIncluded(true), new Collector(false));

        byte[] gre = Packets.enhancedGre(CALL_ID, 7L, 3L, new byte[] {(byte) 0xff, 0x03, (byte) 0xc0, 0x21});
        byte[] packet = Packets.ipv4Gre(Packets.address(10, 9, 9, 9), addressB.getAddress(), gre);
        InetSocketAddress to = new InetSocketAddress(addressB, 0);
        relay.writeAndFlush(new DatagramPacket(Unpooled.wrappedBuffer(packet), to)).sync();

        awaitTrue(() -> atB.received.get() >= 1, Duration.ofSeconds(5));
        assertThat(atB.sources).containsExactly("10.9.9.9");
        assertThat(atB.senders).containsExactly("10.9.9.9");
        assertThat(atB.greBytes).containsExactly(ByteBufUtil.hexDump(gre));
    }

    @Test
    void boundToADeviceItReceivesOnlyWhatArrivesThere() throws Exception {
        Collector onVeth = new Collector(false);
        Collector onLoopback = new Collector(false);
        Collector unbound = new Collector(false);
        open(b, RawGreSocket.Options.defaults().withBindDevice("pg-b"), onVeth);
        open(b, RawGreSocket.Options.defaults().withBindDevice("lo"), onLoopback);
        open(b, RawGreSocket.Options.defaults(), unbound);
        Channel socketA = open(a, RawGreSocket.Options.defaults(), new Collector(false));

        sendGre(socketA, addressB, CALL_ID, 0, 20, 20);

        awaitTrue(() -> onVeth.received.get() >= 20 && unbound.received.get() >= 20, Duration.ofSeconds(5));
        assertThat(onVeth.received).hasValue(20);
        assertThat(unbound.received).hasValue(20);
        assertThat(onLoopback.received).as("GRE that came in on pg-b").hasValue(0);
    }

    @Test
    void optionsReachTheSocket() throws Exception {
        int[] values = b.call(() -> {
            int fd = RawGreSocket.openDescriptor(RawGreSocket.Options.defaults()
                    .withReceiveBufferBytes(3 << 20).withSendBufferBytes(1 << 20).withHeaderIncluded(true));
            try {
                return new int[] {
                    Libc.getsockopt(fd, Libc.SOL_SOCKET, Libc.SO_RCVBUF, "SO_RCVBUF"),
                    Libc.getsockopt(fd, Libc.SOL_SOCKET, Libc.SO_SNDBUF, "SO_SNDBUF"),
                    Libc.getsockopt(fd, Libc.IPPROTO_IP, Libc.IP_HDRINCL, "IP_HDRINCL"),
                };
            } finally {
                Libc.close(fd, "test socket");
            }
        });
        // The kernel doubles what it is given, for its own bookkeeping (socket(7)); above rmem_max.
        assertThat(values).containsExactly(2 * (3 << 20), 2 * (1 << 20), 1);
    }

    @Test
    void aFloodBiggerThanTheReceiveBufferDoesNotWedgeTheSocket() throws Exception {
        Collector atA = new Collector(false);
        Collector atB = new Collector(false);
        Channel socketA = open(a, RawGreSocket.Options.defaults(), atA);
        // A small buffer, not read at first: the flood must overflow it.
        EpollDatagramChannel socketB = b.call(() -> RawGreSocket.open(RawGreSocket.Options.defaults()
                .withReceiveBufferBytes(64 << 10)));
        socketB.config().setAutoRead(false);
        socketB.pipeline().addLast(atB);
        group.register(socketB).sync();
        channels.add(socketB);

        int flood = 3000;
        sendGre(socketA, addressB, CALL_ID, 0, flood, 100);
        assertThat(b.call(() -> rawSocketDrops())).as("kernel drops at B's socket").isPositive();

        socketB.config().setAutoRead(true);
        awaitTrue(() -> atB.received.get() > 0, Duration.ofSeconds(5));
        awaitStable(atB.received, Duration.ofMillis(300));
        assertThat(atB.received.get()).isBetween(1, flood - 1);

        // Still alive: paced packets after the flood all arrive.
        for (int batch = 0; batch < 10; batch++) {
            sendGre(socketA, addressB, MARKER_CALL_ID, batch * 20, 20, 20);
            int expected = (batch + 1) * 20;
            awaitTrue(() -> atB.countFor(MARKER_CALL_ID) >= expected, Duration.ofSeconds(5));
        }
        assertThat(atB.countFor(MARKER_CALL_ID)).isEqualTo(200);
    }

    // ---------------------------------------------------------------- helpers

    private Channel open(NetworkNamespace namespace, RawGreSocket.Options options, ChannelHandler handler)
            throws Exception {
        EpollDatagramChannel channel = namespace.call(() -> RawGreSocket.open(options));
        channel.pipeline().addLast(handler);
        group.register(channel).sync();
        channels.add(channel);
        return channel;
    }

    /** {@code count} enhanced GRE packets with sequence numbers from {@code first}, flushed every {@code batch}. */
    private static void sendGre(Channel channel, Inet4Address to, int callId, int first, int count, int batch)
            throws InterruptedException {
        InetSocketAddress peer = new InetSocketAddress(to, 0);
        byte[] payload = new byte[1000];
        for (int i = 0; i < count; i++) {
            byte[] gre = Packets.enhancedGre(callId, (long) (first + i), null, payload);
            DatagramPacket packet = new DatagramPacket(Unpooled.wrappedBuffer(gre), peer);
            if ((i + 1) % batch == 0 || i == count - 1) {
                channel.writeAndFlush(packet).sync(); // one sendmmsg for the batch
            } else {
                channel.write(packet);
            }
        }
    }

    /** The drops column of the raw sockets in {@code /proc/net/raw} of the calling thread's namespace. */
    private static long rawSocketDrops() throws IOException {
        return Files.readAllLines(Path.of("/proc/thread-self/net/raw")).stream().skip(1) // the heading
                .map(line -> line.trim().split("\\s+"))
                .mapToLong(fields -> Long.parseLong(fields[fields.length - 1]))
                .sum();
    }

    private static void awaitTrue(BooleanSupplier condition, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
    }

    private static void awaitStable(AtomicInteger counter, Duration quiet) throws InterruptedException {
        int last;
        do {
            last = counter.get();
            Thread.sleep(quiet.toMillis());
        } while (counter.get() != last);
    }

    /** Counts GRE datagrams by call ID and records where they came from; optionally sends each back. */
    @ChannelHandler.Sharable
    private static final class Collector extends SimpleChannelInboundHandler<DatagramPacket> {
        final boolean echo;
        final AtomicInteger received = new AtomicInteger();
        final AtomicInteger malformed = new AtomicInteger();
        final ConcurrentLinkedQueue<String> sources = new ConcurrentLinkedQueue<>();
        final ConcurrentLinkedQueue<String> senders = new ConcurrentLinkedQueue<>();
        final ConcurrentLinkedQueue<String> greBytes = new ConcurrentLinkedQueue<>();
        final java.util.Map<Integer, BitSet> sequences = new java.util.concurrent.ConcurrentHashMap<>();

        Collector(boolean echo) {
            this.echo = echo;
        }

        int countFor(int callId) {
            BitSet seen = sequences.get(callId);
            return seen == null ? 0 : seen.cardinality();
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
            ByteBuf datagram = packet.content();
            int greOffset = Ipv4Header.headerLength(datagram);
            if (greOffset < 0 || Ipv4Header.protocol(datagram) != RawGreSocket.IPPROTO_GRE
                    || datagram.readableBytes() < greOffset + 12) {
                malformed.incrementAndGet();
                return;
            }
            sources.add(Ipv4Header.format(Ipv4Header.source(datagram)));
            senders.add(packet.sender().getAddress().getHostAddress());
            ByteBuf gre = datagram.slice(datagram.readerIndex() + greOffset, datagram.readableBytes() - greOffset);
            greBytes.add(ByteBufUtil.hexDump(gre));
            int callId = gre.getUnsignedShort(6);
            if ((gre.getUnsignedByte(0) & 0x10) != 0) { // S bit: sequence number present (RFC 2637 §4.1)
                int sequence = gre.getInt(8);
                sequences.computeIfAbsent(callId, k -> new BitSet()).set(sequence);
            }
            received.incrementAndGet();
            if (echo) {
                ctx.write(new DatagramPacket(gre.retain(), new InetSocketAddress(packet.sender().getAddress(), 0)));
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
        }
    }
}
