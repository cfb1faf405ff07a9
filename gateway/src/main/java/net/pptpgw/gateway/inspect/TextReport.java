package net.pptpgw.gateway.inspect;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import net.pptpgw.gateway.inspect.InspectionReport.Authentication;
import net.pptpgw.gateway.inspect.InspectionReport.Call;
import net.pptpgw.gateway.inspect.InspectionReport.ControlConnection;
import net.pptpgw.gateway.inspect.InspectionReport.Finding;
import net.pptpgw.gateway.inspect.InspectionReport.Frame;
import net.pptpgw.gateway.inspect.InspectionReport.GreFlow;
import net.pptpgw.gateway.inspect.InspectionReport.Ipcp;
import net.pptpgw.gateway.inspect.InspectionReport.LcpEcho;
import net.pptpgw.gateway.inspect.InspectionReport.Message;
import net.pptpgw.gateway.inspect.InspectionReport.Mppe;
import net.pptpgw.gateway.inspect.InspectionReport.MppeDirection;
import net.pptpgw.gateway.inspect.InspectionReport.Ppp;
import net.pptpgw.gateway.inspect.InspectionReport.PppStep;
import net.pptpgw.gateway.inspect.InspectionReport.Summary;

/**
 * The human-readable form of an {@link InspectionReport}: summary counts first, then one block
 * per control connection with its messages and calls, the unmatched GRE, and the anomalies.
 */
public final class TextReport {

    private final StringBuilder out = new StringBuilder();
    private final boolean verbose;

    private TextReport(boolean verbose) {
        this.verbose = verbose;
    }

    /** @param verbose also list every GRE packet with what it carries */
    public static String render(InspectionReport report, boolean verbose) {
        TextReport text = new TextReport(verbose);
        text.write(report);
        return text.out.toString();
    }

    private TextReport line(String format, Object... args) {
        out.append(args.length == 0 ? format : String.format(format, args)).append('\n');
        return this;
    }

    private void write(InspectionReport report) {
        line("%s: %s, %d frames, %.3f s", report.file(), report.format(), report.frames(), report.durationSeconds());
        Summary s = report.summary();
        line("%d control connection(s), %d call(s) (%d connected), %d control message(s), %d GRE packet(s) (%d unmatched), %d anomal%s",
                s.controlConnections(), s.calls(), s.connectedCalls(), s.controlMessages(), s.grePackets(),
                s.unmatchedGrePackets(), s.anomalies(), s.anomalies() == 1 ? "y" : "ies");
        for (Finding finding : report.anomalies()) {
            line("  ! frame %d: %s%s", finding.frame(), finding.kind(),
                    finding.occurrences() > 1 ? " (x" + finding.occurrences() + ")" : "");
        }
        int number = 0;
        for (ControlConnection connection : report.controlConnections()) {
            connection(++number, connection);
        }
        if (!report.unmatchedGre().isEmpty()) {
            line("").line("GRE matching no call");
            for (GreFlow flow : report.unmatchedGre()) {
                gre("  ", flow.source() + " -> " + flow.destination(), flow);
                frames("    ", flow.frames());
            }
        }
        line("").line("Anomalies");
        if (report.anomalies().isEmpty()) {
            line("  none");
        }
        for (Finding finding : report.anomalies()) {
            line("  frame %d (%.6f s) %s%s: %s", finding.frame(), finding.time(), finding.kind(),
                    finding.occurrences() > 1 ? ", " + finding.occurrences() + " times" : "", finding.explanation());
        }
    }

