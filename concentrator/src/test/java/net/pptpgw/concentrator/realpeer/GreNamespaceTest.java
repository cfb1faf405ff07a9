package net.pptpgw.concentrator.realpeer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.socket.DatagramPacket;
import java.io.DataInputStream;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import net.pptpgw.concentrator.ConcentratorConfig;
import net.pptpgw.concentrator.ConcentratorServer;
import net.pptpgw.concentrator.call.Call;
import net.pptpgw.concentrator.call.CallClearCause;
import net.pptpgw.concentrator.call.CallListener;
import net.pptpgw.concentrator.data.GreConfig;
import net.pptpgw.concentrator.data.PacketContext;
import net.pptpgw.concentrator.data.PppFrameHandler;
import net.pptpgw.concentrator.data.PppLink;
import net.pptpgw.concentrator.data.PppLinkFactory;
import net.pptpgw.linux.Ipv4Header;
import net.pptpgw.linux.RawGreSocket;
import net.pptpgw.protocol.gre.GreDecodeStatus;
import net.pptpgw.protocol.gre.GreHeader;
import net.pptpgw.protocol.ppp.hdlc.AsyncHdlc;
import net.pptpgw.protocol.ppp.hdlc.Fcs;
import net.pptpgw.protocol.ppp.hdlc.HdlcFrameDecoder;
import net.pptpgw.protocol.pptp.BearerCapabilities;
import net.pptpgw.protocol.pptp.BearerType;
import net.pptpgw.protocol.pptp.ControlMessage;
import net.pptpgw.protocol.pptp.ControlMessages;
import net.pptpgw.protocol.pptp.FramingCapabilities;
import net.pptpgw.protocol.pptp.FramingType;
import net.pptpgw.protocol.pptp.OutgoingCallReply;
import net.pptpgw.protocol.pptp.OutgoingCallRequest;
import net.pptpgw.protocol.pptp.OutgoingCallResult;
import net.pptpgw.protocol.pptp.StartControlConnectionReply;
import net.pptpgw.protocol.pptp.StartControlConnectionRequest;
import net.pptpgw.protocol.testing.ExternalTools;
import net.pptpgw.protocol.testing.Packets;
import net.pptpgw.protocol.testing.Tshark;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The data plane on real kernel sockets: the concentrator in one network namespace, a "client"
 * namespace joined to it by a veth pair. The client places a call over a real control
 * connection (TCP, our own codecs), then speaks enhanced GRE from a raw GRE socket of its own,
 * and a second raw socket bound to another address of the client namespace forges packets for
 * the same call; or Debian's real {@code pptp} client places the call and carries PPP frames.
 * tcpdump records the GRE link and tshark judges it.
 */
class GreNamespaceTest {

    private static final String SERVER = "10.205.0.1";
    private static final String CLIENT = "10.205.0.2";
    private static final String FORGER = "10.205.0.3";
    private static final int CLIENT_CALL_ID = 0x5151;
    /** LCP Configure-Request, id 1, MRU 1400 and magic number 0x01020304, as pppd sends it. */
    private static final String LCP_CONFIGURE_REQUEST = "ff03c0210101000e010405780506" + "01020304";

    @TempDir
    Path dir;

    private final MeterRegistry meters = new SimpleMeterRegistry();
    private final BlockingQueue<String> framesUp = new LinkedBlockingQueue<>();
    private final List<PppLink> links = new CopyOnWriteArrayList<>();
    private final List<String> linkClosed = new CopyOnWriteArrayList<>();
    private final BlockingQueue<byte[]> clientReceived = new LinkedBlockingQueue<>();
    private TestNamespace serverNs;
    private TestNamespace clientNs;
    private ConcentratorServer server;
    private EventLoopGroup clientLoop;
    private Channel clientGre;
    private Channel forgerGre;
    private Socket control;
    private Process tcpdump;
    private Path pcap;

