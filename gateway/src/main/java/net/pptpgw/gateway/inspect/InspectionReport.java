package net.pptpgw.gateway.inspect;

import java.util.List;
import java.util.Map;

/**
 * What {@code inspect} found in one capture: the control connections with their messages and
 * calls, each call's GRE per direction and PPP negotiation, the GRE that belongs to no call, and
 * the anomalies an operator should look at.
 *
 * <p>Plain immutable values, written out as text by {@link TextReport} and as JSON by
 * {@link net.pptpgw.gateway.JsonWriter}. Times are seconds since the capture's first frame; frame numbers count from
 * 1 as tshark does. A field that does not apply is {@code null}.
 */
public record InspectionReport(
        String file,
        String format,
        long frames,
        double durationSeconds,
        Summary summary,
        List<ControlConnection> controlConnections,
        List<GreFlow> unmatchedGre,
        List<Finding> anomalies) {

    /** The counts an operator reads first. */
    public record Summary(int controlConnections, int calls, int connectedCalls, long controlMessages,
                          long grePackets, long unmatchedGrePackets, int anomalies) {}

    /**
     * One TCP connection to the PPTP port.
     *
     * @param client the side that connected, address:port
     * @param server the side listening on the PPTP port, address:port
     * @param pns which side is the PNS ("client" or "server"), from the messages only one role sends; null if none was seen
     * @param pac which side is the PAC, likewise
     * @param startFrame the SYN, or the first frame seen when the capture began later
     * @param startedBeforeCapture no SYN was captured
     * @param ending how it ended: "FIN from client", "RST from server", "Stop-Control-Connection-Request from client (reason None(1))", "open at capture end"
     */
    public record ControlConnection(String client, String server, String pns, String pac, long startFrame,
                                    double start, boolean startedBeforeCapture, Long endFrame, Double end,
                                    String ending, List<Message> messages, List<Call> calls) {}

    /**
     * One control message, in stream order.
     *
     * @param from "client" or "server"
     * @param type the RFC 2637 name, e.g. "Outgoing-Call-Reply"
     * @param result the result code by name, e.g. "Connected(1)"
     * @param error the general error code by name when it is not None
     * @param detail other fields worth reading (host name, vendor, reason, speed...)
     */
    public record Message(long frame, double time, String from, String type, String abbreviation, Integer callId,
                          Integer peerCallId, String result, String error, String detail) {}

    /**
     * One call on a control connection, matched by its call IDs (RFC 2637 §2.7-§2.13).
     *
     * @param kind "outgoing" (OCRQ/OCRP) or "incoming" (ICRQ/ICRP/ICCN)
     * @param pnsCallId the PNS's call ID: the key of GRE sent to the PNS
     * @param pacCallId the PAC's call ID: the key of GRE sent to the PAC
     * @param state requested, connected, failed, cleared (Call-Clear-Request, no Call-Disconnect-Notify) or disconnected
     * @param replyResult the Outgoing-Call-Reply's or Incoming-Call-Reply's result by name, with the error if any
     * @param disconnectResult the Call-Disconnect-Notify's result by name, with the error if any
     * @param clientToServer GRE the control connection's client sent for this call
     * @param serverToClient GRE the server sent for this call
     */
    public record Call(String kind, Integer pnsCallId, Integer pacCallId, String state, String replyResult,
                       String disconnectResult, long startFrame, double start, Long endFrame, Double end, GreFlow clientToServer,
                       GreFlow serverToClient, Ppp ppp) {}

    /**
     * The GRE packets from one address to another with one call ID in the key: the receiver's
     * (RFC 2637 §4.1). Sequence numbers are compared by serial-number arithmetic (RFC 1982).
     *
     * @param lost sequence numbers skipped and never seen later
     * @param outOfOrder packets that arrived after a higher sequence number and filled a hole
     * @param duplicates packets whose sequence number was already seen
     * @param backwards packets whose sequence number lay too far behind to be a late arrival
     * @param truncated packets the capture's snap length cut
     * @param frames every packet, only with {@code --verbose}
     */
    public record GreFlow(String source, String destination, int callId, long packets, long dataPackets,
                          long ackOnlyPackets, long payloadOctets, Long firstSequence, Long lastSequence, long lost,
                          long outOfOrder, long duplicates, long backwards, Long highestAcknowledgment,
                          long truncated, long malformed, Long firstFrame, Long lastFrame, List<Frame> frames) {}

    /** One GRE packet and what it carries, for {@code --verbose}. */
    public record Frame(long frame, double time, String source, String destination, int callId, Long sequence,
                        Long acknowledgment, int payloadLength, String content) {}

    /**
     * The PPP session carried by a call's GRE.
     *
     * @param negotiation the LCP/IPCP/CCP Configure-*, Terminate-*, rejects, resets, and the authentication packets, in order
     * @param packetCounts per sender ("client", "server"): packets per protocol and code, e.g. "LCP Echo-Request"
     * @param authentication null when no authentication protocol was agreed or seen
     * @param ipcp null when IPCP never reached an Ack
     * @param mppe null when CCP was not seen and no compressed frame either
     */
    public record Ppp(List<PppStep> negotiation, Map<String, Map<String, Long>> packetCounts,
                      Authentication authentication, Ipcp ipcp, Mppe mppe, List<LcpEcho> lcpEcho,
                      String terminatedBy, Long terminateFrame) {}

    /** One negotiation packet. */
    public record PppStep(long frame, double time, String from, String protocol, String code, Integer identifier,
                          String detail) {}

    /**
     * @param protocol e.g. "MS-CHAPv2", "PAP"
     * @param authenticator "client" or "server": who asked for it in LCP and checks the peer
     * @param peerName the name (CHAP) or peer ID (PAP) the authenticated side gave
     * @param outcome "success", "failure" or "incomplete"
     * @param detail e.g. the MS-CHAP error "E=691 ERROR_AUTHENTICATION_FAILURE, retry not allowed"
     */
    public record Authentication(String protocol, String authenticator, String peerName, String outcome,
                                 Long outcomeFrame, String detail) {}

    /** Addresses agreed by IPCP (RFC 1332, RFC 1877): what each side's Configure-Request got acked with. */
    public record Ipcp(String clientAddress, String serverAddress, String primaryDns, String secondaryDns,
                       String primaryNbns, String secondaryNbns) {}

    /**
     * MPPE (RFC 3078) as agreed in CCP and as seen in the compressed-datagram frames (protocol 0x00FD).
     *
     * @param agreed e.g. "128-bit stateless", from the acked CCP option; null if none was acked
     * @param supportedBits the acked Supported Bits, hexadecimal
     */
    public record Mppe(String agreed, String supportedBits, List<MppeDirection> directions) {}

    /** The 0x00FD frames one side sent: flags and coherency count progress. */
    public record MppeDirection(String from, long frames, long encrypted, long compressed, long flushed,
                                Integer firstCoherencyCount, Integer lastCoherencyCount, long coherencyJumps) {}

    /** LCP Echo-Requests one side sent (RFC 1661 §5.8) and how many were answered. */
    public record LcpEcho(String from, long requests, long replied, long unansweredAfterTerminate,
                          long unanswered) {}

    /**
     * Something an operator needs to see.
     *
     * @param frame where it was first seen
     * @param kind a stable token, e.g. "gre-missing", "call-id-mismatch", "malformed"
     * @param layer for malformed input, the protocol layer ("pptp", "gre", "lcp"...)
     * @param reason for malformed input, the decoder's reason token
     * @param explanation one line for a human
     * @param occurrences how many times it happened (counted under the first one)
     */
    public record Finding(long frame, double time, String kind, String layer, String reason, String explanation,
                          long occurrences) {}
}
