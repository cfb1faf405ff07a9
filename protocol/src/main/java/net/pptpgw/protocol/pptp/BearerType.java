package net.pptpgw.protocol.pptp;

/**
 * The 32-bit Bearer Type of an Outgoing-Call-Request (RFC 2637 §2.7: the channel the PAC
 * should place the call on) and the Call Bearer Type of an Incoming-Call-Request (§2.9: the
 * channel the call arrived on). Values the RFC does not define are kept as they are.
 */
public record BearerType(long value) {

    public static final BearerType ANALOG = new BearerType(1);
    public static final BearerType DIGITAL = new BearerType(2);
    /** Any type of channel (Outgoing-Call-Request only). */
    public static final BearerType ANY = new BearerType(3);

    public BearerType {
        Fields.u32(value, "bearer type");
    }

    public String name() {
        return switch ((int) value) {
            case 1 -> "Analog";
            case 2 -> "Digital";
            case 3 -> "Any";
            default -> "unknown";
        };
    }

    @Override
    public String toString() {
        return name() + "(" + value + ")";
    }
}
