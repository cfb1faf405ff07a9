package net.pptpgw.gateway.inspect;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import net.pptpgw.gateway.inspect.CaptureEvent.Anomaly;
import net.pptpgw.gateway.inspect.CaptureEvent.ControlBytes;
import net.pptpgw.gateway.inspect.CaptureEvent.ControlGap;
import net.pptpgw.gateway.inspect.CaptureEvent.ControlSignal;
import net.pptpgw.gateway.inspect.CaptureEvent.GreDatagram;
import net.pptpgw.gateway.inspect.ControlFlow.Direction;
import net.pptpgw.gateway.inspect.GreFlowTracker.SequenceEvent;
import net.pptpgw.gateway.inspect.InspectionReport.ControlConnection;
import net.pptpgw.gateway.inspect.InspectionReport.Finding;
import net.pptpgw.gateway.inspect.InspectionReport.Frame;
import net.pptpgw.gateway.inspect.InspectionReport.GreFlow;
import net.pptpgw.gateway.inspect.InspectionReport.Summary;
import net.pptpgw.protocol.MalformedPacketException;
import net.pptpgw.protocol.gre.GreDecodeStatus;
import net.pptpgw.protocol.gre.GreHeader;
import net.pptpgw.protocol.pcap.PcapReader;
import net.pptpgw.protocol.pcap.PcapRecord;
import net.pptpgw.protocol.ppp.PppHeader;

/**
 * The analysis behind {@code pptp-gateway inspect}: consumes the {@link CaptureEvent}s of a
 * capture and builds an {@link InspectionReport}. Control bytes go to one
 * {@link ControlConnectionTracker} per connection; GRE is decoded with {@link GreHeader}, routed
 * to its call by {@link GreRoutes} and its PPP payload decoded into the call's {@link PppTracker}.
 */
public final class Inspector implements Consumer<CaptureEvent> {

    private final boolean keepFrames;
    private final CaptureClock clock = new CaptureClock();
    private final Findings findings = new Findings();
    private final GreRoutes routes;
    private final Map<ControlFlow, ControlConnectionTracker> connections = new LinkedHashMap<>();
    private final GreHeader greHeader = new GreHeader();
    private final PppHeader pppHeader = new PppHeader();
    private long frames;
    private Instant lastTimestamp;
    private long grePackets;

    /** @param keepFrames list every GRE packet in the report ({@code --verbose}) */
    public Inspector(boolean keepFrames) {
        this.keepFrames = keepFrames;
        this.routes = new GreRoutes(keepFrames);
    }

    /**
     * Reads and analyses a capture file.
     *
     * @throws IOException when the file cannot be read
     * @throws MalformedPacketException when it is not a pcap or pcapng file, or is corrupt before its first frame
     */
    public static InspectionReport inspect(Path file, boolean keepFrames) throws IOException {
        // A pipe or device cannot be mapped: read it whole instead (e.g. inspect <(tcpdump -w - ...)).
        try (PcapReader pcap = Files.isRegularFile(file) ? PcapReader.open(file)
                : new PcapReader(Unpooled.wrappedBuffer(Files.readAllBytes(file)))) {
            return inspect(pcap, file.toString(), keepFrames);
        }
    }

    /** Reads and analyses a capture from a stream, e.g. standard input. */
    public static InspectionReport inspect(InputStream in, String name, boolean keepFrames) throws IOException {
        try (PcapReader pcap = new PcapReader(Unpooled.wrappedBuffer(in.readAllBytes()))) {
            return inspect(pcap, name, keepFrames);
        }
    }

    private static InspectionReport inspect(PcapReader pcap, String name, boolean keepFrames) {
        Inspector inspector = new Inspector(keepFrames);
        inspector.read(pcap);
        return inspector.report(name, pcap.format().name().toLowerCase());
    }

    /** Reads every frame of {@code pcap}; a corrupt end of file becomes a finding. */
    public void read(PcapReader pcap) {
        CaptureReader reader = new CaptureReader(this);
        try {
            while (pcap.hasNext()) {
                PcapRecord record = pcap.next();
                frames++;
                clock.frame(record.timestamp());
                lastTimestamp = record.timestamp();
                reader.record(record);
            }
        } catch (MalformedPacketException e) {
            if (frames == 0) {
                throw e; // nothing to analyse: the file is unreadable
            }
            accept(Anomaly.of(lastTimestamp, frames + 1, e));
        }
        reader.finish();
    }

