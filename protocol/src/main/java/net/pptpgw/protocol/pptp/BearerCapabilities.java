package net.pptpgw.protocol.pptp;

/**
 * The 32-bit Bearer Capabilities of the Start-Control-Connection messages (RFC 2637 §2.1,
 * §2.2): which kinds of access the sender's dial side supports. Bits the RFC does not define
 * are kept, so the value re-encodes unchanged.
 */
public record BearerCapabilities(int bits) {

    /** Bit 0: analog access supported. */
    public static final int ANALOG_BIT = 0x1;
    /** Bit 1: digital access supported. */
    public static final int DIGITAL_BIT = 0x2;

    public static final BearerCapabilities NONE = new BearerCapabilities(0);
    public static final BearerCapabilities ANALOG = new BearerCapabilities(ANALOG_BIT);
    public static final BearerCapabilities DIGITAL = new BearerCapabilities(DIGITAL_BIT);
    public static final BearerCapabilities BOTH = new BearerCapabilities(ANALOG_BIT | DIGITAL_BIT);

    public boolean analog() {
        return (bits & ANALOG_BIT) != 0;
    }

    public boolean digital() {
        return (bits & DIGITAL_BIT) != 0;
    }

    /** Bits the RFC does not define. */
    public int unknownBits() {
        return bits & ~(ANALOG_BIT | DIGITAL_BIT);
    }

    @Override
    public String toString() {
        return Flags.describe("BearerCapabilities", unknownBits(),
                analog() ? "analog" : null, digital() ? "digital" : null);
    }
}
