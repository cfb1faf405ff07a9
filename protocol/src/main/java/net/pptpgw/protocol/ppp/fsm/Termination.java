package net.pptpgw.protocol.ppp.fsm;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;
import net.pptpgw.protocol.Octets;

/**
 * Why a layer is being closed or has finished: a short stable kebab-case {@code cause} for
 * metrics and a human {@code detail} with the values involved, e.g. {@code ("mppe-required",
 * "peer rejected MPPE; policy requires it")}.
 *
 * @param cause stable token, e.g. {@link #NO_RESPONSE}
 * @param detail human-readable explanation
 */
public record Termination(String cause, String detail) {

    /** The caller's Close: operator command, session end, authentication failure. */
    public static final String ADMINISTRATIVE_CLOSE = "administrative-close";
    /** The lower layer went down (Down event). */
    public static final String LOWER_LAYER_DOWN = "lower-layer-down";
    /** Max-Configure Configure-Requests went unanswered (TO- while negotiating). */
    public static final String NO_RESPONSE = "no-response";
    /** The peer sent a Terminate-Request. */
    public static final String PEER_TERMINATED = "peer-terminated";
    /** The peer Code-Rejected a code this layer cannot do without, or Protocol-Rejected the protocol. */
    public static final String PEER_REJECTED_PROTOCOL = "peer-rejected-protocol";
    /** A Terminate-Ack arrived while closing, or Max-Terminate Terminate-Requests went unanswered. */
    public static final String TERMINATED = "terminated";

    public Termination {
        Objects.requireNonNull(cause, "cause");
        Objects.requireNonNull(detail, "detail");
    }

    public static Termination of(String cause, String detail) {
        return new Termination(cause, detail);
    }

    /**
     * The detail as the Data of a Terminate-Request: RFC 1661 §5.5 leaves the field to the
     * sender, and pppd and Windows put a readable reason there, which tshark shows.
     */
    Octets asTerminateData() {
        byte[] text = detail.getBytes(StandardCharsets.US_ASCII);
        return Octets.of(text.length > 200 ? Arrays.copyOf(text, 200) : text);
    }

    @Override
    public String toString() {
        return cause + ": " + detail;
    }
}