    private void connection(int number, ControlConnection c) {
        line("").line("Control connection %d: client %s -> server %s%s", number, c.client(), c.server(),
                c.pns() == null ? "" : " (" + c.pns() + " is PNS, " + c.pac() + " is PAC)");
        line("  opened frame %d at %.6f s%s; %s", c.startFrame(), c.start(),
                c.startedBeforeCapture() ? " (began before the capture)" : "",
                c.endFrame() == null ? c.ending() : String.format("ended frame %d at %.6f s: %s", c.endFrame(), c.end(), c.ending()));
        line("  messages:");
        for (Message m : c.messages()) {
            List<String> fields = new ArrayList<>();
            if (m.callId() != null) {
                fields.add("call ID " + m.callId());
            }
            if (m.peerCallId() != null) {
                fields.add("peer call ID " + m.peerCallId());
            }
            if (m.result() != null) {
                fields.add("result " + m.result());
            }
            if (m.error() != null) {
                fields.add("error " + m.error());
            }
            if (m.detail() != null) {
                fields.add(m.detail());
            }
            line("    %6d %11.6f  %-6s %s%s", m.frame(), m.time(), m.from(), m.type(),
                    fields.isEmpty() ? "" : ": " + String.join(", ", fields));
        }
        int number2 = 0;
        for (Call call : c.calls()) {
            call(number, ++number2, call);
        }
    }

    private void call(int connection, int number, Call call) {
        List<String> results = new ArrayList<>();
        if (call.replyResult() != null) {
            results.add("reply " + call.replyResult());
        }
        if (call.disconnectResult() != null) {
            results.add("Call-Disconnect-Notify " + call.disconnectResult());
        }
        line("  Call %d.%d: %s, PNS call ID %s, PAC call ID %s: %s%s", connection, number, call.kind(),
                id(call.pnsCallId()), id(call.pacCallId()), call.state(), results.isEmpty() ? "" : " (" + String.join(", ", results) + ")");
        line("    from frame %d at %.6f s%s", call.startFrame(), call.start(),
                call.endFrame() == null ? " to the end of the capture" : String.format(" to frame %d at %.6f s", call.endFrame(), call.end()));
        gre("    ", "client -> server", call.clientToServer());
        gre("    ", "server -> client", call.serverToClient());
        ppp(call.ppp());
        if (verbose) {
            List<Frame> frames = new ArrayList<>();
            if (call.clientToServer() != null) {
                frames.addAll(call.clientToServer().frames());
            }
            if (call.serverToClient() != null) {
                frames.addAll(call.serverToClient().frames());
            }
            frames.sort(Comparator.comparingLong(Frame::frame));
            frames("    ", frames);
        }
    }

    private static String id(Integer callId) {
        return callId == null ? "?" : callId.toString();
    }

    private void gre(String indent, String direction, GreFlow flow) {
        if (flow == null) {
            line("%sGRE %s: no call ID announced", indent, direction);
            return;
        }
        if (flow.packets() == 0) {
            line("%sGRE %s (key call ID %d): none", indent, direction, flow.callId());
            return;
        }
        StringBuilder text = new StringBuilder(String.format("%sGRE %s (key call ID %d): %d packets (%d data, %d ack-only), frames %d-%d",
                indent, direction, flow.callId(), flow.packets(), flow.dataPackets(), flow.ackOnlyPackets(),
                flow.firstFrame(), flow.lastFrame()));
        if (flow.firstSequence() != null) {
            text.append(String.format("; sequence %d..%d", flow.firstSequence(), flow.lastSequence()));
        }
        if (flow.highestAcknowledgment() != null) {
            text.append("; highest ack ").append(flow.highestAcknowledgment());
        }
        List<String> problems = new ArrayList<>();
        count(problems, flow.lost(), "lost");
        count(problems, flow.outOfOrder(), "out of order");
        count(problems, flow.duplicates(), "duplicate");
        count(problems, flow.backwards(), "backwards");
        count(problems, flow.truncated(), "cut by snap length");
        count(problems, flow.malformed(), "malformed");
        text.append(problems.isEmpty() ? "; in order" : "; " + String.join(", ", problems));
        line(text.toString());
    }

    private static void count(List<String> into, long count, String what) {
        if (count != 0) {
            into.add(count + " " + what);
        }
    }

