package net.pptpgw.concentrator.session;

/** Where a session is, for the gauge and the session list; follows the PPP phases (RFC 1661 §3.2). */
public enum SessionState {
    /** LCP negotiating. */
    ESTABLISH("establish"),
    /** LCP up, the peer authenticating. */
    AUTHENTICATE("authenticate"),
    /** Authenticated, IPCP and CCP negotiating. */
    NETWORK("network"),
    /** IP flows. */
    UP("up"),
    /** Ending: LCP terminating, the call about to clear. */
    TERMINATE("terminate");

    private final String tag;

    SessionState(String tag) {
        this.tag = tag;
    }

    public String tag() {
        return tag;
    }
}
