package net.pptpgw.gateway.inspect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.pptpgw.gateway.inspect.CaptureEvent.Anomaly;
import net.pptpgw.gateway.inspect.CaptureEvent.ControlBytes;
import net.pptpgw.gateway.inspect.CaptureEvent.ControlGap;
import net.pptpgw.gateway.inspect.CaptureEvent.ControlSignal;
import net.pptpgw.gateway.inspect.CaptureEvent.GreDatagram;
import net.pptpgw.gateway.inspect.CaptureEvent.Signal;
import net.pptpgw.gateway.inspect.ControlFlow.Direction;
import net.pptpgw.protocol.pcap.LinkType;
import net.pptpgw.protocol.pcap.PcapReader;
import net.pptpgw.protocol.pcap.PcapWriter;
import net.pptpgw.protocol.testing.ExternalTools;
import net.pptpgw.protocol.testing.Fuzz;
import net.pptpgw.protocol.testing.Packets;
import net.pptpgw.protocol.testing.Tshark;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The reader on real captures of real peers (captures/README.md), judged by tshark: the control
 * bytes it reassembles split into exactly the PPTP messages tshark decodes, and its GRE datagrams
 * are tshark's, in order, with the same call IDs.
 */
class CaptureReaderTest {

    private static final byte[] CLIENT = Packets.address(10, 99, 0, 2);
    private static final byte[] SERVER = Packets.address(10, 99, 0, 1);

    @TempDir
    Path dir;

    /** What the reader said about one capture. */
    private static final class Collected {
        final List<CaptureEvent> events = new ArrayList<>();
        /** Control bytes per direction ("address:port>address:port"), concatenated. */
        final Map<String, ByteArrayOutputStream> control = new LinkedHashMap<>();
        /** "source destination callID" of every GRE datagram, in order. */
        final List<String> gre = new ArrayList<>();

        void accept(CaptureEvent event) {
            events.add(event);
            switch (event) {
                case ControlBytes bytes -> control.computeIfAbsent(direction(bytes.flow(), bytes.direction()),
                        k -> new ByteArrayOutputStream()).writeBytes(ByteBufUtil.getBytes(bytes.bytes()));
                case GreDatagram datagram -> gre.add(datagram.source().getHostAddress() + " "
                        + datagram.destination().getHostAddress() + " " + callId(datagram.gre()));
                default -> {}
            }
        }

        /** RFC 2637 section 4.1: the low half of the GRE key is the call ID. */
        private static String callId(ByteBuf gre) {
            return gre.readableBytes() < 8 ? "?" : Integer.toString(gre.getUnsignedShort(gre.readerIndex() + 6));
        }

        <T extends CaptureEvent> List<T> all(Class<T> type) {
            return events.stream().filter(type::isInstance).map(type::cast).toList();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"one-call.pcap", "two-clients.pcapng", "gre-blocked.pcap"})
    void controlStreamsSplitIntoTheMessagesTsharkDecodes(String capture) throws IOException {
        Path pcap = resource(capture);
        Collected collected = read(pcap);

        Map<String, List<String>> ours = new LinkedHashMap<>();
        collected.control.forEach((sender, bytes) -> ours.put(sender, messages(bytes.toByteArray())));
        Map<String, List<String>> tsharks = new LinkedHashMap<>();
        for (Map<String, String> frame : Tshark.fields(pcap, "ip.src", "tcp.srcport", "ip.dst", "tcp.dstport",
                "pptp.length", "pptp.control_message_type")) {
            if (!frame.get("pptp.length").isEmpty()) {
                String[] lengths = frame.get("pptp.length").split(",");
                String[] types = frame.get("pptp.control_message_type").split(",");
                for (int i = 0; i < lengths.length; i++) {
                    tsharks.computeIfAbsent(frame.get("ip.src") + ":" + frame.get("tcp.srcport") + ">"
                            + frame.get("ip.dst") + ":" + frame.get("tcp.dstport"), k -> new ArrayList<>())
                            .add(lengths[i] + "/" + types[i]);
                }
            }
        }
        assertThat(ours).isNotEmpty().isEqualTo(tsharks);
        assertThat(collected.all(ControlGap.class)).isEmpty();
        assertThat(collected.all(Anomaly.class)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"one-call.pcap", "two-clients.pcapng", "gre-blocked.pcap"})
    void greDatagramsAreTsharksInOrderWithTheirCallIds(String capture) throws IOException {
        Path pcap = resource(capture);
        Collected collected = read(pcap);

        List<String> tsharks = new ArrayList<>();
        for (Map<String, String> frame : Tshark.fields(pcap, "ip.proto", "ip.src", "ip.dst", "gre.key.call_id")) {
            if (frame.get("ip.proto").equals("47")) {
                tsharks.add(frame.get("ip.src") + " " + frame.get("ip.dst") + " " + frame.get("gre.key.call_id"));
            }
        }
        assertThat(collected.gre).isNotEmpty().isEqualTo(tsharks);
        assertThat(collected.all(GreDatagram.class)).noneMatch(GreDatagram::truncated);
    }

