package net.pptpgw.protocol.ppp;

/**
 * Outcome of {@link PppHeader#decode}. Address/control and protocol field are the only parts
 * of a PPP frame this layer reads, so only a frame too short to hold a protocol field is bad;
 * odd protocol values are not errors but unrecognized protocols (RFC 1661 §2).
 */
public enum PppDecodeStatus {
    OK(null),
    /** No octets at all. */
    EMPTY("empty"),
    /** The frame ends inside the protocol field (e.g. {@code ff 03} alone, or one even octet). */
    TRUNCATED("truncated");

    private final String reason;

    PppDecodeStatus(String reason) {
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
