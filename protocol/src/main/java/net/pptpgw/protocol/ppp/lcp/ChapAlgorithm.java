package net.pptpgw.protocol.ppp.lcp;

/**
 * The Algorithm octet that follows protocol c223 in an LCP Authentication-Protocol option
 * (RFC 1994 §3.1), naming the CHAP variant. A value type, so that a code no RFC here defines is
 * kept (and can be Configure-Nak'ed) rather than lost.
 *
 * @param value the Algorithm octet, 0..255
 */
public record ChapAlgorithm(int value) {

    /** CHAP with MD5 (RFC 1994 §3.1). */
    public static final ChapAlgorithm MD5 = new ChapAlgorithm(5);
    /** Microsoft CHAP version 1 (RFC 2433 §2). */
    public static final ChapAlgorithm MS_CHAP = new ChapAlgorithm(0x80);
    /** Microsoft CHAP version 2 (RFC 2759 §2). */
    public static final ChapAlgorithm MS_CHAP_V2 = new ChapAlgorithm(0x81);

    public ChapAlgorithm {
        if (value < 0 || value > 0xff) {
            throw new IllegalArgumentException("CHAP algorithm must be 0..255: " + value);
        }
    }

    public String name() {
        return switch (value) {
            case 5 -> "MD5";
            case 0x80 -> "MS-CHAP";
            case 0x81 -> "MS-CHAPv2";
            default -> "Algorithm-" + value;
        };
    }

    @Override
    public String toString() {
        return name();
    }
}
