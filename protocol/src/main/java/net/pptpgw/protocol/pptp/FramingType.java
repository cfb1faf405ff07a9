package net.pptpgw.protocol.pptp;

/**
 * The 32-bit Framing Type of an Outgoing-Call-Request (RFC 2637 §2.7: the PPP framing the
 * call should use) and of an Incoming-Call-Connected (§2.11: the framing the call uses).
 * Values the RFC does not define are kept as they are.
 */
public record FramingType(long value) {

    public static final FramingType ASYNCHRONOUS = new FramingType(1);
    public static final FramingType SYNCHRONOUS = new FramingType(2);
    /** Either type of framing (Outgoing-Call-Request only). */
    public static final FramingType ANY = new FramingType(3);

    public FramingType {
        Fields.u32(value, "framing type");
    }

    public String name() {
        return switch ((int) value) {
            case 1 -> "Asynchronous";
            case 2 -> "Synchronous";
            case 3 -> "Any";
            default -> "unknown";
        };
    }

    @Override
    public String toString() {
        return name() + "(" + value + ")";
    }
}
