package net.pptpgw.concentrator.control;

/**
 * States of a control connection on the receiving side, as RFC 2637 §3.1.2 draws them for the
 * PAC in remote access (the PNS opens the TCP connection and sends the request).
 */
public enum ControlConnectionState {
    /**
     * "idle": the TCP connection is open and we wait for the Start-Control-Connection-Request.
     * Such half-open connections have their own budget and timeout.
     */
    IDLE("idle"),
    /** "established": calls may be placed and cleared. */
    ESTABLISHED("established"),
    /** "wait-stop-reply": we sent a Stop-Control-Connection-Request and wait for the reply. */
    WAIT_STOP_REPLY("wait-stop-reply"),
    /** The TCP connection is closed (or closing); every call has been released. */
    CLOSED("closed");

    private final String tag;

    ControlConnectionState(String tag) {
        this.tag = tag;
    }

    /** A kebab-case token for metric labels and logs. */
    public String tag() {
        return tag;
    }
}