    @BeforeEach
    void setUp() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "needs root for network namespaces");
        ExternalTools.require("tcpdump");
        ExternalTools.require("tshark");
        serverNs = new TestNamespace("gre-s");
        clientNs = new TestNamespace("gre-c");
        serverNs.veth("pgs0", SERVER + "/24", clientNs, "pgc0", CLIENT + "/24");
        clientNs.addAddress("pgc0", FORGER + "/24");

        PppLinkFactory factory = link -> {
            links.add(link);
            return new PppFrameHandler() {
                @Override
                public void frameReceived(ByteBuf frame, PacketContext context) {
                    framesUp.add(context.callId() + ":" + ByteBufUtil.hexDump(frame));
                    frame.release();
                }

                @Override
                public void linkClosed(CallClearCause cause) {
                    linkClosed.add(cause.tag());
                }
            };
        };
        ConcentratorConfig config = ConcentratorConfig.defaults()
                .withListen(InetAddress.getByName(SERVER), ControlMessages.PPTP_PORT);
        server = new ConcentratorServer(config, meters, CallListener.NONE,
                GreConfig.defaults().withAckDelay(Duration.ofMillis(100)), factory);
        serverNs.callInside(server::start);

        pcap = dir.resolve("gre.pcap");
        tcpdump = serverNs.start(List.of("tcpdump", "-i", "pgs0", "--immediate-mode", "-U", "-n", "-w",
                pcap.toString(), "ip", "proto", "47"));
        await("tcpdump listening", () -> Files.exists(pcap));
        Thread.sleep(300);

        clientLoop = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        clientGre = clientNs.callInside(() -> open(CLIENT, true));
        forgerGre = clientNs.callInside(() -> open(FORGER, false));
    }

    private Channel open(String bind, boolean record) throws Exception {
        var options = RawGreSocket.Options.defaults().withBindAddress((Inet4Address) InetAddress.getByName(bind));
        return RawGreSocket.register(clientLoop, options, new SimpleChannelInboundHandler<DatagramPacket>() {
            @Override
            protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
                if (record) {
                    clientReceived.add(ByteBufUtil.getBytes(packet.content()));
                }
            }
        }).sync().channel();
    }

    @AfterEach
    void tearDown() throws Exception {
        try {
            if (control != null) {
                control.close();
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
                serverNs.close(); // kills tcpdump
            }
        }
    }

    @Test
    void greForAnEstablishedCallReachesItsLinkForgedSourcesDoNotAndAcksComeBack() throws Exception {
        int callId = placeCall();
        await("the call's GRE state", () -> server.dataPlane().sessions() == 1);

        sendGre(clientGre, Packets.enhancedGre(callId, 0L, null, HexFormat.of().parseHex(LCP_CONFIGURE_REQUEST)));
        assertThat(framesUp.poll(5, TimeUnit.SECONDS)).isEqualTo(callId + ":" + LCP_CONFIGURE_REQUEST);

        // The server acknowledges sequence 0 alone, no data going the other way.
        GreHeader header = new GreHeader();
        byte[] ack = nextGreFromServer(header);
        assertThat(header.isAckOnly()).as(header.toString()).isTrue();
        assertThat(header.callId()).as("the client's call ID").isEqualTo(CLIENT_CALL_ID);
        assertThat(header.acknowledgment()).isZero();
        assertThat(Ipv4Header.format(Ipv4Header.source(Unpooled.wrappedBuffer(ack)))).isEqualTo(SERVER);

        // A forged source with the right call ID and the next sequence number: dropped, counted.
        sendGre(forgerGre, Packets.enhancedGre(callId, 1L, null, HexFormat.of().parseHex("ff03c02105020004")));
        await("the forged packet counted", () -> counter("pptp.gre.drops", "reason", "wrong-source") == 1);
        assertThat(framesUp).isEmpty();

        // The session carries on: the real 1 is not a duplicate of the forged one.
        sendGre(clientGre, Packets.enhancedGre(callId, 1L, null, HexFormat.of().parseHex("ff03c0210902000800000000")));
        assertThat(framesUp.poll(5, TimeUnit.SECONDS)).isEqualTo(callId + ":ff03c0210902000800000000");

        // A frame sent down the link reaches the client with the acknowledgment riding on it.
        PppLink link = links.getFirst();
        ByteBuf frame = link.eventLoop().submit(() -> {
            ByteBuf b = Unpooled.directBuffer(64);
            b.setIndex(GreHeader.MAX_LENGTH, GreHeader.MAX_LENGTH).writeBytes(HexFormat.of().parseHex("ff03c021020100040000"));
            return b;
        }).get();
        assertThat(link.eventLoop().submit(() -> link.send(frame)).get()).isTrue();
        nextGreFromServer(header);
        assertThat(header.hasSequence()).isTrue();
        assertThat(header.sequence()).isZero();
        assertThat(header.acknowledgment()).isEqualTo(1);
        assertThat(header.payloadLength()).isEqualTo(10);

        assertThat(counter("pptp.gre.acks.sent", "kind", "ack-only")).isEqualTo(1);
        assertThat(counter("pptp.gre.acks.sent", "kind", "piggybacked")).isEqualTo(1);
        assertThat(counter("pptp.gre.packets", "direction", "in")).isEqualTo(3);

        // Hanging up removes the GRE state and tells the PPP side.
        control.close();
        await("the call cleared", () -> server.dataPlane().sessions() == 0 && server.calls().activeCalls() == 0);
        await("the link closed", () -> linkClosed.equals(List.of("connection-lost")));

        List<Map<String, String>> frames = capturedGre();
        assertThat(frames).as(Tshark.verbose(pcap)).extracting(f -> f.get("gre.key.call_id"))
                .contains(Integer.toString(callId), Integer.toString(CLIENT_CALL_ID));
        assertThat(frames).extracting(f -> f.get("ppp.code")).contains("1", "2", "9");
        assertThat(Tshark.problems(pcap)).isEmpty();
    }

    /**
     * Debian's real client: {@code pptp --nolaunchpppd} in the client namespace, with this test
     * in pppd's place on its pty side (async HDLC through {@code pty_relay.py}). Its LCP
     * Configure-Requests reach the call's PppLink as GRE; a frame sent down the link reaches
     * pptp, which hands it back to "pppd" as an HDLC frame.
     */
    @Test
    void realPptpClientFramesReachTheLinkAndOursReachIt() throws Exception {
        ExternalTools.require("pptp");
        Path relay = dir.resolve("pty_relay.py");
        try (var in = GreNamespaceTest.class.getResourceAsStream("pty_relay.py")) {
            Files.copy(in, relay);
        }
        Path log = dir.resolve("pptp.log");
        Process pptp = new ProcessBuilder("ip", "netns", "exec", clientNs.name, "sh", "-c",
                "mount -t tmpfs pg-con-run /run && exec python3 " + relay + " pptp --nolaunchpppd --nohostroute " + SERVER)
                .redirectError(log.toFile()).start();
        try {
            await("pptp's call", () -> server.dataPlane().sessions() == 1 || !pptp.isAlive());
            assertThat(server.dataPlane().sessions()).as(() -> readLog(log)).isEqualTo(1);
            PppLink link = links.getFirst();
            int callId = link.call().callId();

            // "pppd" speaks first: two Configure-Requests, as pppd retransmits them.
            String request = "ff03c0210101000e0104057805060a0b0c0d";
            pptp.getOutputStream().write(hdlc(request));
            pptp.getOutputStream().write(hdlc(request.replace("c0210101", "c0210102")));
            pptp.getOutputStream().flush();
            assertThat(framesUp.poll(5, TimeUnit.SECONDS)).as(() -> readLog(log)).isEqualTo(callId + ":" + request);
            assertThat(framesUp.poll(5, TimeUnit.SECONDS)).isEqualTo(callId + ":" + request.replace("c0210101", "c0210102"));

            // Down: our Configure-Request and Configure-Ack come out of pptp's pty side.
            String ours = "ff03c0210101000a0506cafef00d";
            String ack = "ff03c0210202000e0104057805060a0b0c0d";
            for (String frame : List.of(ours, ack)) {
                ByteBuf buffer = Unpooled.directBuffer(64);
                buffer.setIndex(GreHeader.MAX_LENGTH, GreHeader.MAX_LENGTH).writeBytes(HexFormat.of().parseHex(frame));
                assertThat(link.eventLoop().submit(() -> link.send(buffer)).get()).isTrue();
            }
            List<String> fromPptp = readHdlc(pptp, 2);
            assertThat(fromPptp).as(() -> readLog(log)).containsExactly(ours, ack);
            assertThat(counter("pptp.gre.drops", "reason", "wrong-source")).isZero();

            // pptp acknowledges what we sent, and we acknowledge what it sent (ack-only or
            // piggybacked): both directions' sequencing agree with a real implementation.
            await("pptp's acknowledgment", () -> counter("pptp.gre.acks.received", "result", "applied") >= 1);
            assertThat(counter("pptp.gre.acks.received", "result", "ignored")).isZero();
            assertThat(counter("pptp.gre.acks.sent", "kind", "piggybacked")
                    + counter("pptp.gre.acks.sent", "kind", "ack-only")).isGreaterThanOrEqualTo(1);
        } finally {
            pptp.destroy();
            pptp.waitFor(5, TimeUnit.SECONDS);
        }
        List<Map<String, String>> frames = capturedGre();
        assertThat(frames).as(Tshark.verbose(pcap)).extracting(f -> f.get("ppp.code")).contains("1", "2");
        assertThat(Tshark.problems(pcap)).isEmpty();
    }

    private static byte[] hdlc(String hex) {
        ByteBuf frame = Unpooled.wrappedBuffer(HexFormat.of().parseHex(hex));
        ByteBuf out = Unpooled.buffer();
        AsyncHdlc.encode(frame, 0, frame.readableBytes(), AsyncHdlc.DEFAULT_ACCM, Fcs.FCS_16, out);
        return ByteBufUtil.getBytes(out);
    }

    /** Reads {@code count} HDLC frames from pptp's pty side with the project's decoder. */
    private static List<String> readHdlc(Process pptp, int count) throws Exception {
        EmbeddedChannel decoder = new EmbeddedChannel(new HdlcFrameDecoder());
        List<String> frames = new ArrayList<>();
        var in = pptp.getInputStream();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        byte[] chunk = new byte[4096];
        while (frames.size() < count && System.nanoTime() < deadline) {
            if (in.available() == 0) {
                Thread.sleep(20);
                continue;
            }
            int n = in.read(chunk);
            decoder.writeInbound(Unpooled.copiedBuffer(chunk, 0, n));
            for (Object frame; (frame = decoder.readInbound()) != null; ) {
                ByteBuf buffer = (ByteBuf) frame;
                frames.add(ByteBufUtil.hexDump(buffer));
                buffer.release();
            }
        }
        decoder.finishAndReleaseAll();
        return frames;
    }

    private static String readLog(Path log) {
        try {
            return "pptp said: " + Files.readString(log);
        } catch (IOException e) {
            return e.toString();
        }
    }

    /** SCCRQ, SCCRP, OCRQ, OCRP over TCP from the client namespace; returns our (the server's) call ID. */
    private int placeCall() throws Exception {
        control = clientNs.callInside(() -> {
            Socket socket = new Socket();
            socket.bind(new InetSocketAddress(InetAddress.getByName(CLIENT), 0));
            socket.connect(new InetSocketAddress(InetAddress.getByName(SERVER), ControlMessages.PPTP_PORT), 5000);
            socket.setSoTimeout(5000);
            return socket;
        });
        write(new StartControlConnectionRequest(0x0100, FramingCapabilities.NONE, BearerCapabilities.NONE, 0, 0,
                "gre-test", ""));
        assertThat(read()).isInstanceOf(StartControlConnectionReply.class);
        write(new OutgoingCallRequest(CLIENT_CALL_ID, 1, 300, 100_000_000, BearerType.ANY, FramingType.ANY, 8, 0, 0,
                "", ""));
        OutgoingCallReply reply = (OutgoingCallReply) read();
        assertThat(reply.resultCode()).isEqualTo(OutgoingCallResult.CONNECTED);
        assertThat(reply.peerCallId()).isEqualTo(CLIENT_CALL_ID);
        Call call = server.calls().find(reply.callId());
        assertThat(call).isNotNull();
        assertThat(call.peerAddress()).isEqualTo(InetAddress.getByName(CLIENT));
        return reply.callId();
    }

    private void write(ControlMessage message) throws IOException {
        ByteBuf out = Unpooled.buffer();
        ControlMessages.encode(message, out);
        control.getOutputStream().write(ByteBufUtil.getBytes(out));
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

    private void sendGre(Channel socket, byte[] gre) throws Exception {
        socket.writeAndFlush(new DatagramPacket(Unpooled.wrappedBuffer(gre),
                new InetSocketAddress(InetAddress.getByName(SERVER), 0))).sync();
    }

    /** The next GRE packet the client received, decoded into {@code header}; the whole IPv4 packet. */
    private byte[] nextGreFromServer(GreHeader header) throws InterruptedException {
        byte[] packet = clientReceived.poll(5, TimeUnit.SECONDS);
        assertThat(packet).as("a GRE packet from the server").isNotNull();
        ByteBuf buffer = Unpooled.wrappedBuffer(packet);
        int ip = Ipv4Header.headerLength(buffer);
        assertThat(header.decode(buffer, ip, packet.length - ip)).isEqualTo(GreDecodeStatus.OK);
        return packet;
    }

    private double counter(String name, String... tags) {
        var counter = meters.find(name).tags(tags).counter();
        return counter == null ? 0 : counter.count();
    }

    private List<Map<String, String>> capturedGre() throws InterruptedException {
        Thread.sleep(300);
        tcpdump.destroy();
        assertThat(tcpdump.waitFor(5, TimeUnit.SECONDS)).isTrue();
        return Tshark.fields(pcap, "gre.key.call_id", "ppp.code");
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
}
