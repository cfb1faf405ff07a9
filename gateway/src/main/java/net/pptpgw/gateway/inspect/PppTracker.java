package net.pptpgw.gateway.inspect;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import net.pptpgw.gateway.inspect.ControlFlow.Direction;
import net.pptpgw.gateway.inspect.InspectionReport.Authentication;
import net.pptpgw.gateway.inspect.InspectionReport.Ipcp;
import net.pptpgw.gateway.inspect.InspectionReport.LcpEcho;
import net.pptpgw.gateway.inspect.InspectionReport.Mppe;
import net.pptpgw.gateway.inspect.InspectionReport.MppeDirection;
import net.pptpgw.gateway.inspect.InspectionReport.Ppp;
import net.pptpgw.gateway.inspect.InspectionReport.PppStep;
import net.pptpgw.protocol.MalformedPacketException;
import net.pptpgw.protocol.ppp.auth.ChapPacket;
import net.pptpgw.protocol.ppp.auth.MsChapFailure;
import net.pptpgw.protocol.ppp.auth.PapPacket;
import net.pptpgw.protocol.ppp.ccp.CcpOption;
import net.pptpgw.protocol.ppp.ccp.MppeSupportedBits;
import net.pptpgw.protocol.ppp.cp.ConfigurationOption;
import net.pptpgw.protocol.ppp.cp.ControlCode;
import net.pptpgw.protocol.ppp.cp.ControlPacket;
import net.pptpgw.protocol.ppp.cp.ProtocolKind;
import net.pptpgw.protocol.ppp.ipcp.IpcpOption;
import net.pptpgw.protocol.ppp.lcp.ChapAlgorithm;
import net.pptpgw.protocol.ppp.lcp.LcpOption.AuthenticationProtocol;
import net.pptpgw.protocol.ppp.mppe.MppeHeader;

/**
 * Follows the PPP session of one call from the frames both sides carry in GRE: the LCP, IPCP and
 * CCP negotiations (RFC 1661 §5: what each side asked for and what the other acked), the
 * authentication exchange and its outcome, LCP echoes, termination, and the MPPE frames once CCP
 * is up. Sides are named by the control connection: "client" and "server".
 */
final class PppTracker {

    /** An Echo-Request this close to the end of the capture may have been answered after it. */
    private static final Duration ECHO_GRACE = Duration.ofSeconds(1);

    private record Step(long frame, Instant timestamp, Direction from, String protocol, String code,
                        Integer identifier, String detail) {}

    /** Echo-Requests one side sent and whether they were answered. */
    private static final class Echoes {
        long requests;
        long replied;
        /** Requests without a reply yet, by identifier. */
        final Map<Integer, Pending> outstanding = new LinkedHashMap<>();
        /** Requests whose identifier came round again before a reply: never answered. */
        final List<Step> unanswered = new ArrayList<>();
    }

    /**
     * @param afterTerminate sent once a Terminate-Request was seen: the link is going down and
     *     nobody owes an answer (RFC 1661 §4.3, Closing state)
     */
    private record Pending(Step request, boolean afterTerminate) {}

    /** Frames one side sent with protocol 0x00FD (RFC 3078 §3). */
    private static final class MppeCounts {
        long frames;
        long encrypted;
        long compressed;
        long flushed;
        int firstCoherencyCount = -1;
        int lastCoherencyCount = -1;
        long coherencyJumps;
    }

    private final Findings findings;
    private final String place;
    private final List<Step> steps = new ArrayList<>();
    private final Map<Direction, Map<String, Long>> counts = new EnumMap<>(Direction.class);
    /** Per control protocol, the options of each side's Configure-Request that the other side acked. */
    private final Map<ProtocolKind, Map<Direction, List<ConfigurationOption>>> acked = new EnumMap<>(ProtocolKind.class);
    private final Map<Direction, Echoes> echoes = new EnumMap<>(Direction.class);
    private final Map<Direction, MppeCounts> mppe = new EnumMap<>(Direction.class);

