package net.pptpgw.protocol.pptp;

/**
 * The 15 PPTP control message types (RFC 2637 §1.4 table, §2.1-§2.15), each with its Control
 * Message Type code, its exact length on the wire (header included) and who sends it.
 *
 * <p>Every message type has one fixed length: there are no optional fields, so a Length field
 * that differs from {@link #length()} means the stream is out of step.
 *
 * <p>{@link #callIdOffset()} and {@link #peerCallIdOffset()} give the byte offsets, from the
 * start of the message, of the Call ID and Peer's Call ID fields, or {@link #NO_FIELD}. A NAT
 * helper rewrites them in place without decoding the message.
 */
public enum ControlMessageType {
    // Control Connection Management
    START_CONTROL_CONNECTION_REQUEST(1, "Start-Control-Connection-Request", "SCCRQ", 156, Sender.PNS_OR_PAC),
    START_CONTROL_CONNECTION_REPLY(2, "Start-Control-Connection-Reply", "SCCRP", 156, Sender.PNS_OR_PAC),
    STOP_CONTROL_CONNECTION_REQUEST(3, "Stop-Control-Connection-Request", "StopCCRQ", 16, Sender.PNS_OR_PAC),
    STOP_CONTROL_CONNECTION_REPLY(4, "Stop-Control-Connection-Reply", "StopCCRP", 16, Sender.PNS_OR_PAC),
    ECHO_REQUEST(5, "Echo-Request", "ECHORQ", 16, Sender.PNS_OR_PAC),
    ECHO_REPLY(6, "Echo-Reply", "ECHORP", 20, Sender.PNS_OR_PAC),
    // Call Management
    /** §2.7: Call ID is the PNS's own, the one the PAC puts in the GRE key of packets to the PNS. */
    OUTGOING_CALL_REQUEST(7, "Outgoing-Call-Request", "OCRQ", 168, Sender.PNS, 12, Offsets.ABSENT),
    /** §2.8: Call ID is the PAC's own; Peer's Call ID echoes the OCRQ's Call ID. */
    OUTGOING_CALL_REPLY(8, "Outgoing-Call-Reply", "OCRP", 32, Sender.PAC, 12, 14),
    /** §2.9: Call ID is the PAC's own. */
    INCOMING_CALL_REQUEST(9, "Incoming-Call-Request", "ICRQ", 220, Sender.PAC, 12, Offsets.ABSENT),
    /** §2.10: Call ID is the PNS's own; Peer's Call ID echoes the ICRQ's Call ID. */
    INCOMING_CALL_REPLY(10, "Incoming-Call-Reply", "ICRP", 24, Sender.PNS, 12, 14),
    /** §2.11: Peer's Call ID is the PNS's Call ID from the ICRP. */
    INCOMING_CALL_CONNECTED(11, "Incoming-Call-Connected", "ICCN", 28, Sender.PAC, Offsets.ABSENT, 12),
    /** §2.12: Call ID is the PNS's own (the same as in its OCRQ or ICRP). */
    CALL_CLEAR_REQUEST(12, "Call-Clear-Request", "CCRQ", 16, Sender.PNS, 12, Offsets.ABSENT),
    /** §2.13: Call ID is the PAC's own. */
    CALL_DISCONNECT_NOTIFY(13, "Call-Disconnect-Notify", "CDN", 148, Sender.PAC, 12, Offsets.ABSENT),
    // Error Reporting
    /** §2.14: Peer's Call ID is the PNS's Call ID. */
    WAN_ERROR_NOTIFY(14, "WAN-Error-Notify", "WEN", 40, Sender.PAC, Offsets.ABSENT, 12),
    // PPP Session Control
    /**
     * §2.15: Peer's Call ID is the receiver's Call ID: the PAC's, as the RFC has the PNS send
     * it. Microsoft servers also send it to the client, so it is accepted from either side.
     */
    SET_LINK_INFO(15, "Set-Link-Info", "SLI", 24, Sender.PNS, Offsets.ABSENT, 12);

    /** Offset value for a field the message type does not have. */
    public static final int NO_FIELD = -1;

    /** {@link #NO_FIELD} for the constant list above, which may not refer to the enum's own static fields. */
    private static final class Offsets {
        static final int ABSENT = -1;
    }

    /** The longest message (Incoming-Call-Request); a Length field above it cannot be PPTP. */
    public static final int MAX_LENGTH = 220;

    /** Who sends a message type, per RFC 2637 §2 (a PNS is the client side, a PAC the server side in remote access). */
    public enum Sender {
        PNS,
        PAC,
        PNS_OR_PAC
    }

    private static final ControlMessageType[] BY_CODE = new ControlMessageType[16];

    static {
        for (ControlMessageType type : values()) {
            BY_CODE[type.code] = type;
        }
    }

    private final int code;
    private final String rfcName;
    private final String abbreviation;
    private final int length;
    private final Sender sender;
    private final int callIdOffset;
    private final int peerCallIdOffset;

    /** A control connection message: no call ID fields. */
    ControlMessageType(int code, String rfcName, String abbreviation, int length, Sender sender) {
        this(code, rfcName, abbreviation, length, sender, NO_FIELD, NO_FIELD);
    }

    ControlMessageType(int code, String rfcName, String abbreviation, int length, Sender sender,
            int callIdOffset, int peerCallIdOffset) {
        this.code = code;
        this.rfcName = rfcName;
        this.abbreviation = abbreviation;
        this.length = length;
        this.sender = sender;
        this.callIdOffset = callIdOffset;
        this.peerCallIdOffset = peerCallIdOffset;
    }

    /** The type with this Control Message Type code, or {@code null} for a code RFC 2637 does not define. */
    public static ControlMessageType fromCode(int code) {
        return code >= 1 && code < BY_CODE.length ? BY_CODE[code] : null;
    }

    /** The Control Message Type field value. */
    public int code() {
        return code;
    }

    /** The name RFC 2637 gives the message, e.g. {@code "Outgoing-Call-Request"}. */
    public String rfcName() {
        return rfcName;
    }

    /** The customary short name, e.g. {@code "OCRQ"}. */
    public String abbreviation() {
        return abbreviation;
    }

    /** The exact message length in octets, the 12-octet header included. */
    public int length() {
        return length;
    }

    public Sender sender() {
        return sender;
    }

    public boolean hasCallId() {
        return callIdOffset != NO_FIELD;
    }

    public boolean hasPeerCallId() {
        return peerCallIdOffset != NO_FIELD;
    }

    /** Offset of the 16-bit Call ID from the start of the message, or {@link #NO_FIELD}. */
    public int callIdOffset() {
        return callIdOffset;
    }

    /** Offset of the 16-bit Peer's Call ID from the start of the message, or {@link #NO_FIELD}. */
    public int peerCallIdOffset() {
        return peerCallIdOffset;
    }

    @Override
    public String toString() {
        return rfcName;
    }
}
