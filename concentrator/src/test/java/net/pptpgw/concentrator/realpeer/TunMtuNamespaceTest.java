package net.pptpgw.concentrator.realpeer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.channel.IoEventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import net.pptpgw.concentrator.Ipv4;
import net.pptpgw.concentrator.ip.IpDataPlane;
import net.pptpgw.concentrator.ip.IpSession;
import net.pptpgw.concentrator.ip.MssClamp;
import net.pptpgw.concentrator.ip.TunDropReason;
import net.pptpgw.concentrator.pool.AddressPool;
import net.pptpgw.linux.IpCommand;
import net.pptpgw.protocol.testing.ExternalTools;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The per-session MTU against the real kernel: the concentrator's TUN in one namespace, a host
 * behind it in another (a veth between them), a session of MTU 1200 at 10.88.0.12. The host's
 * own {@code ping} is the judge: with DF and 1300 octets it hears "Frag needed and DF set (mtu =
 * 1200)" from the concentrator's address and its kernel caches the path MTU; without DF the
 * session receives fragments that fit. This is also what shows the kernel takes our ICMP from
 * the TUN at all (it would drop it as a martian without {@code accept_local}).
 */
class TunMtuNamespaceTest {

    private static final String LOCAL = "10.88.0.1";
    private static final String SESSION = "10.88.0.12";
    private static final int MTU = 1200;

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final BlockingQueue<byte[]> received = new LinkedBlockingQueue<>();
    private TestNamespace gateway;
    private TestNamespace host;
    private MultiThreadIoEventLoopGroup group;
    private IpDataPlane plane;

    /** A session of MTU 1200 that keeps what it is sent. Runs on the TUN's loop. */
    private final IpSession session = new IpSession() {
        @Override
        public TunDropReason fromTun(ByteBuf packet) {
            byte[] bytes = new byte[packet.readableBytes()];
            packet.getBytes(packet.readerIndex(), bytes);
            packet.release();
            received.add(bytes);
            return null;
        }

        @Override
        public int mtu() {
            return MTU;
        }

        @Override
        public int maxSegmentSize() {
            return MssClamp.mssFor(MTU);
        }
    };

    @BeforeEach
    void setUp() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "needs root for network namespaces");
        ExternalTools.require("ping");
        gateway = new TestNamespace("mtu-g");
        host = new TestNamespace("mtu-h");
        gateway.veth("pgm0", "192.0.2.1/24", host, "pgm1", "192.0.2.2/24");
        IpCommand.inNamespace(host.name).run("route", "add", "10.88.0.0/24", "via", "192.0.2.1");
        AddressPool pool = AddressPool.parse(List.of("10.88.0.10-10.88.0.20"));
        plane = gateway.callInside(() -> {
            Files.writeString(Path.of("/proc/sys/net/ipv4/ip_forward"), "1");
            return IpDataPlane.open("pgmtu0", Ipv4.parse(LOCAL), IpDataPlane.DEFAULT_MTU, pool, meters);
        });
        group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        IoEventLoop loop = (IoEventLoop) group.next();
        plane.start(loop);
        loop.submit(() -> plane.attach(pool.lookup(Ipv4.toInt(Ipv4.parse(SESSION))), session)).sync();
    }

    @AfterEach
    void tearDown() throws Exception {
        if (group != null) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
        if (plane != null) {
            plane.close();
        }
        if (host != null) {
            host.close();
        }
        if (gateway != null) {
            gateway.close();
        }
    }

    private String ping(String... options) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of("ping", "-n", "-c", "1", "-W", "2"));
        command.addAll(List.of(options));
        command.add(SESSION);
        Process process = host.start(command);
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(10, TimeUnit.SECONDS)).isTrue();
        return out;
    }

    @Test
    void aHostBehindTheTunLearnsTheSessionsMtu() throws Exception {
        String refused = ping("-M", "do", "-s", "1300");
        assertThat(refused).as(refused).contains("From " + LOCAL).contains("Frag needed and DF set (mtu = " + MTU + ")");
        assertThat(received).as("nothing too big reached the session").isEmpty();
        String route = IpCommand.inNamespace(host.name).run("route", "get", SESSION);
        assertThat(route).as("the host's kernel cached the path MTU").contains("mtu " + MTU);
        assertThat(meters.get("pptp.ip.icmp.frag.needed").tag("outcome", "sent").counter().count()).isEqualTo(1);

        // DF clear, 1328 octets: within the TUN's MTU, so the kernel routes it to us whole (the
        // cached path MTU forgotten first, or the host would split it itself), and we split it.
        IpCommand.inNamespace(host.name).run("route", "flush", "cache");
        ping("-M", "dont", "-s", "1300");
        byte[] first = received.poll(5, TimeUnit.SECONDS);
        byte[] second = received.poll(5, TimeUnit.SECONDS);
        assertThat(first).isNotNull();
        assertThat(second).isNotNull();
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        for (byte[] fragment : List.of(first, second)) {
            assertThat(fragment.length).isLessThanOrEqualTo(MTU);
            int headerLength = (fragment[0] & 0x0F) * 4;
            data.write(fragment, headerLength, fragment.length - headerLength);
        }
        assertThat(data.size()).as("ICMP header and 1300 octets of ping data").isEqualTo(8 + 1300);
        assertThat(meters.get("pptp.ip.fragments").counter().count()).isEqualTo(2);
    }
}
