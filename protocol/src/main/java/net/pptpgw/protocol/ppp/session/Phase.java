package net.pptpgw.protocol.ppp.session;

/** The link phases of RFC 1661 §3.2. */
public enum Phase {
    /** No link: before the session starts and after it ended (§3.3). */
    DEAD,
    /** LCP negotiates the link (§3.4). */
    ESTABLISH,
    /** The authentication protocols LCP agreed on run (§3.5). */
    AUTHENTICATE,
    /** The network control protocols (IPCP, CCP) run and IP flows (§3.6). */
    NETWORK,
    /** LCP terminates the link (§3.7). */
    TERMINATE
}
