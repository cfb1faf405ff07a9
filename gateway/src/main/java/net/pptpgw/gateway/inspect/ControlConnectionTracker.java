package net.pptpgw.gateway.inspect;

import io.netty.buffer.ByteBuf;
import java.net.Inet4Address;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import net.pptpgw.gateway.inspect.CaptureEvent.Signal;
import net.pptpgw.gateway.inspect.CallTracker.Kind;
import net.pptpgw.gateway.inspect.CallTracker.State;
import net.pptpgw.gateway.inspect.ControlFlow.Direction;
import net.pptpgw.gateway.inspect.InspectionReport.Call;
import net.pptpgw.gateway.inspect.InspectionReport.ControlConnection;
import net.pptpgw.gateway.inspect.InspectionReport.Message;
import net.pptpgw.protocol.MalformedPacketException;
import net.pptpgw.protocol.pptp.CallClearRequest;
import net.pptpgw.protocol.pptp.CallDisconnectNotify;
import net.pptpgw.protocol.pptp.ControlMessage;
import net.pptpgw.protocol.pptp.IncomingCallConnected;
import net.pptpgw.protocol.pptp.IncomingCallReply;
import net.pptpgw.protocol.pptp.IncomingCallRequest;
import net.pptpgw.protocol.pptp.IncomingCallResult;
import net.pptpgw.protocol.pptp.OutgoingCallReply;
import net.pptpgw.protocol.pptp.OutgoingCallRequest;
import net.pptpgw.protocol.pptp.OutgoingCallResult;
import net.pptpgw.protocol.pptp.StartControlConnectionReply;
import net.pptpgw.protocol.pptp.StartControlConnectionResult;
import net.pptpgw.protocol.pptp.StopControlConnectionRequest;

/**
 * One control connection: its two byte streams framed into messages, the roles the messages
 * reveal (RFC 2637 §2: only a PNS sends Outgoing-Call-Request, Incoming-Call-Reply and
 * Call-Clear-Request; only a PAC the replies, Incoming-Call-Request/-Connected, Call-Disconnect-Notify
 * and WAN-Error-Notify), its calls matched by call ID, and how it ended.
 */
final class ControlConnectionTracker {

    /** Within this time after the call connected, no GRE yet is not suspicious. */
    private static final Duration GRE_EXPECTED_AFTER = Duration.ofSeconds(2);

    private record Timed(ControlMessage message, Direction from, long frame, Instant timestamp) {}

    /** How the connection ended. */
    private record Ending(String how, long frame, Instant timestamp) {}

    private final ControlFlow flow;
    private final Findings findings;
    private final GreRoutes routes;
    private final Map<Direction, ControlStreamFramer> framers = new EnumMap<>(Direction.class);
    private final List<Timed> messages = new ArrayList<>();
    private final List<CallTracker> calls = new ArrayList<>();
    private long firstFrame = -1;
    private Instant firstTime;
    private boolean synSeen;
    private boolean startedWithoutSyn;
    private Direction pns;
    private Ending stop;
    private Ending reset;
    private Ending fin;

    ControlConnectionTracker(ControlFlow flow, Findings findings, GreRoutes routes) {
        this.flow = flow;
        this.findings = findings;
        this.routes = routes;
        for (Direction direction : Direction.values()) {
            framers.put(direction, new ControlStreamFramer(new FramerListener(direction)));
        }
    }

    ControlFlow flow() {
        return flow;
    }

    List<CallTracker> calls() {
        return calls;
    }

    long messageCount() {
        return messages.size();
    }

    private static String side(Direction from) {
        return PppTracker.side(from);
    }

    private static Direction other(Direction from) {
        return from == Direction.CLIENT_TO_SERVER ? Direction.SERVER_TO_CLIENT : Direction.CLIENT_TO_SERVER;
    }

    private String stream(Direction direction) {
        return side(direction) + " -> " + side(other(direction)) + " stream of " + flow;
    }

    private void seen(long frame, Instant timestamp) {
        if (firstFrame < 0) {
            firstFrame = frame;
            firstTime = timestamp;
        }
    }

