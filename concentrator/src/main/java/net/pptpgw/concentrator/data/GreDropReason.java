package net.pptpgw.concentrator.data;

/**
 * Why the data plane dropped a GRE packet after its header decoded (header faults are counted
 * by {@link net.pptpgw.protocol.gre.GreDecodeStatus#reason()} under the same metric).
 */
public enum GreDropReason {
    /** The raw socket delivered something that does not start with a whole IPv4 header. */
    NOT_IPV4("not-ipv4"),
    /** No live call (or no GRE state yet) has the call ID in the key. */
    UNKNOWN_CALL("unknown-call"),
    /** The call exists but the packet does not come from its peer's address. */
    WRONG_SOURCE("wrong-source"),
    /**
     * The call exists but the packet is addressed to another of this host's addresses than its
     * control connection: another PPTP endpoint's call that happens to use the same call ID (an
     * unbound raw socket sees every GRE packet the host receives).
     */
    WRONG_DESTINATION("wrong-destination"),
    /** A sequence number already delivered or already held (RFC 2637 §4.3). */
    DUPLICATE("duplicate"),
    /** A sequence number at or before the last delivered one, not known as delivered. */
    TOO_OLD("too-old"),
    /** A sequence number beyond the receive window we advertised (§2.8). */
    BEYOND_WINDOW("beyond-window"),
    /** Outgoing: the peer's receive window is full (§4.4). */
    SEND_WINDOW_FULL("send-window-full"),
    /**
     * Outgoing: the socket's send queue is over its high water mark. A datagram tunnel drops
     * rather than queue without bound; PPP above copes with loss as on any lossy link.
     */
    SOCKET_BUSY("socket-busy"),
    /** Outgoing: the call is gone. */
    LINK_CLOSED("link-closed");

    private final String reason;

    GreDropReason(String reason) {
        this.reason = reason;
    }

    public String reason() {
        return reason;
    }
}
