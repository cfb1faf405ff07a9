package net.pptpgw.protocol.ppp.hdlc;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class HdlcFrameEncoderTest {

    private static ByteBuf bytes(String hex) {
        return Unpooled.wrappedBuffer(HexFormat.of().parseHex(hex));
    }

    private static String written(EmbeddedChannel channel, String frame) {
        ByteBuf in = bytes(frame);
        channel.writeOutbound(in);
        assertThat(in.refCnt()).isZero();
        ByteBuf out = channel.readOutbound();
        try {
            return ByteBufUtil.hexDump(out);
        } finally {
            out.release();
        }
    }

    @Test
    void writesTheClassicLcpFrame() {
        EmbeddedChannel channel = new EmbeddedChannel(new HdlcFrameEncoder());
        assertThat(written(channel, HdlcVectors.LCP_CONFIGURE_REQUEST)).isEqualTo(HdlcVectors.LCP_CONFIGURE_REQUEST_STUFFED);
        assertThat(channel.finish()).isFalse();
    }

    @Test
    void followsTheTransmitAccmForData() {
        HdlcFrameEncoder encoder = new HdlcFrameEncoder();
        EmbeddedChannel channel = new EmbeddedChannel(encoder);
        assertThat(encoder.transmitAccm()).isEqualTo(0xFFFFFFFF);
        encoder.transmitAccm(0);
        assertThat(written(channel, HdlcVectors.IP_WITH_SPECIALS)).isEqualTo(HdlcVectors.IP_WITH_SPECIALS_ACCM_0);
        encoder.transmitAccm(0x000A0000);
        assertThat(written(channel, HdlcVectors.IP_WITH_SPECIALS)).isEqualTo(HdlcVectors.IP_WITH_SPECIALS_ACCM_XON_XOFF);
    }

    @Test
    void lcpConfigurationPacketsAlwaysUseTheDefaultAccm() {
        HdlcFrameEncoder encoder = new HdlcFrameEncoder().transmitAccm(0);
        EmbeddedChannel channel = new EmbeddedChannel(encoder);
        // Code 1 (Configure-Request): RFC 1661 §5, sent as if nothing was negotiated.
        assertThat(written(channel, HdlcVectors.LCP_CONFIGURE_REQUEST)).isEqualTo(HdlcVectors.LCP_CONFIGURE_REQUEST_STUFFED);
        // Code 5 (Terminate-Request) likewise: 0x05, 0x02, 0x00, 0x04 all escaped.
        assertThat(written(channel, "ff03c02105020004")).startsWith("7eff7d23c0217d257d227d207d24");
        // Code 9 (Echo-Request) follows the negotiated map: only 0x03 ... none escaped.
        assertThat(written(channel, "ff03c02109030008cafebabe")).startsWith("7eff03c02109030008cafebabe");
    }

    @Test
    void recognisesLinkConfigurationPackets() {
        assertThat(HdlcFrameEncoder.isLinkConfiguration(bytes("ff03c02101"))).isTrue();
        assertThat(HdlcFrameEncoder.isLinkConfiguration(bytes("ff03c02107"))).isTrue();
        assertThat(HdlcFrameEncoder.isLinkConfiguration(bytes("ff03c02108"))).isFalse();
        assertThat(HdlcFrameEncoder.isLinkConfiguration(bytes("ff03c02100"))).isFalse();
        assertThat(HdlcFrameEncoder.isLinkConfiguration(bytes("ff03c021"))).isFalse();
        assertThat(HdlcFrameEncoder.isLinkConfiguration(bytes("ff03802101"))).isFalse();
    }

    @Test
    void encoderAndDecoderMeetOnOneChannel() {
        EmbeddedChannel channel = new EmbeddedChannel(new HdlcFrameDecoder().receiveAccm(0x000A0000),
                new HdlcFrameEncoder().transmitAccm(0x000A0000));
        channel.writeOutbound(bytes(HdlcVectors.IP_WITH_SPECIALS), bytes(HdlcVectors.LCP_CONFIGURE_REQUEST));
        for (ByteBuf wire; (wire = channel.readOutbound()) != null; ) {
            channel.writeInbound(wire);
        }
        ByteBuf ip = channel.readInbound();
        ByteBuf lcp = channel.readInbound();
        assertThat(ByteBufUtil.hexDump(ip)).isEqualTo(HdlcVectors.IP_WITH_SPECIALS);
        assertThat(ByteBufUtil.hexDump(lcp)).isEqualTo(HdlcVectors.LCP_CONFIGURE_REQUEST);
        ip.release();
        lcp.release();
        assertThat(channel.finish()).isFalse();
    }
}
