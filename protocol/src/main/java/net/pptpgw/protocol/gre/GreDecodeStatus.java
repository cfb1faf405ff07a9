package net.pptpgw.protocol.gre;

/**
 * Outcome of decoding one enhanced GRE header with {@link GreHeader#decode}.
 *
 * <p>The data plane counts rejected packets by {@link #reason()} instead of throwing, so that a
 * flood of bad packets costs a counter increment each and no exception. The reasons are the
 * same tokens the non-hot-path {@link GreDecoder} puts into its
 * {@link net.pptpgw.protocol.MalformedPacketException}, so both show up under one metric label.
 */
public enum GreDecodeStatus {
    /** A valid enhanced GRE header; the payload lies inside the datagram. */
    OK(null),
    /** Fewer bytes than the fixed part (8 bytes) or than the optional sequence/acknowledgment numbers need. */
    TRUNCATED("truncated"),
    /** Version field (bits 13-15) is not 1: not enhanced GRE (RFC 2637 §4.1). */
    BAD_VERSION("bad-version"),
    /** Protocol type is not 0x880B (PPP, RFC 2637 §4.1). */
    BAD_PROTOCOL("bad-protocol"),
    /** C or R bit set: RFC 2637 §4.1 requires both to be zero, and the header would have another layout. */
    CHECKSUM_OR_ROUTING_PRESENT("checksum-or-routing-present"),
    /** K bit clear: enhanced GRE always carries the key (payload length and call ID). */
    KEY_MISSING("key-missing"),
    /** Strict source route bit (s) or recursion control (Recur) set; RFC 2637 §4.1 requires zero. */
    STRICT_ROUTE_OR_RECURSION("strict-route-or-recursion"),
    /** One of the flag bits 9-12 set; RFC 2637 §4.1: "Must be set to zero". */
    RESERVED_FLAGS("reserved-flags"),
    /** The key's payload length is larger than the bytes that follow the header in the datagram. */
    PAYLOAD_LENGTH_EXCEEDS_DATAGRAM("payload-length-exceeds-datagram"),
    /**
     * Payload present but S bit clear. RFC 2637 §4.1 sets S "if a payload (data) packet is
     * present"; a payload without a sequence number cannot be placed in the receive window.
     */
    PAYLOAD_WITHOUT_SEQUENCE("payload-without-sequence");

    private final String reason;

    GreDecodeStatus(String reason) {
        this.reason = reason;
    }

    /** The stable kebab-case token for metrics and logs; {@code null} for {@link #OK}. */
    public String reason() {
        return reason;
    }

    public boolean isOk() {
        return this == OK;
    }
}
