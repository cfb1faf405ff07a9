package net.pptpgw.protocol.pptp;

/**
 * The Result Code of an Echo-Reply (RFC 2637 §2.6).
 * Codes the RFC does not define are kept as they are.
 */
public record EchoResult(int code) {

    /** The Echo-Reply is valid. */
    public static final EchoResult OK = new EchoResult(1);
    /** Echo-Request not accepted for the reason indicated in the Error Code. */
    public static final EchoResult GENERAL_ERROR = new EchoResult(2);

    public EchoResult {
        Fields.u8(code, "Echo-Reply result code");
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