    @Test
    void oneCallOpensAndClosesItsControlConnectionBothWays() throws IOException {
        Collected collected = read(resource("one-call.pcap"));

        List<ControlSignal> signals = collected.all(ControlSignal.class);
        assertThat(signals.subList(0, 2)).extracting(ControlSignal::direction, ControlSignal::signal).containsExactly(
                tuple(Direction.CLIENT_TO_SERVER, Signal.SYN), tuple(Direction.SERVER_TO_CLIENT, Signal.SYN));
        // who closes first depends on the moment: pptp sends its FIN right after Call-Clear-Request, pptpd too
        assertThat(signals.subList(2, signals.size())).extracting(ControlSignal::direction, ControlSignal::signal)
                .containsExactlyInAnyOrder(tuple(Direction.CLIENT_TO_SERVER, Signal.FIN), tuple(Direction.SERVER_TO_CLIENT, Signal.FIN));
        ControlFlow flow = signals.getFirst().flow();
        assertThat(flow.server().getHostAddress()).isEqualTo("10.99.0.1");
        assertThat(flow.serverPort()).isEqualTo(1723);
        assertThat(flow.client().getHostAddress()).isEqualTo("10.99.0.2");
    }

    @Test
    void greBlockedTowardTheClientShowsGreOneWayOnly() throws IOException {
        Collected collected = read(resource("gre-blocked.pcap"));

        assertThat(collected.gre).isNotEmpty().allMatch(g -> g.startsWith("10.99.0.2 10.99.0.1 "));
        assertThat(collected.control).hasSize(2);
    }

    @Test
    void twoClientsAreTwoControlConnections() throws IOException {
        Collected collected = read(resource("two-clients.pcapng"));

        assertThat(collected.all(ControlSignal.class).stream().map(ControlSignal::flow).distinct())
                .extracting(flow -> flow.client().getHostAddress())
                .containsExactlyInAnyOrder("10.99.0.2", "10.99.0.3");
        assertThat(collected.control).hasSize(4);
    }

    @Test
    void reorderedAndRetransmittedSegmentsReassemble() throws IOException {
        List<byte[]> frames = new ArrayList<>(new Packets.TcpFlow(CLIENT, 40000, SERVER, Packets.PPTP_PORT)
                .fromClient(bytes("first message|")).fromClient(bytes("second message|")).fromClient(bytes("third"))
                .fromServer(bytes("reply")).packets());
        // handshake 0-2, client data 3-5, server data 6: swap the client's 2nd and 3rd, retransmit the 1st
        frames.add(5, frames.remove(4));
        frames.add(frames.get(3));

        Collected collected = read(write(LinkType.RAW, frames));
        assertThat(collected.control.get("10.99.0.2:40000>10.99.0.1:1723").toString()).isEqualTo("first message|second message|third");
        assertThat(collected.control.get("10.99.0.1:1723>10.99.0.2:40000").toString()).isEqualTo("reply");
        assertThat(collected.all(ControlGap.class)).isEmpty();
    }

