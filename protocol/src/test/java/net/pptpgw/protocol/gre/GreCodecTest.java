package net.pptpgw.protocol.gre;

import static net.pptpgw.protocol.gre.GreHeaderTest.buffer;
import static net.pptpgw.protocol.gre.GreHeaderTest.hex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.OptionalLong;
import net.pptpgw.protocol.MalformedPacketException;
import org.junit.jupiter.api.Test;

/** {@link GrePacket} and the Netty {@link GreDecoder}/{@link GreEncoder} on an {@link EmbeddedChannel}. */
class GreCodecTest {

    @Test
    void packetDecodesEveryVariant() {
        GrePacket data = GrePacket.decode(buffer(GreHeaderTest.DATA));
        assertThat(data).isEqualTo(GrePacket.data(7, 0, buffer("ff03c02101010004")));
        assertThat(data.isAckOnly()).isFalse();

        GrePacket withAck = GrePacket.decode(buffer(GreHeaderTest.DATA_WITH_ACK));
        assertThat(withAck).isEqualTo(GrePacket.data(0, 1, 0, buffer("21450000")));

        GrePacket ack = GrePacket.decode(buffer(GreHeaderTest.ACK_ONLY));
        assertThat(ack).isEqualTo(GrePacket.ackOnly(0xFFFF, 0xFFFF_FFFFL));
        assertThat(ack.isAckOnly()).isTrue();

        GrePacket keyOnly = GrePacket.decode(buffer(GreHeaderTest.KEY_ONLY));
        assertThat(keyOnly).isEqualTo(new GrePacket(5, OptionalLong.empty(), OptionalLong.empty(), Unpooled.EMPTY_BUFFER));
        for (GrePacket p : new GrePacket[] {data, withAck, ack, keyOnly}) {
            p.release();
        }
    }

    @Test
    void packetPayloadIsARetainedSliceOfTheDatagram() {
        ByteBuf datagram = buffer(GreHeaderTest.DATA);
        GrePacket packet = GrePacket.decode(datagram);
        assertThat(datagram.refCnt()).isEqualTo(2);
        assertThat(packet.payload().readableBytes()).isEqualTo(8);
        packet.release();
        assertThat(datagram.refCnt()).isEqualTo(1);
    }

    @Test
    void packetEncodesByteExact() {
        for (String vector : new String[] {GreHeaderTest.DATA, GreHeaderTest.DATA_WITH_ACK, GreHeaderTest.ACK_ONLY,
                GreHeaderTest.WRAP, GreHeaderTest.KEY_ONLY}) {
            GrePacket packet = GrePacket.decode(buffer(vector));
            ByteBuf out = Unpooled.buffer();
            packet.encode(out);
            assertThat(hex(out)).isEqualTo(vector);
            assertThat(packet.encodedLength()).isEqualTo(vector.length() / 2);
            packet.release();
        }
    }

    @Test
    void packetRejectsInconsistentFields() {
        assertThatThrownBy(() -> new GrePacket(1, OptionalLong.empty(), OptionalLong.of(1), buffer("ff")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("sequence number");
        assertThatThrownBy(() -> GrePacket.ackOnly(0x10000, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> GrePacket.data(1, 1L << 32, Unpooled.EMPTY_BUFFER)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> GrePacket.data(1, 0, 1L << 32, Unpooled.EMPTY_BUFFER))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> GrePacket.data(1, 0, Unpooled.buffer(0x10000).writerIndex(0x10000)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void decoderTurnsDatagramsIntoPacketsAndSurvivesABadOne() {
        EmbeddedChannel channel = new EmbeddedChannel(new GreDecoder());
        assertThat(channel.writeInbound(buffer(GreHeaderTest.DATA))).isTrue();
        GrePacket first = channel.readInbound();
        assertThat(first.callId()).isEqualTo(7);
        first.release();

        ByteBuf bad = buffer("3002880b000000070000000000");
        assertThatThrownBy(() -> channel.writeInbound(bad))
                .isInstanceOfSatisfying(MalformedPacketException.class, e -> assertThat(e.reason()).isEqualTo("bad-version"));
        assertThat(bad.refCnt()).isZero(); // the decoder released the rejected datagram

        assertThat(channel.writeInbound(buffer(GreHeaderTest.ACK_ONLY))).isTrue();
        GrePacket ack = channel.readInbound();
        assertThat(ack.isAckOnly()).isTrue();
        assertThat(channel.finish()).isFalse();
    }

    @Test
    void encoderWritesOneDatagramPerPacket() {
        EmbeddedChannel channel = new EmbeddedChannel(new GreEncoder());
        ByteBuf payload = buffer("ff03c02101010004");
        assertThat(channel.writeOutbound(GrePacket.data(7, 0, payload), GrePacket.ackOnly(0xFFFF, 0xFFFF_FFFFL))).isTrue();
        ByteBuf data = channel.readOutbound();
        ByteBuf ack = channel.readOutbound();
        assertThat(hex(data)).isEqualTo(GreHeaderTest.DATA);
        assertThat(hex(ack)).isEqualTo(GreHeaderTest.ACK_ONLY);
        assertThat(payload.refCnt()).isZero(); // the encoder released the written packet
        data.release();
        ack.release();
        assertThat(channel.finish()).isFalse();
    }

    @Test
    void decoderAndEncoderRoundTripOnOneChannel() {
        EmbeddedChannel channel = new EmbeddedChannel(new GreDecoder(), new GreEncoder());
        channel.writeInbound(buffer(GreHeaderTest.WRAP));
        GrePacket packet = channel.readInbound();
        channel.writeOutbound(packet);
        ByteBuf out = channel.readOutbound();
        assertThat(hex(out)).isEqualTo(GreHeaderTest.WRAP);
        out.release();
        assertThat(channel.finish()).isFalse();
    }
}
