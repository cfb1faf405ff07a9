package net.pptpgw.protocol.ppp.hdlc;

/**
 * Why {@link HdlcFrameDecoder} dropped the octets between two flags. RFC 1662 §4.3 discards
 * all of these; the decoder counts each and raises a typed error, then carries on with the next
 * flag. Two flags in a row (an empty frame) are not a drop.
 */
public enum HdlcDropReason {
    /** The FCS over the frame did not check out (RFC 1662 §4.3 / §C). */
    BAD_FCS("bad-fcs"),
    /** More octets than the configured maximum before the closing flag; dropped up to the next flag. */
    FRAME_TOO_LONG("frame-too-long"),
    /** Fewer octets than a frame needs: 4 with FCS-16, 6 with FCS-32 (RFC 1662 §4.3). */
    FRAME_TOO_SHORT("frame-too-short"),
    /** Control escape followed by a flag: the sender aborted the frame (RFC 1662 §4.2). */
    ABORTED("aborted");

    private final String reason;

    HdlcDropReason(String reason) {
        this.reason = reason;
    }

    /** The stable kebab-case token for metrics and logs. */
    public String reason() {
        return reason;
    }
}
