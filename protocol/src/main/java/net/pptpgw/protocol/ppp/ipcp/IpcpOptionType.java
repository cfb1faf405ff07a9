package net.pptpgw.protocol.ppp.ipcp;

/**
 * IPCP configuration option types (RFC 1332 §3, RFC 1877 §1, IANA "IPCP Configuration Option
 * Types") and their names for logs.
 */
public final class IpcpOptionType {

    /** RFC 1332 §3.1, deprecated by RFC 1332 itself in favour of IP-Address. */
    public static final int IP_ADDRESSES = 1;
    /** RFC 1332 §3.2. */
    public static final int IP_COMPRESSION_PROTOCOL = 2;
    /** RFC 1332 §3.3. */
    public static final int IP_ADDRESS = 3;
    /** RFC 2290 §3. */
    public static final int MOBILE_IPV4 = 4;
    /** RFC 1877 §1.1. */
    public static final int PRIMARY_DNS_SERVER_ADDRESS = 129;
    /** RFC 1877 §1.2. */
    public static final int PRIMARY_NBNS_SERVER_ADDRESS = 130;
    /** RFC 1877 §1.3. */
    public static final int SECONDARY_DNS_SERVER_ADDRESS = 131;
    /** RFC 1877 §1.4. */
    public static final int SECONDARY_NBNS_SERVER_ADDRESS = 132;

    private IpcpOptionType() {}

    /** The registered name of {@code type}, or {@code "IPCP-Option-<n>"} for an unassigned one. */
    public static String name(int type) {
        return switch (type) {
            case IP_ADDRESSES -> "IP-Addresses (deprecated)";
            case IP_COMPRESSION_PROTOCOL -> "IP-Compression-Protocol";
            case IP_ADDRESS -> "IP-Address";
            case MOBILE_IPV4 -> "Mobile-IPv4";
            case PRIMARY_DNS_SERVER_ADDRESS -> "Primary-DNS-Server-Address";
            case PRIMARY_NBNS_SERVER_ADDRESS -> "Primary-NBNS-Server-Address";
            case SECONDARY_DNS_SERVER_ADDRESS -> "Secondary-DNS-Server-Address";
            case SECONDARY_NBNS_SERVER_ADDRESS -> "Secondary-NBNS-Server-Address";
            default -> "IPCP-Option-" + type;
        };
    }
}
