package net.pptpgw.protocol.pptp;

/**
 * The Reason field of a Stop-Control-Connection-Request (RFC 2637 §2.3).
 * Codes the RFC does not define are kept as they are.
 */
public record StopControlConnectionReason(int code) {

    /** General request to clear the control connection. */
    public static final StopControlConnectionReason NONE = new StopControlConnectionReason(1);
    /** Can't support the peer's version of the protocol. */
    public static final StopControlConnectionReason STOP_PROTOCOL = new StopControlConnectionReason(2);
    /** Requester is being shut down. */
    public static final StopControlConnectionReason STOP_LOCAL_SHUTDOWN = new StopControlConnectionReason(3);

    public StopControlConnectionReason {
        Fields.u8(code, "Stop-Control-Connection-Request reason");
    }

    /** The RFC's name for the code, or {@code "unknown"}. */
    public String name() {
        return switch (code) {
            case 1 -> "None";
            case 2 -> "Stop-Protocol";
            case 3 -> "Stop-Local-Shutdown";
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
