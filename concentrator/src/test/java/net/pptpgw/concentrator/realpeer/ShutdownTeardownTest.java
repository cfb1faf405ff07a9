package net.pptpgw.concentrator.realpeer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.socket.DatagramPacket;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import net.pptpgw.concentrator.ConcentratorConfig;
import net.pptpgw.concentrator.ConcentratorServer;
import net.pptpgw.concentrator.Ipv4;
import net.pptpgw.concentrator.auth.ChapSecrets;
import net.pptpgw.concentrator.data.GreConfig;
import net.pptpgw.concentrator.ip.IpDataPlane;
import net.pptpgw.concentrator.pool.AddressPool;
import net.pptpgw.concentrator.session.SessionFactory;
import net.pptpgw.concentrator.session.SessionPolicy;
import net.pptpgw.linux.Ipv4Header;
import net.pptpgw.linux.RawGreSocket;
import net.pptpgw.protocol.gre.GreDecodeStatus;
import net.pptpgw.protocol.gre.GreHeader;
import net.pptpgw.protocol.ppp.fsm.AuthenticationMethod;
import net.pptpgw.protocol.ppp.fsm.AutomatonConfig;
import net.pptpgw.protocol.ppp.fsm.CcpSettings;
import net.pptpgw.protocol.ppp.fsm.IpcpAgreement;
import net.pptpgw.protocol.ppp.fsm.IpcpSettings;
import net.pptpgw.protocol.ppp.fsm.LcpSettings;
import net.pptpgw.protocol.ppp.fsm.MppeAgreement;
import net.pptpgw.protocol.ppp.fsm.Termination;
import net.pptpgw.protocol.ppp.session.PppOutput;
import net.pptpgw.protocol.ppp.session.PppSession;
import net.pptpgw.protocol.ppp.session.PppSessionConfig;
import net.pptpgw.protocol.ppp.session.PppTimers;
import net.pptpgw.protocol.ppp.session.Role;
import net.pptpgw.protocol.pptp.BearerCapabilities;
import net.pptpgw.protocol.pptp.BearerType;
import net.pptpgw.protocol.pptp.CallDisconnectNotify;
import net.pptpgw.protocol.pptp.CallDisconnectResult;
import net.pptpgw.protocol.pptp.ControlMessage;
import net.pptpgw.protocol.pptp.ControlMessages;
import net.pptpgw.protocol.pptp.FramingCapabilities;
import net.pptpgw.protocol.pptp.FramingType;
import net.pptpgw.protocol.pptp.GeneralErrorCode;
import net.pptpgw.protocol.pptp.OutgoingCallReply;
import net.pptpgw.protocol.pptp.OutgoingCallRequest;
import net.pptpgw.protocol.pptp.OutgoingCallResult;
import net.pptpgw.protocol.pptp.StartControlConnectionReply;
import net.pptpgw.protocol.pptp.StartControlConnectionRequest;
import net.pptpgw.protocol.pptp.StopControlConnectionReply;
import net.pptpgw.protocol.pptp.StopControlConnectionRequest;
import net.pptpgw.protocol.pptp.StopControlConnectionResult;
import net.pptpgw.protocol.testing.Packets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Teardown with the PPP sessions told first, on real kernel sockets: the concentrator (control,
 * GRE, a {@link SessionFactory} per call) in one network namespace, PPTP clients in another,
 * joined by a veth pair. Each client is a real TCP control connection, a raw GRE socket and our
 * PPP engine in the client role (MS-CHAPv2, MPPE-128), so its session is network-up like a real
 * one. What each client receives is logged in one list, in arrival order, across the TCP and GRE
 * paths: a client that answers the LCP Terminate-Request can only get its Call-Disconnect-Notify
 * after the server has seen its Terminate-Ack, so the order in the list is the order on the wire.
 */
class ShutdownTeardownTest {

    private static final String SERVER = "10.207.0.1";
    private static final String CLIENT = "10.207.0.2";

