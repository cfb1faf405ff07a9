package net.pptpgw.protocol.ppp;

import static net.pptpgw.protocol.ppp.PppHeaderTest.buffer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import net.pptpgw.protocol.MalformedPacketException;
import org.junit.jupiter.api.Test;

/** {@link PppFrame} and the Netty {@link PppFrameDecoder}/{@link PppFrameEncoder}. */
class PppFrameCodecTest {

    @Test
    void frameDecodesAndEncodes() {
        PppFrame frame = PppFrame.decode(buffer("ff032145000014"));
        assertThat(frame).isEqualTo(new PppFrame(PppProtocol.IPV4, buffer("45000014")));
        ByteBuf out = Unpooled.buffer();
        frame.encode(out, true, true);
        assertThat(ByteBufUtil.hexDump(out)).isEqualTo("2145000014");
        assertThat(frame.encodedLength(true, true)).isEqualTo(5);
        assertThat(frame.encodedLength(false, false)).isEqualTo(8);
        frame.release();
    }

    @Test
    void decoderAcceptsEveryHeaderFormAndSurvivesATruncatedFrame() {
        EmbeddedChannel channel = new EmbeddedChannel(new PppFrameDecoder());
        channel.writeInbound(buffer("ff03c02109010008cafebabe"), buffer("2145"), buffer("80fd01010004"));
        PppFrame lcp = channel.readInbound();
        PppFrame ip = channel.readInbound();
        PppFrame ccp = channel.readInbound();
        assertThat(lcp.protocol()).isEqualTo(PppProtocol.LCP);
        assertThat(ByteBufUtil.hexDump(lcp.information())).isEqualTo("09010008cafebabe");
        assertThat(ip.protocol()).isEqualTo(PppProtocol.IPV4);
        assertThat(ccp.protocol()).isEqualTo(PppProtocol.CCP);
        lcp.release();
        ip.release();
        ccp.release();

        ByteBuf truncated = buffer("ff03");
        assertThatThrownBy(() -> channel.writeInbound(truncated))
                .isInstanceOfSatisfying(MalformedPacketException.class, e -> assertThat(e.reason()).isEqualTo("truncated"));
        assertThat(truncated.refCnt()).isZero();
        channel.writeInbound(buffer("fd9001"));
        PppFrame compressed = channel.readInbound();
        assertThat(compressed.protocol()).isEqualTo(PppProtocol.COMPRESSED_DATAGRAM);
        compressed.release();
        assertThat(channel.finish()).isFalse();
    }

    @Test
    void encoderStartsUncompressedAndFollowsNegotiation() {
        PppFrameEncoder encoder = new PppFrameEncoder();
        EmbeddedChannel channel = new EmbeddedChannel(encoder);
        assertThat(encoder.compressAddressControl()).isFalse();
        assertThat(encoder.compressProtocol()).isFalse();

        channel.writeOutbound(new PppFrame(PppProtocol.IPV4, buffer("4500")));
        assertThat(readHex(channel)).isEqualTo("ff0300214500");

        encoder.compressAddressControl(true).compressProtocol(true);
        channel.writeOutbound(new PppFrame(PppProtocol.IPV4, buffer("4500")));
        assertThat(readHex(channel)).isEqualTo("214500");
        channel.writeOutbound(new PppFrame(PppProtocol.LCP, buffer("09010008cafebabe")));
        assertThat(readHex(channel)).isEqualTo("ff03c02109010008cafebabe");
        channel.writeOutbound(new PppFrame(PppProtocol.IPCP, buffer("01010004")));
        assertThat(readHex(channel)).isEqualTo("802101010004");
        assertThat(channel.finish()).isFalse();
    }

    private static String readHex(EmbeddedChannel channel) {
        ByteBuf out = channel.readOutbound();
        try {
            return ByteBufUtil.hexDump(out);
        } finally {
            out.release();
        }
    }
}
