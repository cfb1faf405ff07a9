package net.pptpgw.client.control;

import java.util.Objects;
import net.pptpgw.protocol.pptp.StartControlConnectionReply;

/**
 * Why a control connection ended.
 *
 * @param reason a short stable kebab-case token: {@code stopped} (we asked, the PAC agreed),
 *     {@code peer-stopped} (the PAC sent Stop-Control-Connection-Request), {@code control-refused}
 *     (the Start-Control-Connection-Reply was not Successful), {@code reply-timeout},
 *     {@code connection-lost}, {@code malformed} (the PAC's stream broke RFC 2637 framing)
 * @param detail human text with the values seen
 * @param refusal the refusing Start-Control-Connection-Reply, else null
 */
public record ControlEnd(String reason, String detail, StartControlConnectionReply refusal) {

    public static final String STOPPED = "stopped";
    public static final String PEER_STOPPED = "peer-stopped";
    public static final String CONTROL_REFUSED = "control-refused";
    public static final String REPLY_TIMEOUT = "reply-timeout";
    public static final String ECHO_TIMEOUT = "echo-timeout";
    public static final String CONNECTION_LOST = "connection-lost";
    public static final String MALFORMED = "malformed";

    public ControlEnd {
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(detail, "detail");
    }

    static ControlEnd of(String reason, String detail) {
        return new ControlEnd(reason, detail, null);
    }
}
