package net.pptpgw.client.control;

/**
 * The PNS control connection states of RFC 2637 §3.1.2 (originating side), plus the stop
 * handshake of §2.3 and a terminal state.
 */
public enum PnsControlState {
    /** TCP is not connected yet. */
    IDLE,
    /** Start-Control-Connection-Request sent; waiting for the Reply (wait_ctl_reply). */
    WAIT_CTL_REPLY,
    /** The Reply said Successful: calls may be placed. */
    ESTABLISHED,
    /** Stop-Control-Connection-Request sent; waiting for the Reply before closing TCP (wait_stop_reply). */
    WAIT_STOP_REPLY,
    /** TCP closed; nothing more happens on this connection. */
    CLOSED
}
