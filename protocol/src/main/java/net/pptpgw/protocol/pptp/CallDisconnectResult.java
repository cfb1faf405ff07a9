package net.pptpgw.protocol.pptp;

/**
 * The Result Code of a Call-Disconnect-Notify (RFC 2637 §2.13).
 * Codes the RFC does not define are kept as they are.
 */
public record CallDisconnectResult(int code) {

    /** Call disconnected due to loss of carrier. */
    public static final CallDisconnectResult LOST_CARRIER = new CallDisconnectResult(1);
    /** Call disconnected for the reason indicated in the Error Code. */
    public static final CallDisconnectResult GENERAL_ERROR = new CallDisconnectResult(2);
    /** Call disconnected for administrative reasons. */
    public static final CallDisconnectResult ADMIN_SHUTDOWN = new CallDisconnectResult(3);
    /** Call disconnected due to a received Call-Clear-Request. */
    public static final CallDisconnectResult REQUEST = new CallDisconnectResult(4);

    public CallDisconnectResult {
        Fields.u8(code, "Call-Disconnect-Notify result code");
    }

    /** The RFC's name for the code, or {@code "unknown"}. */
    public String name() {
        return switch (code) {
            case 1 -> "Lost Carrier";
            case 2 -> "General Error";
            case 3 -> "Admin Shutdown";
            case 4 -> "Request";
            default -> "unknown";
        };
    }

    public boolean isKnown() {
        return code >= 1 && code <= 4;
    }

    @Override
    public String toString() {
        return name() + "(" + code + ")";
    }
}
