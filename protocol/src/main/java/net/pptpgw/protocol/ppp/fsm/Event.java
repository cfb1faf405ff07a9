package net.pptpgw.protocol.ppp.fsm;

/** The events of the option negotiation automaton (RFC 1661 §4.3), as the §4.1 table abbreviates them. */
public enum Event {

    /** Up: the lower layer is ready to carry packets. */
    UP("Up"),
    /** Down: the lower layer is no longer available. */
    DOWN("Down"),
    /** Open: the administrator (or the upper layer) allows the link to be opened. */
    OPEN("Open"),
    /** Close: the link is not allowed to be open; terminate it. */
    CLOSE("Close"),
    /** TO+: the Restart timer expired while the Restart counter is still greater than zero. */
    TIMEOUT_WITH_COUNTER("TO+"),
    /** TO-: the Restart timer expired and the Restart counter is exhausted. */
    TIMEOUT_EXPIRED("TO-"),
    /** RCR+: a Configure-Request whose every option is acceptable. */
    RECEIVE_CONFIGURE_REQUEST_GOOD("RCR+"),
    /** RCR-: a Configure-Request with an option to Nak or Reject. */
    RECEIVE_CONFIGURE_REQUEST_BAD("RCR-"),
    /** RCA: a Configure-Ack answering our last Configure-Request. */
    RECEIVE_CONFIGURE_ACK("RCA"),
    /** RCN: a Configure-Nak or Configure-Reject answering our last Configure-Request. */
    RECEIVE_CONFIGURE_NAK("RCN"),
    /** RTR: a Terminate-Request. */
    RECEIVE_TERMINATE_REQUEST("RTR"),
    /** RTA: a Terminate-Ack. */
    RECEIVE_TERMINATE_ACK("RTA"),
    /** RUC: a packet with a code the protocol does not define. */
    RECEIVE_UNKNOWN_CODE("RUC"),
    /** RXJ+: a Code-Reject or Protocol-Reject of something the link can do without. */
    RECEIVE_REJECT_PERMITTED("RXJ+"),
    /** RXJ-: a Code-Reject or Protocol-Reject that makes this layer unusable. */
    RECEIVE_REJECT_CATASTROPHIC("RXJ-"),
    /** RXR: an Echo-Request, Echo-Reply or Discard-Request (and RFC 1570's Identification, Time-Remaining). */
    RECEIVE_ECHO_OR_DISCARD("RXR");

    private final String rfcName;

    Event(String rfcName) {
        this.rfcName = rfcName;
    }

    /** The abbreviation the RFC's table uses, e.g. {@code "RCR+"}. */
    public String rfcName() {
        return rfcName;
    }

    @Override
    public String toString() {
        return rfcName;
    }
}
