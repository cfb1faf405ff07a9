package net.pptpgw.protocol.ppp.auth;

import java.util.Map;

/**
 * The error code of an MS-CHAP Failure message ({@code E=...}): a Windows error number.
 * RFC 2433 (Failure Packet) and RFC 2759 §6 list the ones MS-CHAP uses; any other number is
 * kept as it came.
 */
public record MsChapError(long code) {

    public static final MsChapError RESTRICTED_LOGON_HOURS = new MsChapError(646);
    public static final MsChapError ACCOUNT_DISABLED = new MsChapError(647);
    public static final MsChapError PASSWORD_EXPIRED = new MsChapError(648);
    public static final MsChapError NO_DIALIN_PERMISSION = new MsChapError(649);
    public static final MsChapError AUTHENTICATION_FAILURE = new MsChapError(691);
    public static final MsChapError CHANGING_PASSWORD = new MsChapError(709);

    private static final Map<Long, String> NAMES = Map.of(
            646L, "ERROR_RESTRICTED_LOGON_HOURS",
            647L, "ERROR_ACCT_DISABLED",
            648L, "ERROR_PASSWD_EXPIRED",
            649L, "ERROR_NO_DIALIN_PERMISSION",
            691L, "ERROR_AUTHENTICATION_FAILURE",
            709L, "ERROR_CHANGING_PASSWORD");

    /** The RFCs write the code as up to ten decimal digits: an unsigned 32-bit number. */
    public MsChapError {
        if (code < 0 || code > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("error code " + code + " is not an unsigned 32-bit number");
        }
    }

    /** The Windows name the RFCs give the code, e.g. {@code ERROR_AUTHENTICATION_FAILURE}, or {@code "unknown"}. */
    public String windowsName() {
        return NAMES.getOrDefault(code, "unknown");
    }

    @Override
    public String toString() {
        return code + " (" + windowsName() + ")";
    }
}
