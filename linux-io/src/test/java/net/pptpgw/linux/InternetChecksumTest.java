package net.pptpgw.linux;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class InternetChecksumTest {

    private static ByteBuf hex(String hex) {
        return Unpooled.wrappedBuffer(HexFormat.of().parseHex(hex));
    }

    /** RFC 1071 §3's numerical example: 00 01 f2 03 f4 f5 f6 f7 sums to ddf2 (one's complement 220d). */
    @Test
    void rfc1071Example() {
        ByteBuf data = hex("0001f203f4f5f6f7");
        assertThat(InternetChecksum.fold(InternetChecksum.sum(data, 0, 8))).isEqualTo(0xddf2);
        assertThat(InternetChecksum.checksum(data, 0, 8)).isEqualTo(0x220d);
    }

    /** An odd last octet is padded with zero; the eight-octet steps give what two-octet steps give. */
    @Test
    void oddLengthsAndOffsets() {
        ByteBuf data = hex("ff0001f203f4f5f6f7ab");
        assertThat(InternetChecksum.checksum(data, 1, 9)).isEqualTo(~(0xddf2 + 0xab00 - 0xffff) & 0xffff);
        assertThat(InternetChecksum.checksum(data, 1, 8)).isEqualTo(0x220d);
    }

    /** A real IPv4 header (20 octets) with its checksum in place sums to a checksum of zero. */
    @Test
    void aHeaderWithItsChecksumChecksToZero() {
        ByteBuf header = hex("450000730000400040110000c0a80001c0a800c7");
        int checksum = InternetChecksum.checksum(header, 0, 20);
        assertThat(checksum).isEqualTo(0xb861);
        header.setShort(10, checksum);
        assertThat(InternetChecksum.checksum(header, 0, 20)).isZero();
    }
}
