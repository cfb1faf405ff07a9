package net.pptpgw.client.control;

import java.util.Objects;
import net.pptpgw.protocol.pptp.OutgoingCallReply;

/**
 * Why a call ended, for reports and metrics.
 *
 * @param reason a short stable kebab-case token: {@code refused}, {@code call-disconnect-notify},
 *     {@code cleared}, {@code control-stopped}, {@code control-closed}, {@code reply-timeout},
 *     {@code disconnect-timeout}
 * @param detail human text with the values the PAC sent
 * @param reply the Outgoing-Call-Reply when the PAC refused the call, else null
 */
public record CallEnd(String reason, String detail, OutgoingCallReply reply) {

    public static final String REFUSED = "refused";
    public static final String CALL_DISCONNECT_NOTIFY = "call-disconnect-notify";
    public static final String CLEARED = "cleared";
    public static final String CONTROL_STOPPED = "control-stopped";
    public static final String CONTROL_CLOSED = "control-closed";
    public static final String REPLY_TIMEOUT = "reply-timeout";
    public static final String DISCONNECT_TIMEOUT = "disconnect-timeout";

    public CallEnd {
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(detail, "detail");
    }

    static CallEnd of(String reason, String detail) {
        return new CallEnd(reason, detail, null);
    }
}