    private Direction terminatedBy;
    private long terminateFrame;
    private Instant terminateTime;

    private Direction authenticator;
    private String authProtocolSeen;
    private String peerName;
    private String authOutcome;
    private Long authOutcomeFrame;
    private String authDetail;

    /** @param place names the call in findings, e.g. "call 27903/0 on 10.99.0.2:41185 -> 10.99.0.1:1723" */
    PppTracker(Findings findings, String place) {
        this.findings = findings;
        this.place = place;
    }

    static String side(Direction sender) {
        return sender == Direction.CLIENT_TO_SERVER ? "client" : "server";
    }

    private static Direction other(Direction sender) {
        return sender == Direction.CLIENT_TO_SERVER ? Direction.SERVER_TO_CLIENT : Direction.CLIENT_TO_SERVER;
    }

    /** A frame that did not decode. */
    void malformed(Direction from, long frame, Instant timestamp, MalformedPacketException e) {
        findings.malformed(frame, timestamp, e, place + " " + side(from),
                "PPP from " + side(from) + " in " + place);
    }

    /** One decoded frame sent by {@code from}. */
    void unit(Direction from, long frame, Instant timestamp, PppUnit unit) {
        switch (unit) {
            case PppUnit.Control c -> control(from, frame, timestamp, c.kind(), c.packet());
            case PppUnit.Pap p -> pap(from, frame, timestamp, p.packet());
            case PppUnit.Chap c -> chap(from, frame, timestamp, c.packet());
            case PppUnit.Mppe m -> mppe(from, m.header());
            case PppUnit.Other o -> count(from, o.protocol().name() != null ? o.protocol().name()
                    : String.format("protocol 0x%04x", o.protocol().value()));
        }
    }

    private void count(Direction from, String what) {
        counts.computeIfAbsent(from, d -> new LinkedHashMap<>()).merge(what, 1L, Long::sum);
    }

    private void step(long frame, Instant timestamp, Direction from, String protocol, String code, Integer identifier,
                      String detail) {
        steps.add(new Step(frame, timestamp, from, protocol, code, identifier, detail));
    }

    private void control(Direction from, long frame, Instant timestamp, ProtocolKind kind, ControlPacket packet) {
        String protocol = kind.name();
        String code = ControlCode.name(packet.code());
        count(from, protocol + " " + code);
        switch (packet) {
            case ControlPacket.ConfigureAck ack -> {
                // RFC 1661 §5.2: the Ack lists the options of the request it accepts: the peer's configuration.
                acked.computeIfAbsent(kind, k -> new EnumMap<>(Direction.class)).put(other(from), ack.options());
                step(frame, timestamp, from, protocol, code, packet.identifier(), Describe.packet(packet));
            }
            case ControlPacket.EchoRequest request -> echoRequest(from, frame, timestamp, request.identifier());
            case ControlPacket.EchoReply reply -> echoReply(from, reply.identifier());
            case ControlPacket.TerminateRequest request -> {
                if (kind == ProtocolKind.LCP && terminatedBy == null) {
                    terminatedBy = from;
                    terminateFrame = frame;
                    terminateTime = timestamp;
                }
                step(frame, timestamp, from, protocol, code, packet.identifier(), Describe.packet(packet));
            }
            case ControlPacket.DiscardRequest discard -> { } // counted only: it carries nothing to negotiate
            default -> step(frame, timestamp, from, protocol, code, packet.identifier(), Describe.packet(packet));
        }
    }

    private void echoRequest(Direction from, long frame, Instant timestamp, int identifier) {
        Echoes mine = echoes.computeIfAbsent(from, d -> new Echoes());
        mine.requests++;
        Step request = new Step(frame, timestamp, from, "LCP", "Echo-Request", identifier, null);
        Pending previous = mine.outstanding.put(identifier, new Pending(request, terminatedBy != null));
        if (previous != null && !previous.afterTerminate()) {
            mine.unanswered.add(previous.request());
        }
    }

