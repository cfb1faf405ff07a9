package net.pptpgw.protocol.pptp;

/**
 * The Result Code of an Incoming-Call-Reply (RFC 2637 §2.10).
 * Codes the RFC does not define are kept as they are.
 */
public record IncomingCallResult(int code) {

    /** The PAC should answer the incoming call. */
    public static final IncomingCallResult CONNECT = new IncomingCallResult(1);
    /** The incoming call should not be established for the reason indicated in the Error Code. */
    public static final IncomingCallResult GENERAL_ERROR = new IncomingCallResult(2);
    /** The PAC should not accept the incoming call: it hangs up or signals busy. */
    public static final IncomingCallResult DO_NOT_ACCEPT = new IncomingCallResult(3);

    public IncomingCallResult {
        Fields.u8(code, "Incoming-Call-Reply result code");
    }

    /** The RFC's name for the code, or {@code "unknown"}. */
    public String name() {
        return switch (code) {
            case 1 -> "Connect";
            case 2 -> "General Error";
            case 3 -> "Do Not Accept";
            default -> "unknown";
        };
    }

    public boolean isKnown() {
        return code >= 1 && code <= 3;
    }

    @Override
    public String toString() {
        return name() + "(" + code + ")";
    }
}
