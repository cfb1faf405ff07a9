package net.pptpgw.protocol.pptp;

/**
 * The Result Code of a Start-Control-Connection-Reply (RFC 2637 §2.2).
 * Codes the RFC does not define are kept as they are.
 */
public record StartControlConnectionResult(int code) {

    /** Successful channel establishment. */
    public static final StartControlConnectionResult SUCCESSFUL = new StartControlConnectionResult(1);
    /** General error, the Error Code indicates the problem. */
    public static final StartControlConnectionResult GENERAL_ERROR = new StartControlConnectionResult(2);
    /** Command channel already exists. */
    public static final StartControlConnectionResult CHANNEL_EXISTS = new StartControlConnectionResult(3);
    /** Requester is not authorized to establish a command channel. */
    public static final StartControlConnectionResult NOT_AUTHORIZED = new StartControlConnectionResult(4);
    /** The protocol version of the requester is not supported. */
    public static final StartControlConnectionResult UNSUPPORTED_VERSION = new StartControlConnectionResult(5);

    public StartControlConnectionResult {
        Fields.u8(code, "Start-Control-Connection-Reply result code");
    }

    /** The RFC's name for the code, or {@code "unknown"}. */
    public String name() {
        return switch (code) {
            case 1 -> "Successful";
            case 2 -> "General Error";
            case 3 -> "Command Channel Exists";
            case 4 -> "Not Authorized";
            case 5 -> "Unsupported Version";
            default -> "unknown";
        };
    }

    public boolean isKnown() {
        return code >= 1 && code <= 5;
    }

    @Override
    public String toString() {
        return name() + "(" + code + ")";
    }
}
