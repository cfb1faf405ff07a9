package net.pptpgw.protocol.pcap;

/** The capture link types this project reads and writes (tcpdump.org link-layer header types). */
public enum LinkType {
    ETHERNET(1),
    /** PPP with or without HDLC address/control, protocol field first otherwise. */
    PPP(9),
    /** Raw IPv4/IPv6, no link header. */
    RAW(101),
    /** Raw IPv4 only, as scapy's {@code wrpcap} writes bare IP packets. */
    IPV4(228),
    /** Linux "cooked" capture v1, as {@code tcpdump -i any} writes. */
    LINUX_SLL(113),
    /** Linux "cooked" capture v2. */
    LINUX_SLL2(276);

    private final int code;

    LinkType(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    /** The link type with this code, or {@code null} when the project cannot read it. */
    public static LinkType of(int code) {
        for (LinkType type : values()) {
            if (type.code == code) {
                return type;
            }
        }
        return null;
    }
}