    private void echoReply(Direction from, int identifier) {
        Echoes asker = echoes.computeIfAbsent(other(from), d -> new Echoes());
        if (asker.outstanding.remove(identifier) != null) {
            asker.replied++;
        }
    }

    private Optional<AuthenticationProtocol> agreedAuthentication(Direction authenticatorSide) {
        Map<Direction, List<ConfigurationOption>> lcp = acked.get(ProtocolKind.LCP);
        if (lcp == null || lcp.get(authenticatorSide) == null) {
            return Optional.empty();
        }
        return lcp.get(authenticatorSide).stream()
                .filter(AuthenticationProtocol.class::isInstance).map(AuthenticationProtocol.class::cast).findFirst();
    }

    /** The authenticator's LCP request named the protocol; the peer's Ack agreed to it (RFC 1661 §6.2). */
    private Optional<Direction> agreedAuthenticator() {
        for (Direction side : Direction.values()) {
            if (agreedAuthentication(side).isPresent()) {
                return Optional.of(side);
            }
        }
        return Optional.empty();
    }

    private void pap(Direction from, long frame, Instant timestamp, PapPacket packet) {
        count(from, "PAP " + papCode(packet));
        step(frame, timestamp, from, "PAP", papCode(packet), packet.identifier(), Describe.pap(packet));
        authProtocolSeen = "PAP";
        switch (packet) {
            case PapPacket.AuthenticateRequest request -> {
                authenticator = other(from);
                peerName = request.peerId().toString();
                authOutcome = "incomplete";
            }
            case PapPacket.AuthenticateAck ack -> outcome(frame, "success", null);
            case PapPacket.AuthenticateNak nak -> {
                outcome(frame, "failure", nak.message().isEmpty() ? null : nak.message().toString());
                findings.add(frame, timestamp, "auth-failure", place, "PAP Authenticate-Nak from " + side(from) + " in "
                        + place + (nak.message().isEmpty() ? "" : ": " + nak.message()) + ": wrong peer ID or password?");
            }
            case PapPacket.Unknown unknown -> { }
        }
    }

    private static String papCode(PapPacket packet) {
        return switch (packet) {
            case PapPacket.AuthenticateRequest p -> "Authenticate-Request";
            case PapPacket.AuthenticateAck p -> "Authenticate-Ack";
            case PapPacket.AuthenticateNak p -> "Authenticate-Nak";
            case PapPacket.Unknown p -> "Code-" + p.code();
        };
    }

    private void chap(Direction from, long frame, Instant timestamp, ChapPacket packet) {
        String code = switch (packet) {
            case ChapPacket.Challenge p -> "Challenge";
            case ChapPacket.Response p -> "Response";
            case ChapPacket.Success p -> "Success";
            case ChapPacket.Failure p -> "Failure";
            case ChapPacket.Unknown p -> "Code-" + p.code();
        };
        count(from, "CHAP " + code);
        step(frame, timestamp, from, "CHAP", code, packet.identifier(), Describe.chap(packet));
        if (authProtocolSeen == null) {
            authProtocolSeen = "CHAP";
        }
        switch (packet) {
            case ChapPacket.Challenge challenge -> {
                authenticator = from;
                authOutcome = "incomplete";
            }
            case ChapPacket.Response response -> peerName = response.name().toString();
            case ChapPacket.Success success -> outcome(frame, "success", null);
            case ChapPacket.Failure failure -> {
                String detail = chapFailure(frame, timestamp, from, failure);
                outcome(frame, "failure", detail);
                findings.add(frame, timestamp, "auth-failure", place, authName(from) + " Failure from " + side(from)
                        + " in " + place + (detail == null ? "" : ": " + detail));
            }
            case ChapPacket.Unknown unknown -> { }
        }
    }

