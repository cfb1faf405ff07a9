package net.pptpgw.gateway.inspect;

import io.netty.buffer.ByteBuf;
import net.pptpgw.protocol.MalformedPacketException;
import net.pptpgw.protocol.pcap.LinkType;

/**
 * Strips the link-layer header of a captured frame down to its IPv4 packet.
 *
 * <p>Reads Ethernet II (with at most one IEEE 802.1Q or 802.1ad tag), raw IP and the two Linux
 * "cooked" headers that {@code tcpdump -i any} writes. Frames that carry anything but IPv4 (ARP,
 * IPv6, LLDP, 802.3 length frames...) are not an error: they are simply not ours.
 */
public final class LinkLayer {

    static final int ETHERTYPE_IPV4 = 0x0800;
    static final int ETHERTYPE_VLAN = 0x8100;
    static final int ETHERTYPE_QINQ = 0x88a8;
    private static final int ETHERNET_HEADER = 14;
    private static final int VLAN_TAG = 4;
    private static final int SLL_HEADER = 16;
    private static final int SLL2_HEADER = 20;

    private LinkLayer() {}

    /**
     * The IPv4 packet inside {@code frame} as a slice of it, or {@code null} when the frame does
     * not carry IPv4.
     *
     * @param linkType the capture's link type; {@link LinkType#PPP} is not read
     * @throws MalformedPacketException when the link header is cut short
     */
    public static ByteBuf ipv4(LinkType linkType, ByteBuf frame) {
        int at = frame.readerIndex();
        int length = frame.readableBytes();
        return switch (linkType) {
            case ETHERNET -> {
                require(length, ETHERNET_HEADER, "ethernet", "Ethernet header");
                int etherType = frame.getUnsignedShort(at + 12);
                int header = ETHERNET_HEADER;
                if (etherType == ETHERTYPE_VLAN || etherType == ETHERTYPE_QINQ) {
                    // IEEE 802.1Q: a 2-byte tag control field, then the real EtherType.
                    require(length, ETHERNET_HEADER + VLAN_TAG, "ethernet", "802.1Q-tagged Ethernet header");
                    etherType = frame.getUnsignedShort(at + 16);
                    header += VLAN_TAG;
                }
                yield etherType == ETHERTYPE_IPV4 ? frame.slice(at + header, length - header) : null;
            }
            case LINUX_SLL -> {
                // packet type, ARPHRD type, address length, 8 address bytes, protocol (EtherType)
                require(length, SLL_HEADER, "sll", "Linux cooked header");
                yield frame.getUnsignedShort(at + 14) == ETHERTYPE_IPV4 ? frame.slice(at + SLL_HEADER, length - SLL_HEADER) : null;
            }
            case LINUX_SLL2 -> {
                // protocol (EtherType), reserved, interface index, ARPHRD type, packet type, address length, 8 address bytes
                require(length, SLL2_HEADER, "sll2", "Linux cooked v2 header");
                yield frame.getUnsignedShort(at) == ETHERTYPE_IPV4 ? frame.slice(at + SLL2_HEADER, length - SLL2_HEADER) : null;
            }
            // No header: the IP version nibble tells IPv4 from IPv6.
            case RAW, IPV4 -> length > 0 && (frame.getUnsignedByte(at) >> 4) == 4 ? frame.slice(at, length) : null;
            case PPP -> throw new MalformedPacketException("pcap", "unsupported-link-type", "PPP link-layer captures are not read");
        };
    }

    private static void require(int length, int needed, String protocol, String what) {
        if (length < needed) {
            throw new MalformedPacketException(protocol, "truncated-header",
                    "a " + what + " is " + needed + " bytes, the frame has " + length);
        }
    }
}
