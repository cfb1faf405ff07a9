package net.pptpgw.concentrator.call;

/** Why a call ended, for the PPP session that stops with it, logs and metrics. */
public enum CallClearCause {
    /** The PNS sent a Call-Clear-Request (RFC 2637 §2.12). */
    CALL_CLEAR_REQUEST("call-clear-request"),
    /** A Stop-Control-Connection-Request (either side) implicitly clears every call (§2.3). */
    STOP_CONTROL_CONNECTION("stop-control-connection"),
    /** The TCP connection closed or was reset. */
    CONNECTION_LOST("connection-lost"),
    /** No Echo-Reply and nothing else arrived in time (§2.4, §3.0). */
    ECHO_TIMEOUT("echo-timeout"),
    /** The peer sent a malformed or out-of-place message and the connection was closed (§3.0). */
    PROTOCOL_ERROR("protocol-error"),
    /** The PPP session on the call ended (LCP terminated, echo failure, authentication failed). */
    PPP_ENDED("ppp-ended"),
    /** An operator ended the session. */
    ADMINISTRATIVE("administrative"),
    /** This server is shutting down. */
    SHUTDOWN("shutdown");

    private final String tag;

    CallClearCause(String tag) {
        this.tag = tag;
    }

    /** A kebab-case token for metric labels and logs. */
    public String tag() {
        return tag;
    }
}
