package net.pptpgw.protocol.pptp;

/**
 * The Error Code field of the reply and notify messages: the General Error Codes of RFC 2637
 * §2.16. It is meaningful when the message's Result Code is General Error, and 0 (None)
 * otherwise. Codes the RFC does not define are kept as they are.
 */
public record GeneralErrorCode(int code) {

    /** No general error. */
    public static final GeneralErrorCode NONE = new GeneralErrorCode(0);
    /** No control connection exists yet for this PAC-PNS pair. */
    public static final GeneralErrorCode NOT_CONNECTED = new GeneralErrorCode(1);
    /** Length is wrong or Magic Cookie value is incorrect. */
    public static final GeneralErrorCode BAD_FORMAT = new GeneralErrorCode(2);
    /** One of the field values was out of range or a reserved field was non-zero. */
    public static final GeneralErrorCode BAD_VALUE = new GeneralErrorCode(3);
    /** Insufficient resources to handle this command now. */
    public static final GeneralErrorCode NO_RESOURCE = new GeneralErrorCode(4);
    /** The Call ID is invalid in this context. */
    public static final GeneralErrorCode BAD_CALL_ID = new GeneralErrorCode(5);
    /** A generic vendor-specific error occurred in the PAC. */
    public static final GeneralErrorCode PAC_ERROR = new GeneralErrorCode(6);

    public GeneralErrorCode {
        Fields.u8(code, "error code");
    }

    /** The RFC's name for the code, e.g. {@code "Bad-Call ID"}, or {@code "unknown"}. */
    public String name() {
        return switch (code) {
            case 0 -> "None";
            case 1 -> "Not-Connected";
            case 2 -> "Bad-Format";
            case 3 -> "Bad-Value";
            case 4 -> "No-Resource";
            case 5 -> "Bad-Call ID";
            case 6 -> "PAC-Error";
            default -> "unknown";
        };
    }

    public boolean isKnown() {
        return code <= 6;
    }

    @Override
    public String toString() {
        return name() + "(" + code + ")";
    }
}