    @Test
    void lostSegmentIsAGapAndOtherTrafficIsSkipped() throws IOException {
        List<byte[]> frames = new ArrayList<>(new Packets.TcpFlow(CLIENT, 40000, SERVER, Packets.PPTP_PORT)
                .fromClient(bytes("one")).fromClient(bytes("lost")).fromClient(bytes("three")).packets());
        frames.remove(4);
        frames.add(new Packets.TcpFlow(CLIENT, 40001, SERVER, 80).fromClient(bytes("GET /")).packets().getLast());
        frames.add(Packets.ipv4(17, CLIENT, SERVER, new byte[12])); // UDP

        Collected collected = new Collected();
        CaptureReader reader = new CaptureReader(collected::accept);
        try (PcapReader pcap = PcapReader.open(write(LinkType.RAW, frames))) {
            reader.read(pcap);
        }
        assertThat(collected.control.get("10.99.0.2:40000>10.99.0.1:1723").toString()).isEqualTo("onethree");
        assertThat(collected.all(ControlGap.class)).singleElement().extracting(ControlGap::missingBytes).isEqualTo(4L);
        assertThat(reader.frames()).isEqualTo(7);
        assertThat(reader.skippedFrames()).isEqualTo(2);
    }

    @Test
    void fragmentsIcmpAboutGreAndBrokenFramesAreAnomalies() throws IOException {
        byte[] gre = Packets.enhancedGre(0, 1L, null, new byte[40]);
        byte[] fragment = Packets.ipv4Gre(CLIENT, SERVER, gre);
        fragment[6] = 0x20; // MF, offset 0
        byte[] greToClient = Packets.ipv4Gre(SERVER, CLIENT, gre);
        byte[] icmp = new byte[8 + 28];
        icmp[0] = 3;      // destination unreachable
        icmp[1] = 2;      // protocol unreachable
        System.arraycopy(greToClient, 0, icmp, 8, 28);
        byte[] unreachable = Packets.ipv4(1, CLIENT, SERVER, icmp);
        byte[] tooShort = Arrays.copyOf(Packets.ipv4Gre(CLIENT, SERVER, gre), 12);

        Collected collected = read(write(LinkType.RAW, List.of(fragment, unreachable, tooShort, greToClient)));

        assertThat(collected.all(Anomaly.class)).extracting(Anomaly::frame, Anomaly::protocol, Anomaly::reason).containsExactly(
                tuple(1L, "ipv4", "fragment"),
                tuple(2L, "icmp", "gre-unreachable"),
                tuple(3L, "ipv4", "truncated-header"));
        assertThat(collected.all(Anomaly.class).get(1).detail())
                .isEqualTo("10.99.0.2 answered GRE 10.99.0.1 -> 10.99.0.2 with ICMP destination unreachable, code 2 (protocol unreachable)");
        assertThat(collected.gre).containsExactly("10.99.0.1 10.99.0.2 0");
    }

    @Test
    void unsupportedLinkTypeIsReportedOnceAndTruncatedFileEndsWithAnAnomaly() throws IOException {
        ByteArrayOutputStream file = new ByteArrayOutputStream();
        try (PcapWriter writer = new PcapWriter(file, LinkType.PPP)) {
            writer.write(Instant.EPOCH, new byte[] {(byte) 0xff, 3, 0, 0x21});
            writer.write(Instant.EPOCH, new byte[] {(byte) 0xff, 3, 0, 0x21});
            writer.write(Instant.EPOCH, new byte[] {(byte) 0xff, 3, 0, 0x21});
        }
        byte[] cut = Arrays.copyOf(file.toByteArray(), file.size() - 2);

        Collected collected = new Collected();
        new CaptureReader(collected::accept).read(new PcapReader(Unpooled.wrappedBuffer(cut)));

        assertThat(collected.all(Anomaly.class)).extracting(Anomaly::frame, Anomaly::reason).containsExactly(
                tuple(1L, "unsupported-link-type"),
                tuple(3L, "truncated-record"));
    }

