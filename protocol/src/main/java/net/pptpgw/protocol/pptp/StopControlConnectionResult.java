package net.pptpgw.protocol.pptp;

/**
 * The Result Code of a Stop-Control-Connection-Reply (RFC 2637 §2.4).
 * Codes the RFC does not define are kept as they are.
 */
public record StopControlConnectionResult(int code) {

    /** Control connection closed. */
    public static final StopControlConnectionResult OK = new StopControlConnectionResult(1);
    /** Control connection not closed for the reason indicated in the Error Code. */
    public static final StopControlConnectionResult GENERAL_ERROR = new StopControlConnectionResult(2);

    public StopControlConnectionResult {
        Fields.u8(code, "Stop-Control-Connection-Reply result code");
    }

    /** The RFC's name for the code, or {@code "unknown"}. */
    public String name() {
        return switch (code) {
            case 1 -> "OK";
            case 2 -> "General Error";
            default -> "unknown";
        };
    }

    public boolean isKnown() {
        return code >= 1 && code <= 2;
    }

    @Override
    public String toString() {
        return name() + "(" + code + ")";
    }
}
