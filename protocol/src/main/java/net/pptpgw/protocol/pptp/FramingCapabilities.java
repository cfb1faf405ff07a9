package net.pptpgw.protocol.pptp;

/**
 * The 32-bit Framing Capabilities of the Start-Control-Connection messages (RFC 2637 §2.1,
 * §2.2): which PPP framings the sender's dial side supports. Bits the RFC does not define are
 * kept, so the value re-encodes unchanged. Real clients often send 0 (no dial side at all).
 */
public record FramingCapabilities(int bits) {

    /** Bit 0: asynchronous framing supported. */
    public static final int ASYNCHRONOUS_BIT = 0x1;
    /** Bit 1: synchronous framing supported. */
    public static final int SYNCHRONOUS_BIT = 0x2;

    public static final FramingCapabilities NONE = new FramingCapabilities(0);
    public static final FramingCapabilities ASYNCHRONOUS = new FramingCapabilities(ASYNCHRONOUS_BIT);
    public static final FramingCapabilities SYNCHRONOUS = new FramingCapabilities(SYNCHRONOUS_BIT);
    public static final FramingCapabilities BOTH = new FramingCapabilities(ASYNCHRONOUS_BIT | SYNCHRONOUS_BIT);

    public boolean asynchronous() {
        return (bits & ASYNCHRONOUS_BIT) != 0;
    }

    public boolean synchronous() {
        return (bits & SYNCHRONOUS_BIT) != 0;
    }

    /** Bits the RFC does not define. */
    public int unknownBits() {
        return bits & ~(ASYNCHRONOUS_BIT | SYNCHRONOUS_BIT);
    }

    @Override
    public String toString() {
        return Flags.describe("FramingCapabilities", unknownBits(),
                asynchronous() ? "asynchronous" : null, synchronous() ? "synchronous" : null);
    }
}