    void bytes(Direction direction, ByteBuf bytes, long frame, Instant timestamp) {
        seen(frame, timestamp);
        framers.get(direction).bytes(bytes, frame, timestamp);
    }

    void gap(Direction direction, long missing, long frame, Instant timestamp) {
        seen(frame, timestamp);
        framers.get(direction).gap();
        findings.add(frame, timestamp, "control-stream-gap", stream(direction), missing + " octets of the "
                + stream(direction) + " were not captured before frame " + frame
                + " (lost segment or snap length): messages in them are unknown");
    }

    void signal(Direction direction, Signal signal, long frame, Instant timestamp) {
        seen(frame, timestamp);
        switch (signal) {
            case SYN -> synSeen = true;
            case STARTED_WITHOUT_SYN -> {
                startedWithoutSyn = true;
                framers.get(direction).startedMidStream();
            }
            case FIN -> {
                framers.get(direction).end();
                if (fin == null) {
                    fin = new Ending("FIN from " + side(direction), frame, timestamp);
                }
            }
            case RST -> {
                framers.values().forEach(ControlStreamFramer::end);
                if (reset == null) {
                    reset = new Ending("RST from " + side(direction), frame, timestamp);
                }
            }
        }
    }

    /** The capture ended: what the streams still hold is an unfinished message. */
    void finish() {
        framers.values().forEach(ControlStreamFramer::end);
    }

    private final class FramerListener implements ControlStreamFramer.Listener {
        private final Direction direction;

        FramerListener(Direction direction) {
            this.direction = direction;
        }

        @Override
        public void message(ControlMessage message, long frame, Instant timestamp) {
            ControlConnectionTracker.this.message(direction, message, frame, timestamp);
        }

        @Override
        public void malformed(MalformedPacketException e, long frame, Instant timestamp) {
            findings.malformed(frame, timestamp, e, stream(direction), "control message in the " + stream(direction));
        }

        @Override
        public void resynchronised(long skipped, long frame, Instant timestamp) {
            findings.add(frame, timestamp, "control-resync", stream(direction), "skipped " + skipped
                    + " octets of the " + stream(direction) + " to the next message header, in frame " + frame);
        }

        @Override
        public void unfinished(int octets, long frame, Instant timestamp) {
            findings.add(frame, timestamp, "control-incomplete", stream(direction), "the " + stream(direction)
                    + " ended inside a message, " + octets + " octets after the last whole one");
        }
    }