    @Override
    public void accept(CaptureEvent event) {
        switch (event) {
            case ControlBytes b -> connection(b.flow()).bytes(b.direction(), b.bytes(), b.frame(), b.timestamp());
            case ControlGap g -> connection(g.flow()).gap(g.direction(), g.missingBytes(), g.frame(), g.timestamp());
            case ControlSignal s -> connection(s.flow()).signal(s.direction(), s.signal(), s.frame(), s.timestamp());
            case GreDatagram d -> gre(d);
            case Anomaly a -> anomaly(a);
        }
    }

    private ControlConnectionTracker connection(ControlFlow flow) {
        return connections.computeIfAbsent(flow, f -> new ControlConnectionTracker(f, findings, routes));
    }

    private void anomaly(Anomaly anomaly) {
        String kind = switch (anomaly.reason()) {
            case "gre-unreachable" -> "icmp-gre-unreachable";
            case "fragment" -> "fragment";
            default -> anomaly.protocol().equals("pcap") ? "capture-file" : "malformed";
        };
        String explanation = kind.equals("icmp-gre-unreachable")
                ? anomaly.detail() + ": no GRE listener there, or a firewall refuses GRE; peers drop the call on it"
                : anomaly.detail();
        findings.add(anomaly.frame(), anomaly.timestamp(), kind, anomaly.protocol(), anomaly.reason(), "", explanation);
    }

    private void gre(GreDatagram datagram) {
        grePackets++;
        ByteBuf gre = datagram.gre();
        GreDecodeStatus status = greHeader.decode(gre);
        // A datagram the snap length cut is not malformed: its header is still good to count.
        boolean cut = status == GreDecodeStatus.PAYLOAD_LENGTH_EXCEEDS_DATAGRAM && datagram.truncated();
        if (!status.isOk() && !cut) {
            findings.malformed(datagram.frame(), datagram.timestamp(), greHeader.malformed(status), path(datagram),
                    "GRE " + path(datagram));
            if (status == GreDecodeStatus.PAYLOAD_LENGTH_EXCEEDS_DATAGRAM || status == GreDecodeStatus.PAYLOAD_WITHOUT_SEQUENCE) {
                // The whole header was read, key included: the call's flow counts the bad packet.
                GreRoutes.Route route = routes.route(datagram.source(), datagram.destination(), greHeader.callId());
                if (route != null) {
                    route.flow().malformed(datagram.frame(), datagram.timestamp());
                }
            }
            return;
        }
        int callId = greHeader.callId();
        GreRoutes.Route route = routes.route(datagram.source(), datagram.destination(), callId);
        GreFlowTracker flow = route != null ? route.flow() : routes.unmatched(datagram.source(), datagram.destination(), callId);
        SequenceEvent sequence = flow.packet(datagram.frame(), datagram.timestamp(), greHeader.hasSequence(), greHeader.sequence(),
                greHeader.hasAcknowledgment(), greHeader.acknowledgment(), greHeader.payloadLength(), cut);
        if (sequence == SequenceEvent.DUPLICATE || sequence == SequenceEvent.BACKWARDS) {
            findings.add(datagram.frame(), datagram.timestamp(), "gre-sequence-backwards", path(datagram) + " " + callId,
                    "GRE " + path(datagram) + " call ID " + callId + ": sequence number " + greHeader.sequence() + " after "
                            + flow.highestSequence() + " (" + (sequence == SequenceEvent.DUPLICATE ? "seen before" : "far behind")
                            + "): the sender restarted its numbering, or packets are duplicated on the path?");
        }
        String content = null;
        if (greHeader.payloadLength() > 0 && !cut) {
            content = ppp(datagram, gre.slice(greHeader.payloadOffset(), greHeader.payloadLength()), route);
        }
        if (keepFrames) {
            flow.frame(new Frame(datagram.frame(), clock.seconds(datagram.timestamp()), datagram.source().getHostAddress(),
                    datagram.destination().getHostAddress(), callId, greHeader.hasSequence() ? greHeader.sequence() : null,
                    greHeader.hasAcknowledgment() ? greHeader.acknowledgment() : null, greHeader.payloadLength(),
                    cut ? "cut by the snap length" : content == null ? "ack-only" : content));
        }
    }

