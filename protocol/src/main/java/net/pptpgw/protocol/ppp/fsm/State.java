package net.pptpgw.protocol.ppp.fsm;

/**
 * The ten states of the option negotiation automaton (RFC 1661 §4.2), numbered and named as the
 * §4.1 transition table prints them.
 */
public enum State {

    /** 0: the lower layer is unavailable (Down) and no Open has occurred. */
    INITIAL(0, "Initial"),
    /** 1: an administrative Open was made, the lower layer is still unavailable. */
    STARTING(1, "Starting"),
    /** 2: the link is available (Up) but no Open has occurred. */
    CLOSED(2, "Closed"),
    /** 3: after This-Layer-Finished, waiting for a Down event or a Configure-Request. */
    STOPPED(3, "Stopped"),
    /** 4: a Terminate-Request was sent after a Close; waiting for the Terminate-Ack. */
    CLOSING(4, "Closing"),
    /** 5: a Terminate-Request was sent without a Close (or one was answered in Opened). */
    STOPPING(5, "Stopping"),
    /** 6: a Configure-Request was sent, no Configure-Ack yet in either direction. */
    REQ_SENT(6, "Req-Sent"),
    /** 7: our Configure-Request was acknowledged, the peer's is not yet. */
    ACK_RCVD(7, "Ack-Rcvd"),
    /** 8: we acknowledged the peer's Configure-Request, ours is not yet acknowledged. */
    ACK_SENT(8, "Ack-Sent"),
    /** 9: both sides acknowledged: the layer is up. */
    OPENED(9, "Opened");

    private final int number;
    private final String rfcName;

    State(int number, String rfcName) {
        this.number = number;
        this.rfcName = rfcName;
    }

    /** The state's number in the RFC 1661 §4.1 table, 0..9. */
    public int number() {
        return number;
    }

    /** The name the RFC prints, e.g. {@code "Ack-Rcvd"}. */
    public String rfcName() {
        return rfcName;
    }

    /**
     * Whether the Restart timer runs in this state. RFC 1661 §4.2 names Closing, Stopping,
     * Req-Sent, Ack-Rcvd and Ack-Sent as the states in which it runs; leaving them for any other
     * state stops it.
     */
    public boolean restartTimerRuns() {
        return number >= CLOSING.number && number <= ACK_SENT.number;
    }

    /**
     * Whether a Configure-Request of ours is being negotiated: Req-Sent, Ack-Rcvd, Ack-Sent. A
     * Send-Configure-Request from any other state starts a new negotiation (as pppd's fsm.c does).
     */
    public boolean negotiating() {
        return this == REQ_SENT || this == ACK_RCVD || this == ACK_SENT;
    }

    /** Whether the layer rests here without talking: Initial, Starting, Closed, Stopped. */
    public boolean quiescent() {
        return number <= STOPPED.number;
    }

    @Override
    public String toString() {
        return rfcName;
    }
}
