package net.pptpgw.protocol.ppp;

/**
 * A PPP Protocol field value (RFC 1661 §2), known or not. Unknown values are kept as they are:
 * LCP answers them with a Protocol-Reject that quotes them.
 *
 * <p>RFC 1661 §2: values 0x0*** to 0x3*** are network-layer protocols, 0x4*** to 0x7*** are
 * low-volume network protocols without an NCP, 0x8*** to 0xb*** network control protocols
 * (NCPs), 0xc*** to 0xf*** link-layer control protocols such as LCP. Assigned numbers are odd
 * with an even high octet.
 *
 * @param value 0 to 0xffff
 */
public record PppProtocol(int value) {

    public static final PppProtocol IPV4 = new PppProtocol(0x0021);
    /** Van Jacobson compressed TCP/IP (RFC 1144, RFC 1332). */
    public static final PppProtocol VJ_COMPRESSED_TCP = new PppProtocol(0x002D);
    /** Van Jacobson uncompressed TCP/IP (RFC 1144, RFC 1332). */
    public static final PppProtocol VJ_UNCOMPRESSED_TCP = new PppProtocol(0x002F);
    /** Multilink (RFC 1990). */
    public static final PppProtocol MULTILINK = new PppProtocol(0x003D);
    /** Encrypted datagram (RFC 1968). */
    public static final PppProtocol ENCRYPTED_DATAGRAM = new PppProtocol(0x0053);
    public static final PppProtocol IPV6 = new PppProtocol(0x0057);
    /** Individual-link compressed datagram (RFC 1962). */
    public static final PppProtocol INDIVIDUAL_LINK_COMPRESSED_DATAGRAM = new PppProtocol(0x00FB);
    /** Compressed datagram (RFC 1962): MPPE-encrypted and/or compressed data after CCP opens (RFC 3078). */
    public static final PppProtocol COMPRESSED_DATAGRAM = new PppProtocol(0x00FD);
    /** Internet Protocol Control Protocol (RFC 1332). */
    public static final PppProtocol IPCP = new PppProtocol(0x8021);
    /** Encryption Control Protocol (RFC 1968). */
    public static final PppProtocol ECP = new PppProtocol(0x8053);
    /** IPv6 Control Protocol (RFC 5072). */
    public static final PppProtocol IPV6CP = new PppProtocol(0x8057);
    /** Individual-link Compression Control Protocol (RFC 1962). */
    public static final PppProtocol INDIVIDUAL_LINK_CCP = new PppProtocol(0x80FB);
    /** Compression Control Protocol (RFC 1962). */
    public static final PppProtocol CCP = new PppProtocol(0x80FD);
    /** Link Control Protocol (RFC 1661). */
    public static final PppProtocol LCP = new PppProtocol(0xC021);
    /** Password Authentication Protocol (RFC 1334). */
    public static final PppProtocol PAP = new PppProtocol(0xC023);
    /** Link Quality Report (RFC 1989). */
    public static final PppProtocol LQR = new PppProtocol(0xC025);
    /** Callback Control Protocol (Microsoft, draft-ietf-pppext-callback-cp). */
    public static final PppProtocol CBCP = new PppProtocol(0xC029);
    /** Bandwidth Allocation Control Protocol (RFC 2125). */
    public static final PppProtocol BACP = new PppProtocol(0xC02B);
    /** Bandwidth Allocation Protocol (RFC 2125). */
    public static final PppProtocol BAP = new PppProtocol(0xC02D);
    /** Challenge Handshake Authentication Protocol (RFC 1994), also MS-CHAP (RFC 2433, RFC 2759). */
    public static final PppProtocol CHAP = new PppProtocol(0xC223);
    /** Extensible Authentication Protocol (RFC 3748). */
    public static final PppProtocol EAP = new PppProtocol(0xC227);

    public PppProtocol {
        if ((value & ~0xFFFF) != 0) {
            throw new IllegalArgumentException("PPP protocol out of range: " + value);
        }
    }

    public static PppProtocol of(int value) {
        return new PppProtocol(value);
    }

    /** The protocol's short name, or {@code null} for a value this project does not name. */
    public String name() {
        return switch (value) {
            case 0x0021 -> "IPv4";
            case 0x002D -> "VJ-compressed-TCP";
            case 0x002F -> "VJ-uncompressed-TCP";
            case 0x003D -> "Multilink";
            case 0x0053 -> "Encrypted-datagram";
            case 0x0057 -> "IPv6";
            case 0x00FB -> "Individual-link-compressed-datagram";
            case 0x00FD -> "Compressed-datagram";
            case 0x8021 -> "IPCP";
            case 0x8053 -> "ECP";
            case 0x8057 -> "IPV6CP";
            case 0x80FB -> "Individual-link-CCP";
            case 0x80FD -> "CCP";
            case 0xC021 -> "LCP";
            case 0xC023 -> "PAP";
            case 0xC025 -> "LQR";
            case 0xC029 -> "CBCP";
            case 0xC02B -> "BACP";
            case 0xC02D -> "BAP";
            case 0xC223 -> "CHAP";
            case 0xC227 -> "EAP";
            default -> null;
        };
    }

    public boolean isKnown() {
        return name() != null;
    }

    /**
     * RFC 1661 §2: the low octet is odd and the high octet even. A receiver treats any other
     * value as an unrecognized protocol (Protocol-Reject), not as a malformed frame.
     */
    public boolean isWellFormed() {
        return (value & 0x0101) == 0x0001;
    }

    /** 0x0*** to 0x3***: a network-layer datagram (IPv4, IPv6, compressed datagram...). */
    public boolean isNetworkLayer() {
        return value < 0x4000;
    }

    /** 0x8*** to 0xb***: a network control protocol such as IPCP or CCP. */
    public boolean isNetworkControl() {
        return value >= 0x8000 && value < 0xC000;
    }

    /** 0xc*** to 0xf***: link-layer control (LCP, authentication, LQR). */
    public boolean isLinkControl() {
        return value >= 0xC000;
    }

    /**
     * Whether Protocol-Field-Compression (RFC 1661 §6.5) may send this value as one octet: a
     * well-formed value with a zero high octet. 0x00ff is excluded: it is reserved exactly
     * because, after Address-and-Control-Field-Compression, its single octet 0xff would read
     * as the start of an address field.
     */
    public boolean isCompressible() {
        return isCompressible(value);
    }

    /** {@link #isCompressible()} for a raw value (allocation-free, for the data plane). */
    public static boolean isCompressible(int value) {
        return value <= 0xFF && (value & 1) != 0 && value != 0xFF;
    }

    /**
     * Whether a PPP link can carry this value at all: the high octet must be even, because a
     * receiver reads an odd first octet as a one-octet (compressed) protocol field.
     */
    public boolean isEncodable() {
        return isEncodable(value);
    }

    /** {@link #isEncodable()} for a raw value: 0 to 0xffff with an even high octet. */
    public static boolean isEncodable(int value) {
        return (value & ~0xFEFF) == 0;
    }

    @Override
    public String toString() {
        String name = name();
        return String.format(name == null ? "0x%04x" : name + "(0x%04x)", value);
    }
}
