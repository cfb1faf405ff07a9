package net.pptpgw.gateway.inspect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.HexFormat;
import java.util.List;
import net.pptpgw.protocol.MalformedPacketException;
import net.pptpgw.protocol.pcap.LinkType;
import net.pptpgw.protocol.testing.Fuzz;
import net.pptpgw.protocol.testing.Packets;
import org.junit.jupiter.api.Test;

class LinkLayerTest {

    private static final HexFormat HEX = HexFormat.of();
    private static final byte[] PACKET = Packets.ipv4(Packets.PROTO_GRE, Packets.address(10, 99, 0, 1),
            Packets.address(10, 99, 0, 2), Packets.enhancedGre(0, null, 5L, new byte[0]));
    private static final String MACS = "12ebfa04f4805ed22d169ea9";

    @Test
    void ethernet() {
        assertIpv4(LinkType.ETHERNET, MACS + "0800");
        assertNotIpv4(LinkType.ETHERNET, MACS + "86dd");   // IPv6
        assertNotIpv4(LinkType.ETHERNET, MACS + "0806");   // ARP
        assertNotIpv4(LinkType.ETHERNET, MACS + "002e");   // IEEE 802.3 length field
    }

    @Test
    void ethernetWithOneVlanTag() {
        assertIpv4(LinkType.ETHERNET, MACS + "8100" + "0064" + "0800");   // 802.1Q, VLAN 100
        assertIpv4(LinkType.ETHERNET, MACS + "88a8" + "2064" + "0800");   // 802.1ad service tag
        assertNotIpv4(LinkType.ETHERNET, MACS + "8100" + "0064" + "86dd");
    }

    @Test
    void linuxCookedCaptures() {
        // SLL: packet type 4 (outgoing), ARPHRD_ETHER, address length 6, address + 2 bytes padding, protocol
        assertIpv4(LinkType.LINUX_SLL, "0004" + "0001" + "0006" + "5ed22d169ea90000" + "0800");
        assertNotIpv4(LinkType.LINUX_SLL, "0004" + "0001" + "0006" + "5ed22d169ea90000" + "86dd");
        // SLL2 as in captures/gre-blocked.pcap: protocol, reserved, ifindex, ARPHRD_ETHER, packet type, address length, address
        assertIpv4(LinkType.LINUX_SLL2, "0800" + "0000" + "00000002" + "0001" + "04" + "06" + "5ed22d169ea90000");
        assertNotIpv4(LinkType.LINUX_SLL2, "0806" + "0000" + "00000002" + "0001" + "04" + "06" + "5ed22d169ea90000");
    }

    @Test
    void rawIpTellsIpv4ByItsVersion() {
        assertIpv4(LinkType.RAW, "");
        assertThat(LinkLayer.ipv4(LinkType.RAW, Unpooled.wrappedBuffer(HEX.parseHex("60000000")))).isNull();
        assertThat(LinkLayer.ipv4(LinkType.RAW, Unpooled.EMPTY_BUFFER)).isNull();
    }

    @Test
    void ipv4LinkTypeAsScapyWritesIt() {
        assertIpv4(LinkType.IPV4, "");
        assertThat(LinkLayer.ipv4(LinkType.IPV4, Unpooled.wrappedBuffer(HEX.parseHex("60000000")))).isNull();
    }

    @Test
    void cutHeadersAreTypedErrors() {
        assertRejected(LinkType.ETHERNET, MACS + "08", "ethernet");
        assertRejected(LinkType.ETHERNET, MACS + "8100" + "00", "ethernet");
        assertRejected(LinkType.LINUX_SLL, "000400010006", "sll");
        assertRejected(LinkType.LINUX_SLL2, "0800000000000002", "sll2");
        assertThatThrownBy(() -> LinkLayer.ipv4(LinkType.PPP, Unpooled.wrappedBuffer(PACKET)))
                .isInstanceOfSatisfying(MalformedPacketException.class, e -> assertThat(e.reason()).isEqualTo("unsupported-link-type"));
    }

    @Test
    void fuzzedFramesGiveOnlyTypedErrors() {
        for (LinkType type : List.of(LinkType.ETHERNET, LinkType.LINUX_SLL, LinkType.LINUX_SLL2, LinkType.RAW)) {
            List<byte[]> seeds = List.of(
                    HEX.parseHex(MACS + "8100" + "0064" + "0800" + HEX.formatHex(PACKET)),
                    HEX.parseHex("0800" + "0000" + "00000002" + "0001" + "04" + "06" + "5ed22d169ea90000" + HEX.formatHex(PACKET)),
                    PACKET);
            Fuzz.run("link-" + type, seeds, frame -> {
                ByteBuf ip = LinkLayer.ipv4(type, frame);
                if (ip != null) {
                    ByteBufUtil.getBytes(ip);
                }
            });
        }
    }

    private static void assertIpv4(LinkType type, String header) {
        ByteBuf frame = Unpooled.wrappedBuffer(HEX.parseHex(header), PACKET);
        assertThat(ByteBufUtil.getBytes(LinkLayer.ipv4(type, frame))).isEqualTo(PACKET);
    }

    private static void assertNotIpv4(LinkType type, String header) {
        assertThat(LinkLayer.ipv4(type, Unpooled.wrappedBuffer(HEX.parseHex(header), PACKET))).isNull();
    }

    private static void assertRejected(LinkType type, String frame, String protocol) {
        assertThatThrownBy(() -> LinkLayer.ipv4(type, Unpooled.wrappedBuffer(HEX.parseHex(frame))))
                .isInstanceOfSatisfying(MalformedPacketException.class, e -> {
                    assertThat(e.protocol()).isEqualTo(protocol);
                    assertThat(e.reason()).isEqualTo("truncated-header");
                });
    }
}
