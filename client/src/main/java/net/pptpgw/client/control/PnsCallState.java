package net.pptpgw.client.control;

/** The PNS states of one outgoing call (RFC 2637 §3.2.2). */
public enum PnsCallState {
    /** Outgoing-Call-Request sent; waiting for the Reply (wait_reply). */
    WAIT_REPLY,
    /** The Reply said Connected: GRE carries PPP (established). */
    ESTABLISHED,
    /** Call-Clear-Request sent; waiting for the Call-Disconnect-Notify (wait_disconnect). */
    WAIT_DISCONNECT,
    /** Refused, disconnected or lost with its control connection (idle). */
    ENDED
}