    private void message(Direction from, ControlMessage message, long frame, Instant timestamp) {
        messages.add(new Timed(message, from, frame, timestamp));
        switch (message) {
            case StartControlConnectionReply reply when !reply.resultCode().equals(StartControlConnectionResult.SUCCESSFUL) ->
                    findings.add(frame, timestamp, "control-connection-refused", flow.toString(),
                            "Start-Control-Connection-Reply from " + side(from) + " refused " + flow + ": result "
                                    + reply.resultCode() + errorText(message));
            case StopControlConnectionRequest request -> {
                if (stop == null) {
                    stop = new Ending("Stop-Control-Connection-Request from " + side(from) + " (reason " + request.reason() + ")",
                            frame, timestamp);
                }
            }
            case OutgoingCallRequest request -> {
                pns = from;
                CallTracker call = newCall(Kind.OUTGOING, frame, timestamp);
                call.pnsCallId = request.callId();
                expectGre(call, other(from), request.callId());
            }
            case OutgoingCallReply reply -> {
                pns = other(from);
                CallTracker call = find(c -> c.kind == Kind.OUTGOING && c.pacCallId == null
                        && is(c.pnsCallId, reply.peerCallId()));
                if (call == null) { // the request was not captured
                    call = newCall(Kind.OUTGOING, frame, timestamp);
                    call.pnsCallId = reply.peerCallId();
                    expectGre(call, from, reply.peerCallId());
                }
                call.pacCallId = reply.callId();
                call.replyResult = reply.resultCode().toString() + errorText(message);
                if (reply.resultCode().equals(OutgoingCallResult.CONNECTED)) {
                    call.connected(frame, timestamp);
                    expectGre(call, other(from), reply.callId());
                } else {
                    failed(call, frame, timestamp, "Outgoing-Call-Reply from " + side(from) + " refused call ID "
                            + reply.peerCallId() + ": result " + reply.resultCode() + errorText(message));
                }
            }
            case IncomingCallRequest request -> {
                pns = other(from);
                CallTracker call = newCall(Kind.INCOMING, frame, timestamp);
                call.pacCallId = request.callId();
                expectGre(call, other(from), request.callId());
            }
            case IncomingCallReply reply -> {
                pns = from;
                CallTracker call = find(c -> c.kind == Kind.INCOMING && c.pnsCallId == null
                        && is(c.pacCallId, reply.peerCallId()));
                if (call == null) {
                    call = newCall(Kind.INCOMING, frame, timestamp);
                    call.pacCallId = reply.peerCallId();
                    expectGre(call, from, reply.peerCallId());
                }
                call.pnsCallId = reply.callId();
                call.replyResult = reply.resultCode().toString() + errorText(message);
                if (reply.resultCode().equals(IncomingCallResult.CONNECT)) {
                    expectGre(call, other(from), reply.callId());
                } else {
                    failed(call, frame, timestamp, "Incoming-Call-Reply from " + side(from) + " refused call ID "
                            + reply.peerCallId() + ": result " + reply.resultCode() + errorText(message));
                }
            }
            case IncomingCallConnected connected -> {
                pns = other(from);
                CallTracker call = find(c -> c.kind == Kind.INCOMING && c.active()
                        && is(c.pnsCallId, connected.peerCallId()));
                if (call != null) {
                    call.connected(frame, timestamp);
                }
            }
            case CallClearRequest clear -> {
                pns = from;
                CallTracker call = find(c -> c.active() && is(c.pnsCallId, clear.callId()));
                if (call != null) {
                    call.cleared(frame, timestamp);
                }
            }
            case CallDisconnectNotify notify -> {
                pns = other(from);
                CallTracker call = find(c -> c.active() && is(c.pacCallId, notify.callId()));
                if (call != null) {
                    call.disconnected(frame, timestamp, notify.resultCode().toString() + errorText(message));
                }
            }
            default -> { }
        }
    }

    private static String errorText(ControlMessage message) {
        String error = Describe.error(message);
        return error == null ? "" : ", error " + error;
    }

    private CallTracker newCall(Kind kind, long frame, Instant timestamp) {
        CallTracker call = new CallTracker(kind, frame, timestamp, findings, "call " + (calls.size() + 1) + " of " + flow);
        calls.add(call);
        return call;
    }

    private void failed(CallTracker call, long frame, Instant timestamp, String explanation) {
        call.state = State.FAILED;
        call.ended(frame, timestamp);
        findings.add(frame, timestamp, "call-failed", "frame " + frame, explanation);
    }

    private static boolean is(Integer callId, int value) {
        return callId != null && callId == value;
    }

    /** The latest call that matches: call IDs are reused over a connection's life. */
    private CallTracker find(Predicate<CallTracker> matches) {
        for (int i = calls.size() - 1; i >= 0; i--) {
            if (matches.test(calls.get(i))) {
                return calls.get(i);
            }
        }
        return null;
    }

    /** GRE that {@code sender} will send for this call carries the receiver's {@code callId} (RFC 2637 §4.1). */
    private void expectGre(CallTracker call, Direction sender, int callId) {
        Inet4Address source = sender == Direction.CLIENT_TO_SERVER ? flow.client() : flow.server();
        Inet4Address destination = sender == Direction.CLIENT_TO_SERVER ? flow.server() : flow.client();
        GreFlowTracker gre = routes.expect(call, sender, source, destination, callId);
        if (sender == Direction.CLIENT_TO_SERVER) {
            call.clientToServer = gre;
        } else {
            call.serverToClient = gre;
        }
    }

    /** Whether the GRE between these two addresses would belong to this connection's calls. */
    boolean connects(Inet4Address a, Inet4Address b) {
        return (flow.client().equals(a) && flow.server().equals(b)) || (flow.client().equals(b) && flow.server().equals(a));
    }

