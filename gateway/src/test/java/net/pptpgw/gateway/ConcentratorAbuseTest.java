package net.pptpgw.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.socket.DatagramPacket;
import java.io.IOException;
import java.io.InputStream;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.pptpgw.client.ClientCall;
import net.pptpgw.client.ClientConfig;
import net.pptpgw.client.PptpClient;
import net.pptpgw.client.control.CallEnd;
import net.pptpgw.client.control.ControlEnd;
import net.pptpgw.client.control.PnsControlHandler;
import net.pptpgw.linux.RawGreSocket;
import net.pptpgw.protocol.ppp.fsm.AuthenticationMethod;
import net.pptpgw.protocol.ppp.fsm.AutomatonConfig;
import net.pptpgw.protocol.ppp.fsm.CcpSettings;
import net.pptpgw.protocol.ppp.fsm.IpcpAgreement;
import net.pptpgw.protocol.ppp.fsm.IpcpSettings;
import net.pptpgw.protocol.ppp.fsm.LcpSettings;
import net.pptpgw.protocol.ppp.fsm.MppeAgreement;
import net.pptpgw.protocol.ppp.fsm.Termination;
import net.pptpgw.protocol.ppp.session.PppSession;
import net.pptpgw.protocol.ppp.session.PppSessionConfig;
import net.pptpgw.protocol.ppp.session.Role;
import net.pptpgw.protocol.pptp.BearerCapabilities;
import net.pptpgw.protocol.pptp.CallDisconnectNotify;
import net.pptpgw.protocol.pptp.FramingCapabilities;
import net.pptpgw.protocol.pptp.OutgoingCallReply;
import net.pptpgw.protocol.pptp.PptpControlEncoder;
import net.pptpgw.protocol.pptp.StartControlConnectionReply;
import net.pptpgw.protocol.pptp.StartControlConnectionRequest;
import net.pptpgw.protocol.pptp.StopControlConnectionRequest;
import net.pptpgw.protocol.testing.ExternalTools;
import net.pptpgw.protocol.testing.Packets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 5's bad input, each its own test, over real sockets against {@code pptp-gateway
 * concentrator} in its own namespace, with the {@code client} library (MS-CHAPv2 + MPPE-128) or
 * raw TCP from a client namespace; and a real Prometheus reading the session gauge of a live
 * PPP session. Every bad input must show as a metric on {@code /metrics} and as a log line, and
 * leave nothing behind: after each test no call, session, control connection or address (but
 * the pool's first, our end of every link) is held.
 *
 * <p>The pool has two client addresses, so the third call finds it exhausted. The SCCRQ flood
 * runs last: it empties the client address's connection budget (default 5/s, burst 20).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConcentratorAbuseTest {

    private static final String LOCAL = "10.205.0.1";
    private static final Pattern QUERY_VALUE = Pattern.compile("\"value\":\\[[0-9.]+,\"([^\"]+)\"\\]");

    @TempDir
    static Path dir;

    static NamespaceConcentrator rig;
    static PptpClient client;
    static InetSocketAddress pac;
    static final List<String> logs = new CopyOnWriteArrayList<>();
    static final Handler capture = new Handler() {
        private final SimpleFormatter formatter = new SimpleFormatter();

        @Override
        public void publish(LogRecord record) {
            logs.add(formatter.formatMessage(record));
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
    };

    private final List<Tunnel> tunnels = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        Logger.getLogger("").addHandler(capture);
        rig = NamespaceConcentrator.start("abuse", dir, "user * secret *\n", "--pool", LOCAL + "-10.205.0.3",
                "--echo-interval", "2s");
        pac = new InetSocketAddress(NamespaceConcentrator.SERVER, NamespaceConcentrator.PPTP_PORT);
        client = rig.inClient(() -> {
            PptpClient c = new PptpClient(ClientConfig.defaults().withIoThreads(2), new SimpleMeterRegistry());
            c.start();
            return c;
        });
    }

    @AfterAll
    static void stop() throws Exception {
        Logger.getLogger("").removeHandler(capture);
        if (client != null) {
            client.close();
        }
        if (rig != null) {
            rig.close();
        }
    }

    @AfterEach
    void nothingLeftBehind() throws Exception {
        for (Tunnel tunnel : tunnels) {
            tunnel.hangUp();
        }
        Map<String, Double> m = rig.awaitMetrics(Duration.ofSeconds(15), ConcentratorAbuseTest::idle);
        assertThat(m.get("pptp_calls_active")).as("pptp_calls_active").isEqualTo(0.0);
        assertThat(m.get("pptp_pool_allocated")).as("pptp_pool_allocated: only our end, %s", LOCAL).isEqualTo(1.0);
        assertThat(NamespaceConcentrator.sum(m, "pptp_sessions{")).as("pptp_sessions").isZero();
        assertThat(NamespaceConcentrator.sum(m, "pptp_control_connections{")).as("pptp_control_connections").isZero();
        assertThat(client.callIdsInUse()).isZero();
    }

    private static boolean idle(Map<String, Double> m) {
        return m.getOrDefault("pptp_calls_active", -1.0) == 0 && m.getOrDefault("pptp_pool_allocated", -1.0) == 1
                && NamespaceConcentrator.sum(m, "pptp_sessions{") == 0
                && NamespaceConcentrator.sum(m, "pptp_control_connections{") == 0;
    }

    @Test
    @Order(1)
    void prometheusReadsTheSessionGaugeOfALivePppSession() throws Exception {
        ExternalTools.require("prometheus");
        int prometheusPort = 9090;
        Path config = Files.writeString(dir.resolve("prometheus.yml"), """
                global:
                  scrape_interval: 1s
                  scrape_timeout: 1s
                scrape_configs:
                  - job_name: concentrator
                    static_configs:
                      - targets: ['127.0.0.1:%d']
                """.formatted(NamespaceConcentrator.METRICS_PORT));
        Path log = dir.resolve("prometheus.log");
        Process prometheus = rig.startInServer(log, "prometheus", "--config.file=" + config,
                "--storage.tsdb.path=" + dir.resolve("tsdb"), "--web.listen-address=127.0.0.1:" + prometheusPort,
                "--log.level=warn");
        try {
            Tunnel tunnel = open("secret");
            tunnel.awaitUp();
            assertThat(awaitQuery(prometheusPort, "pptp_sessions{state=\"up\"}", "1"))
                    .as("Prometheus' pptp_sessions{state=\"up\"}; prometheus.log: %s", Files.readString(log))
                    .isEqualTo("1");
            assertThat(awaitQuery(prometheusPort, "pptp_pool_allocated", "2")).isEqualTo("2");
            tunnel.hangUp();
            assertThat(awaitQuery(prometheusPort, "pptp_sessions{state=\"up\"}", "0")).isEqualTo("0");
        } finally {
            prometheus.destroy();
            if (!prometheus.waitFor(10, TimeUnit.SECONDS)) {
                prometheus.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    @Order(2)
    void wrongPasswordGetsAWindowsStyleFailureThenTheCallEnds() throws Exception {
        double before = rig.metric("pptp_session_auth_failures_total{method=\"ms-chap-v2\"}");
        Tunnel tunnel = open("not-the-secret");
        Optional<Termination> ppp = tunnel.ended.get(15, TimeUnit.SECONDS);

        // RFC 2759 §6 as Windows servers word it: no retry (R=0), a new challenge, version 3.
        assertThat(ppp).hasValueSatisfying(t -> assertThat(t.toString())
                .containsPattern("E=691 R=0 C=[0-9A-F]{32} V=3"));
        assertThat(tunnel.up).as("never network up").isCompletedExceptionally();
        assertThat(rig.metric("pptp_session_auth_failures_total{method=\"ms-chap-v2\"}")).isEqualTo(before + 1);
        assertThat(logs).anyMatch(l -> l.contains("authentication-failed") && l.contains("wrong password"));
    }

    @Test
    @Order(3)
    void greForALiveCallFromAForeignSourceIsDroppedAndCountedAndTheSessionCarriesOn() throws Exception {
        Tunnel tunnel = open("secret");
        tunnel.awaitUp();
        String drops = "pptp_gre_drops_total{reason=\"wrong-source\"}";
        double before = rig.metric(drops);
        int callId = tunnel.call.pnsCall().peerCallId();

        EventLoopGroup loop = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        try {
            Inet4Address forger = (Inet4Address) InetAddress.getByName(NamespaceConcentrator.OTHER_CLIENT);
            Channel gre = rig.inClient(() -> RawGreSocket.register(loop,
                    RawGreSocket.Options.defaults().withBindAddress(forger), new SimpleChannelInboundHandler<DatagramPacket>() {
                        @Override
                        protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {}
                    }).sync().channel());
            // An LCP Terminate-Request in the live call's key, sequence numbers far ahead: if it
            // got through, the session would end.
            byte[] terminate = ByteBufUtil.decodeHexDump("ff03c02105010004");
            for (int i = 0; i < 5; i++) {
                byte[] packet = Packets.enhancedGre(callId, 1000L + i, null, terminate);
                gre.writeAndFlush(new DatagramPacket(Unpooled.wrappedBuffer(packet),
                        new InetSocketAddress(NamespaceConcentrator.SERVER, 0))).sync();
            }
            Map<String, Double> m = rig.awaitMetrics(Duration.ofSeconds(5), s -> s.getOrDefault(drops, 0.0) >= before + 5);
            assertThat(m.get(drops)).isEqualTo(before + 5);
            gre.close().sync();
        } finally {
            loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
        assertThat(logs).anyMatch(l -> l.contains("GRE for call " + callId + " from " + NamespaceConcentrator.OTHER_CLIENT)
                && l.contains("dropped"));

        // The session is unharmed: still up, and it carries a ping to our end of the link.
        assertThat(rig.metric("pptp_sessions{state=\"up\"}")).isEqualTo(1.0);
        assertThat(tunnel.ping(LOCAL)).as("ICMP Echo Reply through the tunnel").isTrue();
        assertThat(tunnel.ended).isNotDone();
    }

    @Test
    @Order(4)
    void garbageOnAnEstablishedConnectionDisconnectsTheCallWithBadFormatThenStops() throws Exception {
        String malformed = "pptp_control_malformed_total{reason=\"bad-magic-cookie\"}";
        double before = rig.metric(malformed);
        try (PptpTestClient peer = rig.inClient(() -> new PptpTestClient(pac))) {
            assertThat(peer.start().resultCode().code()).isEqualTo(1);
            OutgoingCallReply reply = peer.call(0x4242);
            assertThat(reply.resultCode().code()).isEqualTo(1);

            peer.sendRaw(ByteBufUtil.decodeHexDump("00100001deadbeef0005000000000000"));

            // RFC 2637 §2.13: result 2 (General Error) with error 2 (Bad-Format); then §2.3 Stop.
            CallDisconnectNotify cdn = peer.next(CallDisconnectNotify.class);
            assertThat(cdn.callId()).isEqualTo(reply.callId());
            assertThat(cdn.resultCode().code()).isEqualTo(2);
            assertThat(cdn.errorCode().code()).isEqualTo(2);
            assertThat(peer.next(StopControlConnectionRequest.class).reason().code()).isEqualTo(1);
            assertThat(peer.next()).isEqualTo("closed");
        }
        assertThat(rig.metric(malformed)).isEqualTo(before + 1);
        assertThat(logs).anyMatch(l -> l.contains("malformed message"));
    }

    @Test
    @Order(5)
    void garbageInsteadOfAStartRequestGetsBadFormatAndClose() throws Exception {
        String malformed = "pptp_control_malformed_total{reason=\"bad-length\"}";
        double before = rig.metric(malformed);
        try (PptpTestClient peer = rig.inClient(() -> new PptpTestClient(pac))) {
            peer.sendRaw("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            // §2.2: a Start-Control-Connection-Reply with General Error, error 2 (Bad-Format).
            StartControlConnectionReply reply = peer.next(StartControlConnectionReply.class);
            assertThat(reply.resultCode().code()).isEqualTo(2);
            assertThat(reply.errorCode().code()).isEqualTo(2);
            assertThat(peer.next()).isEqualTo("closed");
        }
        assertThat(rig.metric(malformed)).isEqualTo(before + 1);
    }

    @Test
    @Order(6)
    void truncatedControlMessagesThenTcpCloseAreCountedAndLeaveNothingBehind() throws Exception {
        String truncated = "pptp_control_malformed_total{reason=\"truncated\"}";
        double before = rig.metric(truncated);
        byte[] sccrq = encode(sccrq());
        // Half a Start-Control-Connection-Request, then FIN.
        try (PptpTestClient peer = rig.inClient(() -> new PptpTestClient(pac))) {
            peer.sendRaw(java.util.Arrays.copyOf(sccrq, 80));
            awaitConnections(1);
        }
        // An established connection with a call, then half an Outgoing-Call-Request, then FIN.
        try (PptpTestClient peer = rig.inClient(() -> new PptpTestClient(pac))) {
            peer.start();
            assertThat(peer.call(0x4343).resultCode().code()).isEqualTo(1);
            peer.sendRaw(java.util.Arrays.copyOf(sccrq, 40));
            assertThat(rig.metric("pptp_calls_active")).isEqualTo(1.0);
        }
        Map<String, Double> m = rig.awaitMetrics(Duration.ofSeconds(5), s -> s.getOrDefault(truncated, 0.0) >= before + 2);
        assertThat(m.get(truncated)).isEqualTo(before + 2);
        assertThat(logs).anyMatch(l -> l.contains("closed by the peer 80 octets into an unfinished message (state idle)"));
        assertThat(logs).anyMatch(l -> l.contains("closed by the peer 40 octets into an unfinished message (state established)"));
        // nothingLeftBehind() checks the rest.
    }

    @Test
    @Order(7)
    void anExhaustedPoolRefusesTheCallWithNoResource() throws Exception {
        double before = rig.metric("pptp_session_setup_failures_total{reason=\"pool-exhausted\"}");
        Tunnel first = open("secret");
        Tunnel second = open("secret");
        first.awaitUp();
        second.awaitUp();
        assertThat(rig.metric("pptp_pool_allocated")).isEqualTo(3.0);

        try (PptpTestClient peer = rig.inClient(() -> new PptpTestClient(pac))) {
            peer.start();
            OutgoingCallReply reply = peer.call(0x4444);
            // RFC 2637 §2.8: result 2 (General Error), error 4 (No-Resource).
            assertThat(reply.resultCode().code()).isEqualTo(2);
            assertThat(reply.errorCode().code()).isEqualTo(4);
        }
        assertThat(rig.metric("pptp_session_setup_failures_total{reason=\"pool-exhausted\"}")).isEqualTo(before + 1);
        assertThat(logs).anyMatch(l -> l.contains("Outgoing-Call-Request") && l.contains("pool-exhausted"));
        assertThat(rig.metric("pptp_pool_allocated")).isEqualTo(3.0);
        assertThat(first.ended).isNotDone();
        // nothingLeftBehind() hangs both up and sees the pool back to our end alone.
    }

    @Test
    @Order(8)
    void anSccrqFloodFromOneSourceIsRateLimitedWhileAnotherSourceIsServed() throws Exception {
        // The earlier tests' connections came from this source too: let its bucket fill up again.
        Thread.sleep(4200);
        double before = rig.metric("pptp_control_rate_limited_total");
        byte[] sccrq = encode(sccrq());
        int[] answered = rig.inClient(() -> {
            int replies = 0;
            int refused = 0;
            InetAddress source = InetAddress.getByName(NamespaceConcentrator.CLIENT);
            for (int i = 0; i < 60; i++) {
                try (Socket socket = new Socket()) {
                    socket.bind(new InetSocketAddress(source, 0));
                    socket.connect(pac, 2000);
                    socket.setSoTimeout(2000);
                    socket.getOutputStream().write(sccrq);
                    if (readFully(socket.getInputStream(), 156)) {
                        replies++;
                    } else {
                        refused++;
                    }
                } catch (IOException reset) {
                    refused++;
                }
            }
            return new int[] {replies, refused};
        });
        // Burst 20, plus a refill at 5/s if the flood took longer than 200 ms.
        assertThat(answered[0]).as("SCCRPs of the flood").isBetween(20, 22);
        assertThat(answered[1]).as("connections closed at once").isEqualTo(60 - answered[0]);
        assertThat(rig.metric("pptp_control_rate_limited_total")).isEqualTo(before + answered[1]);
        assertThat(logs).anyMatch(l -> l.contains(NamespaceConcentrator.CLIENT + " opens connections faster than"));

        try (PptpTestClient other = rig.inClient(() -> new PptpTestClient(pac,
                new InetSocketAddress(NamespaceConcentrator.OTHER_CLIENT, 0)))) {
            assertThat(other.start().resultCode().code()).as("another source is served").isEqualTo(1);
        }
    }

    // ---- helpers ----

    private static boolean readFully(InputStream in, int length) throws IOException {
        int read = 0;
        byte[] buffer = new byte[length];
        while (read < length) {
            int n = in.read(buffer, read, length - read);
            if (n < 0) {
                return false;
            }
            read += n;
        }
        return true;
    }

    private static void awaitConnections(int expected) throws Exception {
        Map<String, Double> m = rig.awaitMetrics(Duration.ofSeconds(5),
                s -> NamespaceConcentrator.sum(s, "pptp_control_connections{") == expected);
        assertThat(NamespaceConcentrator.sum(m, "pptp_control_connections{")).isEqualTo(expected);
    }

    private static StartControlConnectionRequest sccrq() {
        return new StartControlConnectionRequest(StartControlConnectionRequest.PROTOCOL_VERSION_1_0,
                FramingCapabilities.ASYNCHRONOUS, BearerCapabilities.ANALOG, 0, 1, "flood", "abuse test");
    }

    private static byte[] encode(Object message) {
        EmbeddedChannel channel = new EmbeddedChannel(new PptpControlEncoder());
        channel.writeOutbound(message);
        ByteBuf encoded = channel.readOutbound();
        try {
            return ByteBufUtil.getBytes(encoded);
        } finally {
            encoded.release();
            channel.finishAndReleaseAll();
        }
    }

    /** Polls Prometheus' instant-query API (from inside the server namespace) until {@code query} is {@code expected}. */
    private static String awaitQuery(int port, String query, String expected) throws Exception {
        String path = "/api/v1/query?query=" + URLEncoder.encode(query, StandardCharsets.UTF_8);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        String last = null;
        while (System.nanoTime() < deadline) {
            try {
                Matcher m = QUERY_VALUE.matcher(rig.inServer(() -> NamespaceConcentrator.httpGet(port, path)));
                if (m.find()) {
                    last = m.group(1);
                    if (last.equals(expected)) {
                        return last;
                    }
                }
            } catch (IOException notUpYet) {
                // Prometheus is still starting
            }
            Thread.sleep(250);
        }
        return last;
    }

    private Tunnel open(String password) throws Exception {
        Tunnel tunnel = new Tunnel(password);
        tunnels.add(tunnel);
        rig.inClient(() -> client.connect(pac, (Inet4Address) InetAddress.getByName(NamespaceConcentrator.CLIENT),
                tunnel));
        return tunnel;
    }

    /** One control connection and one MS-CHAPv2 + MPPE-128 call of the client library on it. */
    private static final class Tunnel implements PnsControlHandler.Listener, ClientCall.Listener {

        final String password;
        final CompletableFuture<IpcpAgreement> up = new CompletableFuture<>();
        final CompletableFuture<Optional<Termination>> ended = new CompletableFuture<>();
        final BlockingQueue<byte[]> received = new LinkedBlockingQueue<>();
        volatile PnsControlHandler control;
        volatile ClientCall call;

        Tunnel(String password) {
            this.password = password;
        }

        void awaitUp() throws Exception {
            up.get(15, TimeUnit.SECONDS);
        }

        /** An ICMP Echo Request to {@code destination} through the tunnel; whether the reply came within 5 s. */
        boolean ping(String destination) throws Exception {
            byte[] icmp = new byte[8 + 32];
            icmp[0] = 8;
            icmp[5] = 0x77; // identifier 0x0077
            icmp[7] = 1;
            int sum = 0;
            for (int i = 0; i < icmp.length; i += 2) {
                sum += ((icmp[i] & 0xFF) << 8) | (icmp[i + 1] & 0xFF);
            }
            sum = (sum & 0xFFFF) + (sum >>> 16);
            int checksum = ~sum & 0xFFFF;
            icmp[2] = (byte) (checksum >>> 8);
            icmp[3] = (byte) checksum;
            byte[] ip = Packets.ipv4(1, up.get().localAddress().getAddress(),
                    InetAddress.getByName(destination).getAddress(), icmp);
            int headroom = PppSession.DATA_HEADROOM + 16 + 20;
            ByteBuf packet = Unpooled.directBuffer(headroom + ip.length).writerIndex(headroom).readerIndex(headroom)
                    .writeBytes(ip);
            call.ppp().link().eventLoop().execute(() -> call.sendIp(packet));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (System.nanoTime() < deadline) {
                byte[] reply = received.poll(100, TimeUnit.MILLISECONDS);
                if (reply != null && reply.length >= 28 && reply[9] == 1 && reply[20] == 0 && reply[25] == 0x77) {
                    return true;
                }
            }
            return false;
        }

        void hangUp() throws Exception {
            if (call != null && !ended.isDone()) {
                call.hangUp();
            }
            if (call != null) {
                ended.get(15, TimeUnit.SECONDS);
            }
        }

        @Override
        public void started(PnsControlHandler control, StartControlConnectionReply reply) {
            this.control = control;
            PppSessionConfig ppp = new PppSessionConfig(Role.CLIENT,
                    LcpSettings.client(List.of(AuthenticationMethod.MS_CHAP_V2)), IpcpSettings.client(false, false),
                    CcpSettings.require128Stateless(), AutomatonConfig.DEFAULTS, "abuse",
                    Optional.of(new PppSessionConfig.Credentials("user", password)), Optional.empty(), 1,
                    Duration.ZERO, 3);
            call = client.call(control, ppp, this);
        }

        @Override
        public void closed(PnsControlHandler control, ControlEnd end) {
            up.completeExceptionally(new AssertionError("control connection closed: " + end));
            ended.complete(Optional.empty());
        }

        @Override
        public void networkUp(ClientCall call, IpcpAgreement ipcp, Optional<MppeAgreement> mppe) {
            up.complete(ipcp);
        }

        @Override
        public void ipPacketReceived(ClientCall call, ByteBuf packet) {
            received.add(ByteBufUtil.getBytes(packet));
            packet.release();
        }

        @Override
        public void ended(ClientCall call, CallEnd end, Optional<Termination> ppp) {
            up.completeExceptionally(new AssertionError("call ended: " + end + " " + ppp));
            ended.complete(ppp);
            control.stop();
        }
    }
}
