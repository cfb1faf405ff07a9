package net.pptpgw.protocol.pptp;

/**
 * The Result Code of an Outgoing-Call-Reply (RFC 2637 §2.8).
 * Codes the RFC does not define are kept as they are.
 */
public record OutgoingCallResult(int code) {

    /** Call established with no errors. */
    public static final OutgoingCallResult CONNECTED = new OutgoingCallResult(1);
    /** Outgoing call not established for the reason indicated in the Error Code. */
    public static final OutgoingCallResult GENERAL_ERROR = new OutgoingCallResult(2);
    /** Outgoing call failed due to no carrier detected. */
    public static final OutgoingCallResult NO_CARRIER = new OutgoingCallResult(3);
    /** Outgoing call failed due to detection of a busy signal. */
    public static final OutgoingCallResult BUSY = new OutgoingCallResult(4);
    /** Outgoing call failed due to lack of a dial tone. */
    public static final OutgoingCallResult NO_DIAL_TONE = new OutgoingCallResult(5);
    /** Outgoing call was not established within the time allotted by the PAC. */
    public static final OutgoingCallResult TIME_OUT = new OutgoingCallResult(6);
    /** Outgoing call administratively prohibited. */
    public static final OutgoingCallResult DO_NOT_ACCEPT = new OutgoingCallResult(7);

    public OutgoingCallResult {
        Fields.u8(code, "Outgoing-Call-Reply result code");
    }

    /** The RFC's name for the code, or {@code "unknown"}. */
    public String name() {
        return switch (code) {
            case 1 -> "Connected";
            case 2 -> "General Error";
            case 3 -> "No Carrier";
            case 4 -> "Busy";
            case 5 -> "No Dial Tone";
            case 6 -> "Time-out";
            case 7 -> "Do Not Accept";
            default -> "unknown";
        };
    }

    public boolean isKnown() {
        return code >= 1 && code <= 7;
    }

    @Override
    public String toString() {
        return name() + "(" + code + ")";
    }
}