    private static String path(GreDatagram datagram) {
        return datagram.source().getHostAddress() + " -> " + datagram.destination().getHostAddress();
    }

    /** Decodes a GRE payload into its call's PPP session; returns a one-line description when frames are kept. */
    private String ppp(GreDatagram datagram, ByteBuf frame, GreRoutes.Route route) {
        PppUnit unit;
        try {
            unit = PppUnit.decode(frame, pppHeader);
        } catch (MalformedPacketException e) {
            if (route != null) {
                route.call().ppp.malformed(route.sender(), datagram.frame(), datagram.timestamp(), e);
            } else {
                findings.malformed(datagram.frame(), datagram.timestamp(), e, path(datagram), "PPP in GRE " + path(datagram));
            }
            return keepFrames ? "malformed: " + e.getMessage() : null;
        }
        if (route != null) {
            route.call().ppp.unit(route.sender(), datagram.frame(), datagram.timestamp(), unit);
        }
        return keepFrames ? Describe.unit(unit) : null;
    }

    /** The report of everything consumed so far. */
    public InspectionReport report(String file, String format) {
        connections.values().forEach(ControlConnectionTracker::finish);
        List<ControlConnection> connectionReports = new ArrayList<>();
        for (ControlConnectionTracker connection : connections.values()) {
            connectionReports.add(connection.report(clock, lastTimestamp));
        }
        List<GreFlow> unmatched = new ArrayList<>();
        long unmatchedPackets = 0;
        for (GreFlowTracker flow : routes.unmatched()) {
            unmatchedFinding(flow);
            unmatched.add(flow.report());
            unmatchedPackets += flow.packets();
        }
        List<Finding> anomalies = findings.report(clock);
        int calls = connections.values().stream().mapToInt(c -> c.calls().size()).sum();
        int connected = (int) connections.values().stream().flatMap(c -> c.calls().stream())
                .filter(c -> c.connectFrame >= 0).count();
        long messages = connections.values().stream().mapToLong(ControlConnectionTracker::messageCount).sum();
        Summary summary = new Summary(connections.size(), calls, connected, messages, grePackets, unmatchedPackets,
                anomalies.size());
        return new InspectionReport(file, format, frames, clock.seconds(lastTimestamp), summary, connectionReports,
                unmatched, anomalies);
    }

    /**
     * GRE no call expected: with a control connection between the same two hosts, the call IDs
     * disagree (a NAT or ALG rewrote one side only?); without one, the capture began mid-call or
     * the control connection took another path.
     */
    private void unmatchedFinding(GreFlowTracker flow) {
        String path = flow.source().getHostAddress() + " -> " + flow.destination().getHostAddress();
        List<String> announced = new ArrayList<>();
        for (ControlConnectionTracker connection : connections.values()) {
            if (!connection.connects(flow.source(), flow.destination())) {
                continue;
            }
            Direction sender = connection.flow().client().equals(flow.source()) ? Direction.CLIENT_TO_SERVER
                    : Direction.SERVER_TO_CLIENT;
            for (CallTracker call : connection.calls()) {
                GreFlowTracker expected = call.flow(sender);
                if (expected != null) {
                    announced.add(Integer.toString(expected.callId()));
                }
            }
        }
        if (!announced.isEmpty()) {
            findings.add(flow.firstFrame(), flow.firstTime(), "call-id-mismatch", path + " " + flow.callId(), "GRE " + path + " carries call ID "
                    + flow.callId() + ", but the control connection between these hosts announced "
                    + String.join(", ", announced) + " for that direction: call-ID mismatch (a NAT or ALG rewrote the call ID on one path only?)");
        } else {
            findings.add(flow.firstFrame(), flow.firstTime(), "gre-without-call", path + " " + flow.callId(), "GRE " + path + " with call ID "
                    + flow.callId() + " belongs to no call on a captured control connection: the capture began mid-call,"
                    + " or the control connection went another way");
        }
    }
}
