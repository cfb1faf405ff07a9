package net.pptpgw.protocol.ppp.lcp;

/**
 * LCP configuration option types (RFC 1661 §6 and the IANA "PPP LCP Configuration Option
 * Types" registry) and their names for logs. Types without a typed {@link LcpOption} record
 * decode to {@link LcpOption.Raw}, which still knows its name.
 */
public final class LcpOptionType {

    /** RFC 2153 §2.1. */
    public static final int VENDOR_SPECIFIC = 0;
    /** RFC 1661 §6.1. */
    public static final int MAXIMUM_RECEIVE_UNIT = 1;
    /** RFC 1662 §7.1. */
    public static final int ASYNC_CONTROL_CHARACTER_MAP = 2;
    /** RFC 1661 §6.2. */
    public static final int AUTHENTICATION_PROTOCOL = 3;
    /** RFC 1661 §6.3. */
    public static final int QUALITY_PROTOCOL = 4;
    /** RFC 1661 §6.4. */
    public static final int MAGIC_NUMBER = 5;
    /** RFC 1661 §6.5. */
    public static final int PROTOCOL_FIELD_COMPRESSION = 7;
    /** RFC 1661 §6.6. */
    public static final int ADDRESS_AND_CONTROL_FIELD_COMPRESSION = 8;
    /** RFC 1570 §2.1. */
    public static final int FCS_ALTERNATIVES = 9;
    /** RFC 1570 §2.2. */
    public static final int SELF_DESCRIBING_PAD = 10;
    /** RFC 1570 §2.3. */
    public static final int CALLBACK = 13;
    /** RFC 1990 §5.1.1. */
    public static final int MULTILINK_MRRU = 17;
    /** RFC 1990 §5.1.2. */
    public static final int MULTILINK_SHORT_SEQUENCE_NUMBER_HEADER = 18;
    /** RFC 1990 §5.1.3. */
    public static final int MULTILINK_ENDPOINT_DISCRIMINATOR = 19;

    private static final String[] NAMES = {
        "Vendor-Specific",
        "Maximum-Receive-Unit",
        "Async-Control-Character-Map",
        "Authentication-Protocol",
        "Quality-Protocol",
        "Magic-Number",
        "Link-Quality-Monitoring (deprecated)",
        "Protocol-Field-Compression",
        "Address-and-Control-Field-Compression",
        "FCS-Alternatives",
        "Self-Describing-Pad",
        "Numbered-Mode",
        "Multi-Link-Procedure (deprecated)",
        "Callback",
        "Connect-Time (deprecated)",
        "Compound-Frames (deprecated)",
        "Nominal-Data-Encapsulation (deprecated)",
        "Multilink-MRRU",
        "Multilink-Short-Sequence-Number-Header-Format",
        "Multilink-Endpoint-Discriminator",
        "Proprietary",
        "DCE-Identifier",
        "Multi-Link-Plus-Procedure",
        "Link-Discriminator-for-BACP",
        "LCP-Authentication-Option",
        "Consistent-Overhead-Byte-Stuffing",
        "Prefix-Elision",
        "Multilink-Header-Format",
        "Internationalization",
        "Simple-Data-Link-on-SONET/SDH",
        "PPP-Muxing (deprecated)",
    };

    private LcpOptionType() {}

    /** The registered name of {@code type}, or {@code "LCP-Option-<n>"} for an unassigned one. */
    public static String name(int type) {
        return type >= 0 && type < NAMES.length ? NAMES[type] : "LCP-Option-" + type;
    }
}
