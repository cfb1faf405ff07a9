package net.pptpgw.client.data;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.DatagramPacket;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** The IPv4 header written for IP_HDRINCL: the call's source address, found by the PAC's call ID in the GRE key. */
class SourceAddressStamperTest {

    /** Enhanced GRE (RFC 2637 §4.1): K and S bits, version 1, PPP, payload length 4, call ID 0x0102, sequence 7. */
    private static final String GRE = "3001880b" + "0004" + "0102" + "00000007" + "c0210101";

    @Test
    void writesTheHeaderInPlaceWhenThereIsHeadroom() throws Exception {
        SourceAddressStamper stamper = new SourceAddressStamper();
        stamper.bind(0x0102, (Inet4Address) InetAddress.getByName("10.1.2.3"));
        EmbeddedChannel channel = new EmbeddedChannel(stamper);
        ByteBuf gre = Unpooled.buffer(64);
        gre.writerIndex(32).readerIndex(32);
        gre.writeBytes(HexFormat.of().parseHex(GRE));
        channel.writeOutbound(new DatagramPacket(gre, new InetSocketAddress("192.0.2.1", 0)));

        DatagramPacket out = channel.readOutbound();
        // Version 4, IHL 5, TOS 0, total length 36, ID/flags/offset 0 (kernel), TTL 64, protocol 47,
        // checksum 0 (kernel), source 10.1.2.3, destination 192.0.2.1; then the GRE packet unchanged.
        assertThat(ByteBufUtil.hexDump(out.content())).isEqualTo("45000024" + "00000000" + "402f0000" + "0a010203"
                + "c0000201" + GRE);
        assertThat(out.content()).isSameAs(gre);
        assertThat(out.recipient()).isEqualTo(new InetSocketAddress("192.0.2.1", 0));
        out.release();
    }

    @Test
    void copiesOnceWithoutHeadroomAndLeavesAnUnknownCallToTheKernel() {
        EmbeddedChannel channel = new EmbeddedChannel(new SourceAddressStamper());
        ByteBuf gre = Unpooled.wrappedBuffer(HexFormat.of().parseHex(GRE));
        channel.writeOutbound(new DatagramPacket(gre, new InetSocketAddress("192.0.2.1", 0)));

        DatagramPacket out = channel.readOutbound();
        // No source bound for this call ID: 0.0.0.0, which raw(7) fills in from the route.
        assertThat(ByteBufUtil.hexDump(out.content())).isEqualTo("45000024" + "00000000" + "402f0000" + "00000000"
                + "c0000201" + GRE);
        assertThat(gre.refCnt()).isZero();
        out.release();
    }
}
