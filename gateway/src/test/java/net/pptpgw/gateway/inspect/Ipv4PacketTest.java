package net.pptpgw.gateway.inspect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import net.pptpgw.protocol.MalformedPacketException;
import net.pptpgw.protocol.testing.Fuzz;
import net.pptpgw.protocol.testing.Packets;
import net.pptpgw.protocol.testing.Scapy;
import org.junit.jupiter.api.Test;

class Ipv4PacketTest {

    private static final HexFormat HEX = HexFormat.of();

    /** Frame 11 of captures/one-call.pcap without its Ethernet header: the server's first GRE packet, an LCP Configure-Request. */
    private static final String REAL_GRE_PACKET = "450000326bfe4000402fb9d60a6300010a630002"
            + "3001880b00126cff00000000" + "ff03c0210101000e01040578050653525652";

    @Test
    void decodesEveryFieldOfARealHeader() {
        ByteBuf packet = Unpooled.wrappedBuffer(HEX.parseHex(REAL_GRE_PACKET));
        Ipv4Packet ip = Ipv4Packet.decode(packet);

        assertThat(ip.headerLength()).isEqualTo(20);
        assertThat(ip.totalLength()).isEqualTo(0x32);
        assertThat(ip.identification()).isEqualTo(0x6bfe);
        assertThat(ip.dontFragment()).isTrue();
        assertThat(ip.moreFragments()).isFalse();
        assertThat(ip.fragmentOffset()).isZero();
        assertThat(ip.timeToLive()).isEqualTo(64);
        assertThat(ip.protocol()).isEqualTo(Ipv4Packet.PROTOCOL_GRE);
        assertThat(ip.source().getHostAddress()).isEqualTo("10.99.0.1");
        assertThat(ip.destination().getHostAddress()).isEqualTo("10.99.0.2");
        assertThat(ip.options().readableBytes()).isZero();
        assertThat(HEX.formatHex(ByteBufUtil.getBytes(ip.payload()))).isEqualTo(REAL_GRE_PACKET.substring(40));
        assertThat(ip.isFragment()).isFalse();
        assertThat(ip.payloadTruncated()).isFalse();
    }

    @Test
    void optionsFragmentFieldsAndTcpComeOutAsScapyBuiltThem() {
        byte[] built = Scapy.build(List.of("IP(src='192.0.2.7', dst='198.51.100.9', id=0x1234, flags='MF', frag=185, ttl=9,"
                + " options=[IPOption_Router_Alert()])/TCP(sport=40000, dport=1723, seq=4000000000, ack=17, flags='PA',"
                + " window=999, options=[('MSS', 1460)])/Raw(b'abc')")).getFirst();

        Ipv4Packet ip = Ipv4Packet.decode(Unpooled.wrappedBuffer(built));
        assertThat(ip.headerLength()).isEqualTo(24);
        assertThat(HEX.formatHex(ByteBufUtil.getBytes(ip.options()))).isEqualTo("94040000");
        assertThat(ip.identification()).isEqualTo(0x1234);
        assertThat(ip.moreFragments()).isTrue();
        assertThat(ip.dontFragment()).isFalse();
        assertThat(ip.fragmentOffset()).isEqualTo(185 * 8);
        assertThat(ip.isFragment()).isTrue();
        assertThat(ip.timeToLive()).isEqualTo(9);
        assertThat(ip.source().getHostAddress()).isEqualTo("192.0.2.7");
        assertThat(ip.destination().getHostAddress()).isEqualTo("198.51.100.9");

        TcpSegment tcp = TcpSegment.decode(ip.payload(), ip.payloadLength());
        assertThat(tcp.sourcePort()).isEqualTo(40000);
        assertThat(tcp.destinationPort()).isEqualTo(1723);
        assertThat(tcp.sequenceNumber()).isEqualTo(4_000_000_000L);
        assertThat(tcp.acknowledgementNumber()).isEqualTo(17);
        assertThat(tcp.flags()).isEqualTo(TcpSegment.PSH | TcpSegment.ACK);
        assertThat(tcp.window()).isEqualTo(999);
        assertThat(HEX.formatHex(ByteBufUtil.getBytes(tcp.options()))).isEqualTo("020405b4");
        assertThat(ByteBufUtil.getBytes(tcp.payload())).isEqualTo("abc".getBytes());
    }

    @Test
    void ethernetPaddingIsNotPayload() {
        byte[] packet = Packets.ipv4(Packets.PROTO_GRE, Packets.address(10, 0, 0, 1), Packets.address(10, 0, 0, 2), new byte[8]);
        Ipv4Packet ip = Ipv4Packet.decode(Unpooled.wrappedBuffer(Arrays.copyOf(packet, 46))); // padded to Ethernet's minimum

        assertThat(ip.payload().readableBytes()).isEqualTo(8);
        assertThat(ip.payloadTruncated()).isFalse();
    }

    @Test
    void payloadCutBySnapLengthIsKeptAndFlagged() {
        byte[] packet = Packets.ipv4(Packets.PROTO_GRE, Packets.address(10, 0, 0, 1), Packets.address(10, 0, 0, 2), new byte[100]);
        Ipv4Packet ip = Ipv4Packet.decode(Unpooled.wrappedBuffer(Arrays.copyOf(packet, 50)));

        assertThat(ip.payload().readableBytes()).isEqualTo(30);
        assertThat(ip.payloadLength()).isEqualTo(100);
        assertThat(ip.payloadTruncated()).isTrue();
    }

    @Test
    void rejectsWhatIsNotAnIpv4Header() {
        assertRejected("45000032000040", "truncated-header");
        assertRejected("6000000000000000000000000000000000000000", "bad-version");
        assertRejected("4400003200004000402f25e10a6300010a630002", "bad-header-length");
        assertRejected("4f00003200004000402f25e10a6300010a630002", "truncated-header");
        assertRejected("4500001000004000402f25e10a6300010a630002", "bad-total-length");
    }

    @Test
    void fuzzedPacketsGiveOnlyTypedErrors() {
        List<byte[]> seeds = List.of(
                HEX.parseHex(REAL_GRE_PACKET),
                HEX.parseHex("4600001c123420b9091100009401020300000001c0000201940400000000000000"),
                Packets.ipv4(Packets.PROTO_TCP, Packets.address(10, 0, 0, 1), Packets.address(10, 0, 0, 2), new byte[24]));
        Fuzz.run("ipv4", seeds, buffer -> {
            Ipv4Packet ip = Ipv4Packet.decode(buffer);
            ByteBufUtil.getBytes(ip.options());
            ByteBufUtil.getBytes(ip.payload());
        });
    }

    private static void assertRejected(String hex, String reason) {
        assertThatThrownBy(() -> Ipv4Packet.decode(Unpooled.wrappedBuffer(HEX.parseHex(hex))))
                .isInstanceOfSatisfying(MalformedPacketException.class, e -> {
                    assertThat(e.protocol()).isEqualTo("ipv4");
                    assertThat(e.reason()).isEqualTo(reason);
                });
    }
}
