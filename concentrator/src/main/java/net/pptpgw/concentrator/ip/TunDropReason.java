package net.pptpgw.concentrator.ip;

/** Why a packet between the TUN and a session was dropped; {@link #tag()} is the metric label. */
public enum TunDropReason {
    /** From the TUN: not an IPv4 packet (IPv6 is not routed to sessions) or shorter than its header. */
    NOT_IPV4("not-ipv4"),
    /** From the TUN: the destination is in no pool range or no session holds it now. */
    NO_SESSION("no-session"),
    /** From the TUN: the session holding the address is not up (IPCP or CCP not done, or ending). */
    NOT_UP("not-up"),
    /** From a session: the source address is not the one the session was given (anti-spoofing). */
    SPOOFED_SOURCE("spoofed-source"),
    /**
     * From the TUN: larger than the session's MTU with Don't-Fragment set; answered with ICMP
     * Fragmentation Needed unless RFC 1812 forbids it or the ICMP rate limit is spent.
     */
    TOO_BIG("too-big"),
    /**
     * From the TUN: larger than the session's MTU, and its header too broken to fragment or to
     * quote (header or total length inconsistent, options overrunning, offset overflowing).
     */
    MALFORMED("malformed"),
    /** To the TUN: the write queue was full or the TUN closed. */
    TUN_BUSY("tun-busy"),
    /** To a session: the GRE link refused the frame (send window full, socket busy, closed). */
    LINK_BUSY("link-busy");

    private final String tag;

    TunDropReason(String tag) {
        this.tag = tag;
    }

    public String tag() {
        return tag;
    }
}