    /** The CHAP variant the LCP negotiation agreed on, when it was captured. */
    private Optional<ChapAlgorithm> chapAlgorithm(Direction authenticatorSide) {
        return agreedAuthentication(authenticatorSide).flatMap(AuthenticationProtocol::chapAlgorithm);
    }

    private String authName(Direction authenticatorSide) {
        return agreedAuthentication(authenticatorSide).map(Describe::authenticationProtocol).orElse("CHAP");
    }

    /**
     * An MS-CHAP Failure message carries {@code E=<error> R=<retry> ...} (RFC 2433, RFC 2759 §6):
     * read it when the negotiated variant is MS-CHAP, or when the text has that form (the LCP
     * negotiation may be missing from the capture).
     */
    private String chapFailure(long frame, Instant timestamp, Direction from, ChapPacket.Failure failure) {
        boolean msChap = chapAlgorithm(from).map(a -> a.equals(ChapAlgorithm.MS_CHAP) || a.equals(ChapAlgorithm.MS_CHAP_V2))
                .orElse(failure.message().length() > 1 && failure.message().get(0) == 'E' && failure.message().get(1) == '=');
        if (!msChap) {
            return failure.message().isEmpty() ? null : failure.message().toString();
        }
        try {
            MsChapFailure parsed = MsChapFailure.parse(failure.message());
            StringBuilder text = new StringBuilder();
            parsed.error().ifPresent(e -> text.append("E=").append(e.code()).append(' ').append(e.windowsName()));
            text.append(text.isEmpty() ? "" : ", ").append(parsed.retry() ? "retry allowed" : "retry not allowed");
            if (!parsed.message().isEmpty()) {
                text.append(", message \"").append(parsed.message()).append('"');
            }
            return text.toString();
        } catch (MalformedPacketException e) {
            findings.malformed(frame, timestamp, e, place, "MS-CHAP Failure message from " + side(from) + " in " + place);
            return failure.message().toString();
        }
    }

    private void outcome(long frame, String outcome, String detail) {
        authOutcome = outcome;
        authOutcomeFrame = frame;
        authDetail = detail;
    }

    private void mppe(Direction from, int header) {
        count(from, "Compressed-datagram");
        MppeCounts mine = mppe.computeIfAbsent(from, d -> new MppeCounts());
        mine.frames++;
        if (MppeHeader.isEncrypted(header)) {
            mine.encrypted++;
        }
        if (MppeHeader.isCompressed(header)) {
            mine.compressed++;
        }
        if (MppeHeader.isFlushed(header)) {
            mine.flushed++;
        }
        int coherencyCount = MppeHeader.coherencyCount(header);
        if (mine.firstCoherencyCount < 0) {
            mine.firstCoherencyCount = coherencyCount;
        } else if (coherencyCount != ((mine.lastCoherencyCount + 1) & MppeHeader.COHERENCY_COUNT_MASK)) {
            mine.coherencyJumps++; // RFC 3078 §3: the count goes up by one per packet; a jump means packets lost or reordered
        }
        mine.lastCoherencyCount = coherencyCount;
    }

    /**
     * The session as a report; also records the unanswered LCP Echo-Requests as findings.
     *
     * @param captureEnd the last frame's time: requests just before it may have been answered after
     */
    Ppp report(CaptureClock clock, Instant captureEnd) {
        List<PppStep> negotiation = steps.stream()
                .map(s -> new PppStep(s.frame(), clock.seconds(s.timestamp()), side(s.from()), s.protocol(), s.code(),
                        s.identifier(), s.detail()))
                .toList();
        Map<String, Map<String, Long>> packetCounts = new LinkedHashMap<>();
        counts.forEach((direction, byKind) -> packetCounts.put(side(direction), Collections.unmodifiableMap(new LinkedHashMap<>(byKind))));
        return new Ppp(negotiation, packetCounts, authentication(), ipcp(), mppeReport(), echoReport(captureEnd),
                terminatedBy == null ? null : side(terminatedBy), terminatedBy == null ? null : terminateFrame);
    }

