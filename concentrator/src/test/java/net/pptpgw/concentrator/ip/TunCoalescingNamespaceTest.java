package net.pptpgw.concentrator.ip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.IoEventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import net.pptpgw.concentrator.Ipv4;
import net.pptpgw.concentrator.pool.AddressPool;
import net.pptpgw.linux.InternetChecksum;
import net.pptpgw.linux.IpCommand;
import net.pptpgw.linux.NetworkNamespace;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link IpDataPlane#open}'s TUN against the real kernel: TCP segments a session receives in
 * one batch on the loop (as one GRE read delivers them) reach a socket of the concentrator's
 * namespace as GSO super-packets, counted in {@code pptp.tun.coalesced.*}, all bytes in order.
 */
class TunCoalescingNamespaceTest {

    private static final String LOCAL = "10.89.0.1";
    private static final int LOCAL_INT = 0x0A590001;
    private static final int SESSION_INT = 0x0A59000C; // 10.89.0.12
    private static final int SESSION_PORT = 40000;
    private static final int SERVER_PORT = 5002;
    private static final int SYN = 0x02;
    private static final int ACK = 0x10;
    private static final int PSH = 0x08;

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final AtomicInteger serverSequence = new AtomicInteger();
    private final AtomicInteger acknowledged = new AtomicInteger();
    private String namespace;
    private NetworkNamespace inside;
    private MultiThreadIoEventLoopGroup group;
    private IoEventLoop loop;
    private IpDataPlane plane;

    /** The session at 10.89.0.12: notes the server's ISN and acknowledgments. */
    private final IpSession session = new IpSession() {
        @Override
        public TunDropReason fromTun(ByteBuf p) {
            int s = p.readerIndex();
            if (p.getUnsignedByte(s + 9) == 6 && (p.getUnsignedByte(s + 33) & SYN) != 0) {
                serverSequence.set(p.getInt(s + 24));
            }
            if (p.getUnsignedByte(s + 9) == 6) {
                acknowledged.set(p.getInt(s + 28));
            }
            p.release();
            return null;
        }

        @Override
        public int mtu() {
            return IpDataPlane.DEFAULT_MTU;
        }

        @Override
        public int maxSegmentSize() {
            return MssClamp.mssFor(IpDataPlane.DEFAULT_MTU);
        }
    };

    @BeforeEach
    void setUp() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "needs root for network namespaces");
        namespace = "pg-ip-gso-" + ProcessHandle.current().pid();
        IpCommand.inCallerNamespace().run("netns", "add", namespace);
        IpCommand.inNamespace(namespace).linkUp("lo");
        inside = NetworkNamespace.enter(namespace);
        AddressPool pool = AddressPool.parse(List.of("10.89.0.10-10.89.0.20"));
        plane = inside.call(() -> IpDataPlane.open("pggso0", Ipv4.parse(LOCAL), IpDataPlane.DEFAULT_MTU, pool, meters));
        group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        loop = (IoEventLoop) group.next();
        plane.start(loop);
        loop.submit(() -> plane.attach(pool.lookup(SESSION_INT), session)).sync();
    }

    @AfterEach
    void tearDown() throws Exception {
        if (group != null) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
        if (plane != null) {
            plane.close();
        }
        if (inside != null) {
            inside.close();
        }
        if (namespace != null) {
            IpCommand.inCallerNamespace().run("netns", "delete", namespace);
        }
    }

    @Test
    void oneBatchOfSegmentsFromASessionIsWrittenAsSuperPackets() throws Exception {
        ServerSocket listener = inside.call(() -> {
            ServerSocket s = new ServerSocket();
            s.bind(new InetSocketAddress(InetAddress.getByName(LOCAL), SERVER_PORT));
            return s;
        });
        int segments = 40;
        int size = 1000;
        CompletableFuture<byte[]> received = CompletableFuture.supplyAsync(() -> {
            try (listener; Socket socket = listener.accept(); InputStream in = socket.getInputStream()) {
                ByteArrayOutputStream all = new ByteArrayOutputStream();
                byte[] chunk = new byte[65536];
                for (int n; all.size() < segments * size && (n = in.read(chunk)) >= 0; ) {
                    all.write(chunk, 0, n);
                }
                return all.toByteArray();
            } catch (java.io.IOException e) {
                throw new java.util.concurrent.CompletionException(e);
            }
        });

        int isn = 90_000;
        loop.submit(() -> plane.fromSession(tcp(isn, 0, SYN, new byte[0]), SESSION_INT, 1356)).sync();
        waitFor(() -> serverSequence.get() != 0);
        int serverNext = serverSequence.get() + 1;
        loop.submit(() -> {
            // What one GRE read batch does: several packets from the session, no flush between them.
            plane.fromSession(tcp(isn + 1, serverNext, ACK, new byte[0]), SESSION_INT, 1356);
            for (int i = 0; i < segments; i++) {
                byte[] payload = new byte[size];
                for (int j = 0; j < size; j++) {
                    payload[j] = (byte) ((i * size + j) % 251);
                }
                plane.fromSession(tcp(isn + 1 + i * size, serverNext, i == segments - 1 ? ACK | PSH : ACK, payload),
                        SESSION_INT, 1356);
            }
        }).sync();

        byte[] data = received.get(10, TimeUnit.SECONDS);
        assertThat(data).hasSize(segments * size);
        for (int i = 0; i < data.length; i++) {
            assertThat(data[i]).as("octet %d", i).isEqualTo((byte) (i % 251));
        }
        waitFor(() -> acknowledged.get() == isn + 1 + segments * size);
        assertThat(meters.get("pptp.tun.coalesced.packets").functionCounter().count()).isEqualTo(segments);
        assertThat(meters.get("pptp.tun.coalesced.runs").functionCounter().count()).isEqualTo(1);
    }

    /** A TCP segment from the session to the server, checksums right, in a direct buffer as GRE reads give them. */
    private static ByteBuf tcp(int sequence, int acknowledgment, int flags, byte[] payload) {
        ByteBuf t = Unpooled.buffer(20 + payload.length);
        t.writeShort(SESSION_PORT).writeShort(SERVER_PORT).writeInt(sequence).writeInt(acknowledgment)
                .writeByte(5 << 4).writeByte(flags).writeShort(65535).writeShort(0).writeShort(0).writeBytes(payload);
        ByteBuf pseudo = Unpooled.buffer().writeInt(SESSION_INT).writeInt(LOCAL_INT).writeShort(6)
                .writeShort(t.readableBytes()).writeBytes(t, 0, t.readableBytes());
        t.setShort(16, InternetChecksum.checksum(pseudo, 0, pseudo.readableBytes()));
        byte[] ip = Datagrams.ipv4(sequence & 0xFFFF, Datagrams.DONT_FRAGMENT, 6, new byte[0], Datagrams.bytes(t),
                SESSION_INT, LOCAL_INT);
        return Unpooled.directBuffer(ip.length).writeBytes(ip);
    }

    private static void waitFor(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("timed out").isLessThan(deadline);
            Thread.sleep(2);
        }
    }
}