    private void ppp(Ppp ppp) {
        if (ppp.negotiation().isEmpty() && ppp.packetCounts().isEmpty()) {
            line("    PPP: nothing captured");
            return;
        }
        line(ppp.negotiation().isEmpty() ? "    PPP negotiation: none captured" : "    PPP negotiation:");
        for (PppStep step : ppp.negotiation()) {
            line("      %6d %11.6f  %-6s %-5s %s", step.frame(), step.time(), step.from(), step.protocol(), step.detail());
        }
        for (Map.Entry<String, Map<String, Long>> counts : ppp.packetCounts().entrySet()) {
            line("    PPP packets from %s: %s", counts.getKey(), counts.getValue().entrySet().stream()
                    .map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", ")));
        }
        Authentication auth = ppp.authentication();
        if (auth == null) {
            line("    authentication: none negotiated");
        } else {
            line("    authentication: %s%s%s: %s%s", auth.protocol(),
                    auth.authenticator() == null ? "" : ", " + auth.authenticator() + " authenticates",
                    auth.peerName() == null ? "" : ", peer name " + auth.peerName(), auth.outcome(),
                    auth.outcomeFrame() == null ? "" : " (frame " + auth.outcomeFrame() + ")"
                            + (auth.detail() == null ? "" : ": " + auth.detail()));
        }
        Ipcp ipcp = ppp.ipcp();
        if (ipcp != null) {
            List<String> parts = new ArrayList<>();
            parts.add("client " + (ipcp.clientAddress() == null ? "?" : ipcp.clientAddress()));
            parts.add("server " + (ipcp.serverAddress() == null ? "?" : ipcp.serverAddress()));
            optional(parts, "DNS", ipcp.primaryDns());
            optional(parts, "DNS 2", ipcp.secondaryDns());
            optional(parts, "WINS", ipcp.primaryNbns());
            optional(parts, "WINS 2", ipcp.secondaryNbns());
            line("    IPCP: %s", String.join(", ", parts));
        }
        Mppe mppe = ppp.mppe();
        if (mppe != null) {
            line("    MPPE: %s", mppe.agreed() == null ? "no CCP agreement captured" : mppe.agreed() + " (" + mppe.supportedBits() + ")");
            for (MppeDirection d : mppe.directions()) {
                line("      from %s: %d frames, %d encrypted, %d compressed, %d flushed, coherency count %d..%d%s",
                        d.from(), d.frames(), d.encrypted(), d.compressed(), d.flushed(), d.firstCoherencyCount(),
                        d.lastCoherencyCount(), d.coherencyJumps() == 0 ? "" : ", " + d.coherencyJumps() + " jumps");
            }
        }
        for (LcpEcho echo : ppp.lcpEcho()) {
            line("    LCP echo from %s: %d requests, %d replied%s%s", echo.from(), echo.requests(), echo.replied(),
                    echo.unanswered() == 0 ? "" : ", " + echo.unanswered() + " unanswered",
                    echo.unansweredAfterTerminate() == 0 ? "" : ", " + echo.unansweredAfterTerminate() + " sent after Terminate-Request");
        }
        if (ppp.terminatedBy() != null) {
            line("    LCP Terminate-Request from %s, frame %d", ppp.terminatedBy(), ppp.terminateFrame());
        }
    }

    private static void optional(List<String> parts, String name, String value) {
        if (value != null) {
            parts.add(name + " " + value);
        }
    }

    private void frames(String indent, List<Frame> frames) {
        for (Frame f : frames) {
            line("%s%6d %11.6f  %s -> %s call ID %d%s%s: %s", indent, f.frame(), f.time(), f.source(), f.destination(),
                    f.callId(), f.sequence() == null ? "" : " seq " + f.sequence(),
                    f.acknowledgment() == null ? "" : " ack " + f.acknowledgment(), f.content());
        }
    }
}
