package net.pptpgw.gateway.inspect;

import net.pptpgw.gateway.JsonWriter;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import net.pptpgw.gateway.inspect.InspectionReport.Call;
import net.pptpgw.gateway.inspect.InspectionReport.ControlConnection;
import net.pptpgw.gateway.inspect.InspectionReport.Finding;
import net.pptpgw.gateway.inspect.InspectionReport.GreFlow;
import net.pptpgw.protocol.ppp.cp.ControlCode;
import net.pptpgw.protocol.pptp.ControlMessageType;
import net.pptpgw.protocol.pptp.OutgoingCallResult;
import net.pptpgw.protocol.testing.Tshark;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The analysis of the real captures of pptp-linux and pptpd (captures/README.md), checked
 * against tshark reading the same files and against the facts the README lists.
 */
class InspectorRealCapturesTest {

    private static final Path CAPTURES = Path.of("src/test/resources/captures");

    private static InspectionReport inspect(String capture) throws IOException {
        return Inspector.inspect(CAPTURES.resolve(capture), true);
    }

    private static Stream<Call> calls(InspectionReport report) {
        return report.controlConnections().stream().flatMap(c -> c.calls().stream());
    }

    private static List<String> kinds(InspectionReport report) {
        return report.anomalies().stream().map(Finding::kind).toList();
    }

    @ParameterizedTest
    @ValueSource(strings = {"one-call.pcap", "two-clients.pcapng", "gre-blocked.pcap"})
    void controlMessagesAreTsharksWithTheirCallIdsAndResults(String capture) throws IOException {
        InspectionReport report = inspect(capture);

        Map<Long, String> ours = new TreeMap<>();
        for (ControlConnection connection : report.controlConnections()) {
            String client = connection.client();
            String server = connection.server();
            for (InspectionReport.Message m : connection.messages()) {
                ours.merge(m.frame(), (m.from().equals("client") ? client : server) + " " + m.type() + " "
                        + (m.callId() == null ? "" : m.callId()) + "/" + (m.peerCallId() == null ? "" : m.peerCallId())
                        + " " + (m.type().equals("Outgoing-Call-Reply") ? m.result() : ""), (a, b) -> a + "; " + b);
            }
        }
        Map<Long, String> tsharks = new TreeMap<>();
        for (Map<String, String> frame : Tshark.fields(CAPTURES.resolve(capture), "frame.number", "ip.src", "tcp.srcport",
                "pptp.control_message_type", "pptp.call_id", "pptp.peer_call_id", "pptp.out_result")) {
            String type = frame.get("pptp.control_message_type");
            if (type.isEmpty()) {
                continue;
            }
            String outResult = frame.get("pptp.out_result");
            tsharks.put(Long.parseLong(frame.get("frame.number")), frame.get("ip.src") + ":" + frame.get("tcp.srcport") + " "
                    + ControlMessageType.fromCode(Integer.parseInt(type)).rfcName() + " " + frame.get("pptp.call_id") + "/"
                    + frame.get("pptp.peer_call_id") + " "
                    + (outResult.isEmpty() ? "" : new OutgoingCallResult(Integer.parseInt(outResult)).toString()));
        }
        assertThat(ours).isNotEmpty().isEqualTo(tsharks);
        assertThat(report.summary().controlMessages()).isEqualTo(tsharks.size());
    }