    private final MeterRegistry meters = new SimpleMeterRegistry();
    private final AddressPool pool = AddressPool.parse(List.of("10.89.0.10-10.89.0.20"));
    /** What the clients received (and the Terminate-Acks they sent), in order: "NAME WHAT". */
    private final List<String> events = Collections.synchronizedList(new ArrayList<>());
    /** The clients by their own (the PNS's) call ID, which the server's GRE carries in its key. */
    private final Map<Integer, TestClient> clientsByCallId = new ConcurrentHashMap<>();
    private final List<TestClient> clients = new ArrayList<>();
    private TestNamespace serverNs;
    private TestNamespace clientNs;
    private ConcentratorServer server;
    private SessionFactory sessions;
    private EventLoopGroup clientLoop;
    private Channel clientGre;
    private int nextClientCallId = 0x4100;

    @BeforeEach
    void setUp() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "needs root for network namespaces");
        serverNs = new TestNamespace("down-s");
        clientNs = new TestNamespace("down-c");
        serverNs.veth("pds0", SERVER + "/24", clientNs, "pdc0", CLIENT + "/24");
        clientLoop = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        var options = RawGreSocket.Options.defaults().withBindAddress((Inet4Address) InetAddress.getByName(CLIENT));
        clientGre = clientNs.callInside(() -> RawGreSocket.register(clientLoop, options,
                new SimpleChannelInboundHandler<DatagramPacket>() {
                    private final GreHeader header = new GreHeader();

                    @Override
                    protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
                        ByteBuf ip = packet.content();
                        int greAt = ip.readerIndex() + Ipv4Header.headerLength(ip);
                        if (header.decode(ip, greAt, ip.writerIndex() - greAt) != GreDecodeStatus.OK) {
                            return;
                        }
                        TestClient client = clientsByCallId.get(header.callId());
                        if (client != null) {
                            client.greReceived(header, ip);
                        }
                    }
                }).sync().channel());
    }

    @AfterEach
    void tearDown() throws Exception {
        try {
            for (TestClient client : clients) {
                client.close();
            }
            if (server != null) {
                server.close();
            }
            if (clientLoop != null) {
                clientLoop.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
            }
        } finally {
            if (clientNs != null) {
                clientNs.close();
            }
            if (serverNs != null) {
                serverNs.close();
            }
        }
    }

    private void startServer(Duration shutdownGrace) throws Exception {
        SessionPolicy policy = new SessionPolicy("pptpd", Ipv4.parse("10.89.0.1"),
                List.of(AuthenticationMethod.MS_CHAP_V2), CcpSettings.require128Stateless(), List.of(), List.of(),
                Duration.ZERO, 2, 1);
        IpDataPlane ip = new IpDataPlane(Ipv4.parse("10.89.0.1"), pool, meters, packet -> {
            packet.release();
            return true;
        });
        sessions = new SessionFactory(policy, pool, ChapSecrets.parse("test", "u1 * \"pass one\" *\n"), ip, meters);
        ConcentratorConfig config = ConcentratorConfig.defaults()
                .withListen(InetAddress.getByName(SERVER), ControlMessages.PPTP_PORT)
                .withShutdownGrace(shutdownGrace);
        server = new ConcentratorServer(config, meters, sessions, GreConfig.defaults(), sessions);
        serverNs.callInside(server::start);
    }

    // ------------------------------------------------------------------ tests

    @Test
    void shutdownTellsThePppPeerWhyThenDisconnectsTheCallAndStops() throws Exception {
        startServer(Duration.ofSeconds(5));
        TestClient client = connect("a", true);

        long start = System.nanoTime();
        server.shutdown();
        long tookMillis = (System.nanoTime() - start) / 1_000_000;

        await("the control connection closed", () -> events.contains("a closed"));
        assertThat(events).containsSubsequence(
                "a LCP Terminate-Request: " + ConcentratorServer.SHUTDOWN_REASON,
                "a sent LCP Terminate-Ack",
                "a Call-Disconnect-Notify " + CallDisconnectResult.ADMIN_SHUTDOWN,
                "a Stop-Control-Connection-Request",
                "a closed");
        // The Terminate-Ack ended the wait, not the 5-second grace.
        assertThat(tookMillis).isLessThan(3000);
        assertReleased();
        assertThat(counter("pptp.session.ended", "cause", "shutdown")).isEqualTo(1);
        // The client's PPP leaves Stopping a Restart period later (RFC 1661 §4.2), knowing why.
        await("the client's link down", () -> client.down != null);
        assertThat(client.down.cause()).isEqualTo(Termination.PEER_TERMINATED);
        assertThat(client.down.detail()).endsWith(ConcentratorServer.SHUTDOWN_REASON);
    }

    @Test
    void aPeerThatNeverAcknowledgesHoldsTheShutdownForTheGraceOnly() throws Exception {
        startServer(Duration.ofSeconds(1));
        connect("answers", true);
        connect("silent", false);

        long start = System.nanoTime();
        server.shutdown();
        long tookMillis = (System.nanoTime() - start) / 1_000_000;

        await("both control connections closed", () -> events.containsAll(List.of("answers closed", "silent closed")));
        String request = " LCP Terminate-Request: " + ConcentratorServer.SHUTDOWN_REASON;
        String disconnect = " Call-Disconnect-Notify " + CallDisconnectResult.ADMIN_SHUTDOWN;
        assertThat(events).containsSubsequence("answers" + request, "answers sent LCP Terminate-Ack",
                "answers" + disconnect, "answers Stop-Control-Connection-Request");
        assertThat(events).containsSubsequence("silent" + request, "silent" + disconnect,
                "silent Stop-Control-Connection-Request");
        // The answering peer's call is cleared as soon as it answered, not at the end of the grace.
        assertThat(events).containsSubsequence("answers" + disconnect, "silent" + disconnect);
        assertThat(tookMillis).as("the grace, then prompt Stop-Control-Connection-Replies")
                .isBetween(900L, 2500L);
        assertReleased();
        assertThat(counter("pptp.session.ended", "cause", "shutdown")).isEqualTo(2);
    }

    /** RFC 2637 §2.13: the PAC clears the call when PPP goes down, whoever took it down. */
    @Test
    void aClientsTerminateRequestIsAcknowledgedThenTheCallIsDisconnected() throws Exception {
        startServer(Duration.ofSeconds(1));
        TestClient client = connect("c", true);

        client.loop().execute(() -> client.ppp.close(Termination.of(Termination.ADMINISTRATIVE_CLOSE, "user hung up")));

        await("the call released", () -> server.calls().activeCalls() == 0 && sessions.sessions().size() == 0);
        await("the Call-Disconnect-Notify", () -> events.contains("c Call-Disconnect-Notify "
                + CallDisconnectResult.LOST_CARRIER));
        assertThat(events).containsSubsequence("c LCP Terminate-Ack",
                "c Call-Disconnect-Notify " + CallDisconnectResult.LOST_CARRIER);
        assertThat(events).doesNotContain("c Stop-Control-Connection-Request", "c closed");
        assertThat(client.down).as("the client's PPP finished on the Terminate-Ack").isNotNull();
        assertThat(pool.allocated()).isZero();
        assertThat(server.dataPlane().sessions()).isZero();
        assertThat(counter("pptp.session.ended", "cause", Termination.PEER_TERMINATED)).isEqualTo(1);
        assertThat(server.openConnections()).as("the control connection stays for the next call").isEqualTo(1);
    }

    // ------------------------------------------------------------------ helpers

    private void assertReleased() {
        assertThat(server.calls().activeCalls()).isZero();
        assertThat(sessions.sessions().size()).isZero();
        assertThat(pool.allocated()).isZero();
        assertThat(server.openConnections()).isZero();
    }

    private double counter(String name, String... tags) {
        var counter = meters.find(name).tags(tags).counter();
        return counter == null ? 0 : counter.count();
    }

    /** A client with its call placed and its PPP network-up. */
    private TestClient connect(String name, boolean answersTerminate) throws Exception {
        TestClient client = new TestClient(name, nextClientCallId++, answersTerminate);
        clients.add(client);
        client.placeCall();
        client.up.get(15, TimeUnit.SECONDS);
        return client;
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(20);
        }
    }

    /**
     * One PNS: a control connection read by its own thread (which answers a
     * Stop-Control-Connection-Request), GRE through the shared raw socket, and our PPP engine on
     * the client event loop. One that does not answer Terminate drops the server's LCP
     * Terminate-Requests unseen by its PPP.
     */
    private final class TestClient implements PppOutput, PppTimers {

        final String name;
        final int callId;
        final boolean answersTerminate;
        final CompletableFuture<IpcpAgreement> up = new CompletableFuture<>();
        final PppSession ppp;
        volatile Termination down;
        private Socket control;
        private int serverCallId;
        private long nextSequence;
        private long lastReceived = -1;

        TestClient(String name, int callId, boolean answersTerminate) {
            this.name = name;
            this.callId = callId;
            this.answersTerminate = answersTerminate;
            PppSessionConfig config = new PppSessionConfig(Role.CLIENT,
                    LcpSettings.client(List.of(AuthenticationMethod.MS_CHAP_V2)), IpcpSettings.client(true, false),
                    CcpSettings.require128Stateless(), AutomatonConfig.DEFAULTS, name,
                    Optional.of(new PppSessionConfig.Credentials("u1", "pass one")), Optional.empty(), 1,
                    Duration.ZERO, 3);
            this.ppp = new PppSession(config, this, this, new SplittableRandom(callId), ByteBufAllocator.DEFAULT);
        }

        io.netty.channel.EventLoop loop() {
            return clientGre.eventLoop();
        }

        /** SCCRQ, SCCRP, OCRQ, OCRP over TCP from the client namespace; then PPP starts. */
        void placeCall() throws Exception {
            control = clientNs.callInside(() -> {
                Socket socket = new Socket();
                socket.bind(new InetSocketAddress(InetAddress.getByName(CLIENT), 0));
                socket.connect(new InetSocketAddress(InetAddress.getByName(SERVER), ControlMessages.PPTP_PORT), 5000);
                return socket;
            });
            write(new StartControlConnectionRequest(StartControlConnectionRequest.PROTOCOL_VERSION_1_0,
                    FramingCapabilities.ASYNCHRONOUS, BearerCapabilities.ANALOG, 0, 1, name, "teardown test"));
            assertThat(read()).isInstanceOf(StartControlConnectionReply.class);
            write(new OutgoingCallRequest(callId, 1, 300, 100_000_000, BearerType.ANY, FramingType.ANY, 64, 0, 0,
                    "", ""));
            OutgoingCallReply reply = (OutgoingCallReply) read();
            assertThat(reply.resultCode()).isEqualTo(OutgoingCallResult.CONNECTED);
            serverCallId = reply.callId();
            clientsByCallId.put(callId, this);
            Thread reader = new Thread(this::readControl, "control-" + name);
            reader.setDaemon(true);
            reader.start();
            loop().execute(ppp::start);
        }

        /** Logs every message; answers a Stop-Control-Connection-Request as a PNS must (RFC 2637 §2.4). */
        private void readControl() {
            try {
                while (true) {
                    ControlMessage message = read();
                    switch (message) {
                        case CallDisconnectNotify notify -> events.add(name + " Call-Disconnect-Notify "
                                + notify.resultCode());
                        case StopControlConnectionRequest request -> {
                            events.add(name + " Stop-Control-Connection-Request");
                            write(new StopControlConnectionReply(StopControlConnectionResult.OK, GeneralErrorCode.NONE));
                        }
                        default -> events.add(name + " " + message.type());
                    }
                }
            } catch (EOFException | SocketException closed) {
                events.add(name + " closed");
            } catch (IOException e) {
                events.add(name + " " + e);
            }
        }

        /** On the client loop: a GRE packet for this call, {@code header} decoded from the IPv4 packet {@code ip}. */
        void greReceived(GreHeader header, ByteBuf ip) {
            if (header.hasSequence()) {
                lastReceived = header.sequence();
            }
            if (header.payloadLength() == 0) {
                return;
            }
            ByteBuf frame = Unpooled.copiedBuffer(ip.slice(header.payloadOffset(), header.payloadLength()));
            int code = lcpCode(frame);
            if (code == 5) {
                events.add(name + " LCP Terminate-Request: " + lcpData(frame));
                if (!answersTerminate) {
                    frame.release();
                    return;
                }
            } else if (code == 6) {
                events.add(name + " LCP Terminate-Ack");
            }
            ppp.receive(frame);
        }

        @Override
        public void sendFrame(ByteBuf frame) {
            byte[] bytes = ByteBufUtil.getBytes(frame);
            if (lcpCode(frame) == 6) {
                events.add(name + " sent LCP Terminate-Ack");
            }
            frame.release();
            byte[] gre = Packets.enhancedGre(serverCallId, nextSequence++, lastReceived < 0 ? null : lastReceived, bytes);
            clientGre.writeAndFlush(new DatagramPacket(Unpooled.wrappedBuffer(gre), new InetSocketAddress(SERVER, 0)));
        }

        @Override
        public void ipPacketReceived(ByteBuf packet) {
            packet.release();
        }

        @Override
        public void networkUp(IpcpAgreement ipcp, Optional<MppeAgreement> mppe) {
            up.complete(ipcp);
        }

        @Override
        public void linkDown(Termination reason) {
            down = reason;
            up.completeExceptionally(new AssertionError(name + ": link down before network up: " + reason));
        }

        @Override
        public Timer schedule(Duration delay, Runnable task) {
            var future = loop().schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
            return () -> future.cancel(false);
        }

        private void write(ControlMessage message) throws IOException {
            ByteBuf out = Unpooled.buffer();
            ControlMessages.encode(message, out);
            synchronized (this) {
                control.getOutputStream().write(ByteBufUtil.getBytes(out));
            }
            out.release();
        }

        private ControlMessage read() throws IOException {
            DataInputStream in = new DataInputStream(control.getInputStream());
            int length = in.readUnsignedShort();
            byte[] message = new byte[length];
            message[0] = (byte) (length >> 8);
            message[1] = (byte) length;
            in.readFully(message, 2, length - 2);
            return ControlMessages.decode(Unpooled.wrappedBuffer(message));
        }

        void close() throws IOException {
            if (control != null) {
                control.close();
            }
        }
    }

    /** The code of an LCP packet (RFC 1661 §5), or -1 when {@code frame} is not LCP. */
    private static int lcpCode(ByteBuf frame) {
        int at = lcpAt(frame);
        return at < 0 ? -1 : frame.getUnsignedByte(at);
    }

    /** The Data of an LCP Terminate-Request as text (RFC 1661 §5.5: the sender's reason). */
    private static String lcpData(ByteBuf frame) {
        int at = lcpAt(frame);
        int length = frame.getUnsignedShort(at + 2);
        return frame.toString(at + 4, length - 4, StandardCharsets.US_ASCII);
    }

    /** Where the LCP packet starts, after Address/Control (if present) and the Protocol 0xC021; -1 if not LCP. */
    private static int lcpAt(ByteBuf frame) {
        int at = frame.readerIndex();
        if (frame.readableBytes() >= 2 && frame.getUnsignedShort(at) == 0xFF03) {
            at += 2;
        }
        return frame.writerIndex() - at >= 6 && frame.getUnsignedShort(at) == 0xC021 ? at + 2 : -1;
    }
}