    private Authentication authentication() {
        Optional<Direction> agreed = agreedAuthenticator();
        if (agreed.isEmpty() && authProtocolSeen == null) {
            return null;
        }
        Direction side = agreed.orElse(authenticator);
        String protocol = agreed.map(this::authName).orElse(authProtocolSeen);
        return new Authentication(protocol, side == null ? null : side(side), peerName,
                authOutcome == null ? "not started" : authOutcome, authOutcomeFrame, authDetail);
    }

    private Ipcp ipcp() {
        Map<Direction, List<ConfigurationOption>> options = acked.get(ProtocolKind.IPCP);
        if (options == null) {
            return null;
        }
        List<ConfigurationOption> client = options.getOrDefault(Direction.CLIENT_TO_SERVER, List.of());
        List<ConfigurationOption> server = options.getOrDefault(Direction.SERVER_TO_CLIENT, List.of());
        List<ConfigurationOption> both = new ArrayList<>(client);
        both.addAll(server);
        return new Ipcp(address(client, IpcpOption.IpAddress.class), address(server, IpcpOption.IpAddress.class),
                address(both, IpcpOption.PrimaryDnsServer.class), address(both, IpcpOption.SecondaryDnsServer.class),
                address(both, IpcpOption.PrimaryNbnsServer.class), address(both, IpcpOption.SecondaryNbnsServer.class));
    }

    private static String address(List<ConfigurationOption> options, Class<? extends IpcpOption> type) {
        return options.stream().filter(type::isInstance).findFirst().map(Describe::option)
                .map(text -> text.substring(text.indexOf('=') + 1)).orElse(null);
    }

    private Mppe mppeReport() {
        Map<Direction, List<ConfigurationOption>> options = acked.get(ProtocolKind.CCP);
        MppeSupportedBits agreed = null;
        if (options != null) {
            for (List<ConfigurationOption> list : options.values()) {
                for (ConfigurationOption option : list) {
                    if (option instanceof CcpOption.Mppe m) {
                        agreed = m.supportedBits();
                    }
                }
            }
        }
        if (agreed == null && mppe.isEmpty()) {
            return null;
        }
        List<MppeDirection> directions = new ArrayList<>();
        mppe.forEach((direction, c) -> directions.add(new MppeDirection(side(direction), c.frames, c.encrypted,
                c.compressed, c.flushed, c.firstCoherencyCount, c.lastCoherencyCount, c.coherencyJumps)));
        return new Mppe(agreed == null ? null : Describe.mppeMeaning(agreed),
                agreed == null ? null : String.format("0x%08x", agreed.bits()), directions);
    }

    private List<LcpEcho> echoReport(Instant captureEnd) {
        List<LcpEcho> report = new ArrayList<>();
        echoes.forEach((direction, e) -> {
            List<Step> unanswered = new ArrayList<>(e.unanswered);
            long afterTerminate = 0;
            for (Pending pending : e.outstanding.values()) {
                if (pending.afterTerminate()) {
                    afterTerminate++;
                } else if (captureEnd == null
                        || Duration.between(pending.request().timestamp(), captureEnd).compareTo(ECHO_GRACE) >= 0) {
                    unanswered.add(pending.request());
                }
            }
            if (!unanswered.isEmpty()) {
                Step first = unanswered.stream().min(Comparator.comparingLong(Step::frame)).orElseThrow();
                findings.add(first.frame(), first.timestamp(), "lcp-echo-unanswered", place + " " + side(direction),
                        unanswered.size() + " LCP Echo-Request(s) from " + side(direction) + " in " + place
                                + " got no Echo-Reply: the peer, or the path from it, is not answering?");
            }
            report.add(new LcpEcho(side(direction), e.requests, e.replied, afterTerminate, unanswered.size()));
        });
        return report;
    }
}