    @ParameterizedTest
    @ValueSource(strings = {"one-call.pcap", "two-clients.pcapng", "gre-blocked.pcap"})
    void grePerDirectionAndCallIdIsTsharks(String capture) throws IOException {
        InspectionReport report = inspect(capture);

        Map<String, String> ours = new TreeMap<>();
        calls(report).flatMap(call -> Stream.of(call.clientToServer(), call.serverToClient()))
                .filter(flow -> flow.packets() > 0)
                .forEach(flow -> ours.put(flow.source() + " " + flow.destination() + " " + flow.callId(), flow.packets()
                        + " packets, " + flow.ackOnlyPackets() + " ack-only, seq " + flow.firstSequence() + ".." + flow.lastSequence()
                        + ", ack " + flow.highestAcknowledgment()));
        Map<String, long[]> counts = new TreeMap<>();
        for (Map<String, String> frame : Tshark.fields(CAPTURES.resolve(capture), "ip.proto", "ip.src", "ip.dst",
                "gre.key.call_id", "gre.flags.sequence_number", "gre.sequence_number", "gre.ack_number")) {
            if (!frame.get("ip.proto").equals("47")) {
                continue;
            }
            // packets, ack-only, first sequence, last sequence, highest ack (-1 for none); these captures do not wrap
            long[] c = counts.computeIfAbsent(frame.get("ip.src") + " " + frame.get("ip.dst") + " " + frame.get("gre.key.call_id"),
                    k -> new long[] {0, 0, -1, -1, -1});
            c[0]++;
            if (frame.get("gre.sequence_number").isEmpty()) {
                c[1]++;
            } else {
                long sequence = Long.parseLong(frame.get("gre.sequence_number"));
                c[2] = c[2] < 0 ? sequence : c[2];
                c[3] = Math.max(c[3], sequence);
            }
            if (!frame.get("gre.ack_number").isEmpty()) {
                c[4] = Math.max(c[4], Long.parseLong(frame.get("gre.ack_number")));
            }
        }
        Map<String, String> tsharks = new TreeMap<>();
        counts.forEach((key, c) -> tsharks.put(key, c[0] + " packets, " + c[1] + " ack-only, seq " + c[2] + ".." + c[3]
                + ", ack " + (c[4] < 0 ? "null" : Long.toString(c[4]))));
        assertThat(ours).isNotEmpty().isEqualTo(tsharks);
        assertThat(report.unmatchedGre()).isEmpty();
        assertThat(calls(report).flatMap(call -> Stream.of(call.clientToServer(), call.serverToClient())))
                .allSatisfy(flow -> assertThat(List.of(flow.lost(), flow.outOfOrder(), flow.duplicates(), flow.backwards(),
                        flow.truncated(), flow.malformed())).containsOnly(0L));
    }

    @ParameterizedTest
    @ValueSource(strings = {"one-call.pcap", "two-clients.pcapng", "gre-blocked.pcap"})
    void lcpPacketsPerSenderAreTsharks(String capture) throws IOException {
        InspectionReport report = inspect(capture);

        Map<String, Map<String, Long>> ours = new TreeMap<>();
        for (ControlConnection connection : report.controlConnections()) {
            for (Call call : connection.calls()) {
                String client = connection.client().replaceAll(":.*", "");
                String server = connection.server().replaceAll(":.*", "");
                call.ppp().packetCounts().forEach((side, counts) -> ours.put(
                        side.equals("client") ? client + " -> " + server : server + " -> " + client, new TreeMap<>(counts)));
            }
        }
        Map<String, Map<String, Long>> tsharks = new TreeMap<>();
        for (Map<String, String> frame : Tshark.fields(CAPTURES.resolve(capture), "ip.src", "ip.dst", "frame.protocols", "ppp.code")) {
            if (frame.get("frame.protocols").endsWith(":lcp")) {
                tsharks.computeIfAbsent(frame.get("ip.src") + " -> " + frame.get("ip.dst"), k -> new TreeMap<>())
                        .merge("LCP " + ControlCode.name(Integer.parseInt(frame.get("ppp.code"))), 1L, Long::sum);
            }
        }
        assertThat(ours).isNotEmpty().isEqualTo(tsharks);
    }

