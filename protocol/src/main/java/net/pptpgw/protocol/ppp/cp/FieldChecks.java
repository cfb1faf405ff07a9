package net.pptpgw.protocol.ppp.cp;

import net.pptpgw.protocol.Octets;
import java.util.Objects;

/**
 * Range checks for the constructors of packets and options. They guard against programming
 * errors when the engine builds a packet; the decoders only ever construct values in range.
 */
public final class FieldChecks {

    private FieldChecks() {}

    /** {@code value} fits an unsigned field whose largest value is {@code max}. */
    public static void checkUnsigned(String field, long value, long max) {
        if (value < 0 || value > max) {
            throw new IllegalArgumentException(field + " must be 0.." + max + ": " + value);
        }
    }

    /** {@code octets} is present and at most {@code maxLength} long. */
    public static void checkLength(String field, Octets octets, int maxLength) {
        Objects.requireNonNull(octets, field);
        if (octets.length() > maxLength) {
            throw new IllegalArgumentException(field + " is " + octets.length() + " octets, at most " + maxLength + " fit");
        }
    }
}