    private Ending ending() {
        if (stop != null) {
            return stop;
        }
        return reset != null ? reset : fin;
    }

    /** The connection as a report; also records the findings only its end can tell. */
    ControlConnection report(CaptureClock clock, Instant captureEnd) {
        Ending ending = ending();
        boolean closed = reset != null || fin != null;
        List<Call> callReports = new ArrayList<>();
        for (CallTracker call : calls) {
            if (ending != null) {
                call.ended(ending.frame(), ending.timestamp());
            }
            checkGre(call, captureEnd);
            if (call.clearedWithoutDisconnect(closed, captureEnd)) {
                findings.add(call.clearFrame, call.clearTime, "call-cleared-without-cdn", "frame " + call.clearFrame,
                        "Call-Clear-Request for call ID " + call.pnsCallId + " got no Call-Disconnect-Notify"
                                + (closed ? " before the control connection closed" : "")
                                + " (RFC 2637 §2.12 has the PAC answer one; pptp-linux closes the connection at once)");
            }
            callReports.add(call.report(clock, captureEnd));
        }
        List<Message> messageReports = messages.stream().map(m -> new Message(m.frame(), clock.seconds(m.timestamp()),
                side(m.from()), m.message().type().rfcName(), m.message().type().abbreviation(),
                Describe.callId(m.message()), Describe.peerCallId(m.message()), Describe.result(m.message()),
                Describe.error(m.message()), Describe.detail(m.message()))).toList();
        return new ControlConnection(address(flow.client(), flow.clientPort()), address(flow.server(), flow.serverPort()),
                pns == null ? null : side(pns), pns == null ? null : side(other(pns)), firstFrame,
                clock.seconds(firstTime), startedWithoutSyn && !synSeen, ending == null ? null : ending.frame(),
                ending == null ? null : clock.seconds(ending.timestamp()),
                ending == null ? "open at capture end" : ending.how(), messageReports, callReports);
    }

    private static String address(Inet4Address address, int port) {
        return address.getHostAddress() + ":" + port;
    }

    /**
     * After the call connected, both sides send GRE at once (LCP starts the PPP session). One
     * direction silent while the other talks is the classic PPTP failure: GRE dropped by a
     * firewall or a NAT without a PPTP helper on the path.
     */
    private void checkGre(CallTracker call, Instant captureEnd) {
        if (call.connectFrame < 0 || call.clientToServer == null || call.serverToClient == null) {
            return;
        }
        long toServer = call.clientToServer.packets();
        long toClient = call.serverToClient.packets();
        String reply = call.kind == Kind.OUTGOING ? "Outgoing-Call-Reply" : "Incoming-Call-Connected";
        if (toServer > 0 && toClient == 0) {
            greMissing(call, "server", "client", call.serverToClient, toServer, reply);
        } else if (toClient > 0 && toServer == 0) {
            greMissing(call, "client", "server", call.clientToServer, toClient, reply);
        } else if (toServer == 0 && toClient == 0) {
            Instant until = call.end != null ? call.end : captureEnd;
            if (until != null && Duration.between(call.connectTime, until).compareTo(GRE_EXPECTED_AFTER) >= 0) {
                findings.add(call.connectFrame, call.connectTime, "gre-missing", "frame " + call.connectFrame,
                        "no GRE in either direction after the " + reply + " (frame " + call.connectFrame + ") of "
                                + flow + ": GRE (IP protocol 47) blocked both ways, or not captured (a capture filter on TCP port 1723 only?)");
            }
        }
    }

    private void greMissing(CallTracker call, String silent, String peer, GreFlowTracker missing, long otherWay,
                            String reply) {
        findings.add(call.connectFrame, call.connectTime, "gre-missing", "frame " + call.connectFrame,
                "no GRE from " + silent + " " + missing.source().getHostAddress() + " to " + peer + " "
                        + missing.destination().getHostAddress() + " (call ID " + missing.callId() + ") after the "
                        + reply + " (frame " + call.connectFrame + "), " + otherWay + " packet(s) the other way: "
                        + "GRE blocked by a firewall/NAT on the path?");
    }
}
