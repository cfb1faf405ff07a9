package net.pptpgw.protocol.ppp.cp;

/**
 * The Code octet of an LCP, IPCP or CCP packet (RFC 1661 §5, RFC 1570 §1, RFC 1962 §5), and
 * names for logs. A code that the packet's protocol does not use decodes to
 * {@link ControlPacket.UnknownCode}, which keeps the value.
 */
public final class ControlCode {

    public static final int CONFIGURE_REQUEST = 1;
    public static final int CONFIGURE_ACK = 2;
    public static final int CONFIGURE_NAK = 3;
    public static final int CONFIGURE_REJECT = 4;
    public static final int TERMINATE_REQUEST = 5;
    public static final int TERMINATE_ACK = 6;
    public static final int CODE_REJECT = 7;
    public static final int PROTOCOL_REJECT = 8;
    public static final int ECHO_REQUEST = 9;
    public static final int ECHO_REPLY = 10;
    public static final int DISCARD_REQUEST = 11;
    public static final int IDENTIFICATION = 12;
    public static final int TIME_REMAINING = 13;
    public static final int RESET_REQUEST = 14;
    public static final int RESET_ACK = 15;

    private static final String[] NAMES = {
        null, "Configure-Request", "Configure-Ack", "Configure-Nak", "Configure-Reject",
        "Terminate-Request", "Terminate-Ack", "Code-Reject", "Protocol-Reject", "Echo-Request",
        "Echo-Reply", "Discard-Request", "Identification", "Time-Remaining", "Reset-Request", "Reset-Ack",
    };

    private ControlCode() {}

    /** The RFC name of {@code code}, or {@code "Code-<n>"} for a code no RFC here defines. */
    public static String name(int code) {
        return code > 0 && code < NAMES.length ? NAMES[code] : "Code-" + code;
    }
}
