package net.pptpgw.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

class OctetsTest {

    @Test
    void comparesByContentAndCannotBeChangedFromOutside() {
        byte[] source = {1, 2, 3};
        Octets octets = Octets.of(source);
        source[0] = 9;
        octets.toByteArray()[1] = 9;
        assertThat(octets).isEqualTo(Octets.fromHex("010203")).hasSameHashCodeAs(Octets.fromHex("010203"));
        assertThat(octets).isNotEqualTo(Octets.fromHex("0102"));
        assertThat(octets.toString()).isEqualTo("0x010203");
        assertThat(octets.get(2)).isEqualTo(3);
        assertThat(Octets.of()).isSameAs(Octets.EMPTY);
    }

    @Test
    void readsAndWritesBuffers() {
        ByteBuf in = Unpooled.wrappedBuffer(new byte[] {(byte) 0xff, 0x7f, 0});
        assertThat(Octets.read(in, 2)).isEqualTo(Octets.fromHex("ff7f"));
        assertThat(in.readableBytes()).isEqualTo(1);
        assertThat(Octets.read(in, 0)).isSameAs(Octets.EMPTY);
        ByteBuf out = Unpooled.buffer();
        Octets.fromHex("80ff").writeTo(out);
        assertThat(out.readUnsignedShort()).isEqualTo(0x80ff);
        assertThat(Octets.fromHex("80ff").get(0)).isEqualTo(0x80);
    }
}