    @Test
    void oneCallIsTheReadmesCall() throws IOException {
        InspectionReport report = inspect("one-call.pcap");

        assertThat(report.summary()).isEqualTo(new InspectionReport.Summary(1, 1, 1, 9, 47, 0, report.anomalies().size()));
        ControlConnection connection = report.controlConnections().getFirst();
        assertThat(connection.client()).startsWith("10.99.0.2:");
        assertThat(connection.server()).isEqualTo("10.99.0.1:1723");
        assertThat(List.of(connection.pns(), connection.pac(), connection.startFrame(), connection.endFrame(), connection.ending()))
                .containsExactly("client", "server", 1L, 65L, "FIN from client");
        Call call = connection.calls().getFirst();
        assertThat(call).extracting(Call::kind, Call::pnsCallId, Call::pacCallId, Call::state, Call::startFrame, Call::endFrame)
                .containsExactly("outgoing", 27903, 0, "cleared", 8L, 64L);
        assertThat(call.clientToServer()).extracting(GreFlow::callId, GreFlow::packets, GreFlow::ackOnlyPackets)
                .containsExactly(0, 23L, 4L);
        assertThat(call.serverToClient()).extracting(GreFlow::callId, GreFlow::packets, GreFlow::ackOnlyPackets,
                GreFlow::firstFrame, GreFlow::firstSequence).containsExactly(27903, 24L, 4L, 11L, 0L);
        // README: the server's first GRE packet (frame 11, sequence 0) is its Configure-Request
        assertThat(call.ppp().negotiation().getFirst()).extracting(s -> s.frame(), s -> s.from(), s -> s.protocol(), s -> s.code())
                .containsExactly(11L, "server", "LCP", "Configure-Request");
        assertThat(call.ppp().negotiation().getFirst().detail()).contains("Maximum-Receive-Unit=1400", "Magic-Number=0x53525652");
        assertThat(call.ppp().authentication()).isNull();
        assertThat(call.ppp().lcpEcho()).extracting(e -> e.from(), e -> e.requests(), e -> e.replied(), e -> e.unanswered())
                .containsExactlyInAnyOrder(tuple("client", 8L, 8L, 0L), tuple("server", 9L, 8L, 0L));
        assertThat(call.ppp().terminatedBy()).isEqualTo("client");
        // pptp-linux hangs up with Call-Clear-Request and FIN: no Call-Disconnect-Notify comes back
        assertThat(kinds(report)).containsExactly("call-cleared-without-cdn");
    }

    @Test
    void twoClientsAreTwoConnectionsWithTheirOwnCalls() throws IOException {
        InspectionReport report = inspect("two-clients.pcapng");

        Map<String, List<Object>> calls = new LinkedHashMap<>();
        for (ControlConnection connection : report.controlConnections()) {
            Call call = connection.calls().getFirst();
            calls.put(connection.client().replaceAll(":.*", ""), List.of(call.pnsCallId(), call.pacCallId(),
                    call.clientToServer().packets(), call.serverToClient().packets(), call.state()));
        }
        assertThat(calls).containsOnly(
                Map.entry("10.99.0.2", List.of(33841, 128, 18L, 21L, "cleared")),
                Map.entry("10.99.0.3", List.of(65200, 0, 20L, 21L, "cleared")));
        assertThat(kinds(report)).doesNotContain("gre-missing", "lcp-echo-unanswered", "call-id-mismatch", "malformed");
    }

    @Test
    void greBlockedTowardTheClientIsTheGreBlockedAnomaly() throws IOException {
        InspectionReport report = inspect("gre-blocked.pcap");

        List<Finding> blocked = report.anomalies().stream().filter(f -> f.kind().equals("gre-missing")).toList();
        assertThat(blocked).singleElement().satisfies(f -> {
            assertThat(f.frame()).isEqualTo(9); // the Outgoing-Call-Reply
            assertThat(f.explanation()).isEqualTo("no GRE from server 10.99.0.1 to client 10.99.0.2 (call ID 64877) after"
                    + " the Outgoing-Call-Reply (frame 9), 4 packet(s) the other way: GRE blocked by a firewall/NAT on the path?");
        });
        Call call = calls(report).findFirst().orElseThrow();
        assertThat(call.serverToClient().packets()).isZero();
        assertThat(call.clientToServer().packets()).isEqualTo(4);
        assertThat(call.ppp().packetCounts()).containsOnlyKeys("client");
        assertThat(call.ppp().packetCounts().get("client")).containsOnly(
                Map.entry("LCP Configure-Request", 3L), Map.entry("LCP Terminate-Request", 1L));
    }

    @ParameterizedTest
    @ValueSource(strings = {"one-call.pcap", "two-clients.pcapng"})
    void capturesWithGreBothWaysHaveNoGreBlockedAnomaly(String capture) throws IOException {
        assertThat(kinds(inspect(capture))).isNotEmpty().doesNotContain("gre-missing");
    }

    @Test
    void theSampleIsTheOneCallCapture() throws IOException {
        InspectionReport sample = Inspector.inspect(Path.of("../samples/pptp-real-call.pcap"), false);
        InspectionReport capture = Inspector.inspect(CAPTURES.resolve("one-call.pcap"), false);
        assertThat(JsonWriter.write(sample.summary(), false)).isEqualTo(JsonWriter.write(capture.summary(), false));
        assertThat(new ArrayList<>(sample.controlConnections())).isEqualTo(capture.controlConnections());
    }
}