    @Test
    void snapLengthCutsShowAsControlGapsAndTruncatedGre() throws IOException {
        // 80 bytes keep Ethernet, IP and TCP headers (with timestamps) and cut the PPTP messages
        Collected cutControl = read(snapped(resource("one-call.pcap"), 80));
        assertThat(cutControl.all(ControlGap.class)).isNotEmpty();
        assertThat(cutControl.all(Anomaly.class)).isEmpty();

        // 40 bytes cut GRE after 6 of its bytes, and every TCP header of the control connection
        Collected cutGre = read(snapped(resource("one-call.pcap"), 40));
        assertThat(cutGre.all(GreDatagram.class)).isNotEmpty().allMatch(GreDatagram::truncated);
        assertThat(cutGre.all(Anomaly.class)).isNotEmpty()
                .allSatisfy(a -> assertThat(a.protocol() + " " + a.reason()).isEqualTo("tcp truncated-header"));
    }

    private Path snapped(Path pcap, int snapLength) {
        Path cut = dir.resolve("snap" + snapLength + ".pcap");
        ExternalTools.require("editcap");
        ExternalTools.run(List.of("editcap", "-s", Integer.toString(snapLength), pcap.toString(), cut.toString()), null, 60);
        return cut;
    }

    @Test
    void fuzzedCapturesGiveOnlyTypedErrors() throws IOException {
        List<byte[]> seeds = new ArrayList<>();
        seeds.add(firstFrames(Files.readAllBytes(resource("one-call.pcap")), 12));
        seeds.add(firstFrames(Files.readAllBytes(resource("gre-blocked.pcap")), 12));
        seeds.add(Files.readAllBytes(write(LinkType.RAW, new Packets.TcpFlow(CLIENT, 40000, SERVER, Packets.PPTP_PORT)
                .fromClient(bytes("abc")).fromServer(bytes("defg")).packets())));
        Fuzz.run("capture", seeds, file -> new CaptureReader(event -> {
            switch (event) {
                case ControlBytes bytes -> ByteBufUtil.getBytes(bytes.bytes());
                case GreDatagram datagram -> ByteBufUtil.getBytes(datagram.gre());
                default -> {}
            }
        }).read(new PcapReader(file)));
    }

    /** A classic pcap of the file's header and its first {@code count} records. */
    private static byte[] firstFrames(byte[] pcap, int count) {
        PcapReader reader = new PcapReader(Unpooled.wrappedBuffer(pcap));
        int length = 24;
        for (int i = 0; i < count && reader.hasNext(); i++) {
            length += 16 + reader.next().data().readableBytes();
        }
        return Arrays.copyOf(pcap, length);
    }

    private static Collected read(Path pcap) throws IOException {
        Collected collected = new Collected();
        try (PcapReader reader = PcapReader.open(pcap)) {
            new CaptureReader(collected::accept).read(reader);
        }
        return collected;
    }

    /** "length/type" of each PPTP message in a control stream, split by the length field that starts each (RFC 2637 2.1). */
    private static List<String> messages(byte[] stream) {
        List<String> messages = new ArrayList<>();
        int at = 0;
        while (stream.length - at >= 10) {
            int length = ((stream[at] & 0xff) << 8) | (stream[at + 1] & 0xff);
            int type = ((stream[at + 8] & 0xff) << 8) | (stream[at + 9] & 0xff);
            assertThat(length).as("message length at stream offset %d", at).isBetween(10, stream.length - at);
            messages.add(length + "/" + type);
            at += length;
        }
        assertThat(at).as("the stream ends on a message boundary").isEqualTo(stream.length);
        return messages;
    }

    private static String direction(ControlFlow flow, Direction direction) {
        String client = flow.client().getHostAddress() + ":" + flow.clientPort();
        String server = flow.server().getHostAddress() + ":" + flow.serverPort();
        return direction == Direction.CLIENT_TO_SERVER ? client + ">" + server : server + ">" + client;
    }

    private Path write(LinkType linkType, List<byte[]> frames) throws IOException {
        Path file = Files.createTempFile(dir, "frames", ".pcap");
        try (PcapWriter writer = new PcapWriter(file, linkType)) {
            Instant t = Instant.parse("2026-01-01T00:00:00Z");
            for (byte[] frame : frames) {
                writer.write(t, frame);
                t = t.plusMillis(1);
            }
        }
        return file;
    }

    private Path resource(String name) throws IOException {
        try (InputStream in = CaptureReaderTest.class.getResourceAsStream("/captures/" + name)) {
            return Files.write(dir.resolve(name), in.readAllBytes());
        }
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
