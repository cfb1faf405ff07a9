package net.pptpgw.protocol.ppp.mppe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.HexFormat;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.pptpgw.protocol.MalformedPacketException;
import net.pptpgw.protocol.testing.Fuzz;
import org.junit.jupiter.api.Test;

/** RFC 3078 §3: A (flushed) B C D (encrypted) and a 12-bit coherency count, in two octets. */
class MppeHeaderTest {

    @Test
    void encodesFlagsAndCountByteExact() {
        assertThat(encode(MppeHeader.of(MppeHeader.FLUSHED | MppeHeader.ENCRYPTED, 0))).isEqualTo("9000");
        assertThat(encode(MppeHeader.of(MppeHeader.ENCRYPTED, 1))).isEqualTo("1001");
        assertThat(encode(MppeHeader.of(MppeHeader.ENCRYPTED, 0xFFF))).isEqualTo("1fff");
        assertThat(encode(MppeHeader.of(MppeHeader.AT_FRONT | MppeHeader.COMPRESSED, 0x123))).isEqualTo("6123");
    }

    @Test
    void coherencyCountWrapsAt4096() {
        assertThat(MppeHeader.coherencyCount(MppeHeader.of(MppeHeader.ENCRYPTED, 4096))).isZero();
        assertThat(MppeHeader.coherencyCount(MppeHeader.of(MppeHeader.ENCRYPTED, 4097))).isEqualTo(1);
    }

    @Test
    void decodesEachBit() {
        int header = decode("9ffe");
        assertThat(MppeHeader.isFlushed(header)).isTrue();
        assertThat(MppeHeader.isAtFront(header)).isFalse();
        assertThat(MppeHeader.isCompressed(header)).isFalse();
        assertThat(MppeHeader.isEncrypted(header)).isTrue();
        assertThat(MppeHeader.coherencyCount(header)).isEqualTo(0xFFE);
        assertThat(MppeHeader.toString(header)).isEqualTo("MPPE[A D cc=4094]");
        assertThat(MppeHeader.toString(decode("6000"))).isEqualTo("MPPE[B C cc=0]");
    }

    @Test
    void rejectsATruncatedHeader() {
        assertThatThrownBy(() -> MppeHeader.decode(Unpooled.wrappedBuffer(new byte[] {(byte) 0x90})))
                .isInstanceOfSatisfying(MalformedPacketException.class, e -> {
                    assertThat(e.protocol()).isEqualTo("mppe");
                    assertThat(e.reason()).isEqualTo("truncated-header");
                });
        assertThatThrownBy(() -> MppeHeader.of(0x0800, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Property
    void roundTrips(@ForAll boolean a, @ForAll boolean b, @ForAll boolean c, @ForAll boolean d,
            @ForAll @IntRange(max = 4095) int count) {
        int flags = (a ? MppeHeader.FLUSHED : 0) | (b ? MppeHeader.AT_FRONT : 0)
                | (c ? MppeHeader.COMPRESSED : 0) | (d ? MppeHeader.ENCRYPTED : 0);
        int header = MppeHeader.of(flags, count);
        int decoded = decode(encode(header));
        assertThat(decoded).isEqualTo(header);
        assertThat(MppeHeader.isFlushed(decoded)).isEqualTo(a);
        assertThat(MppeHeader.isAtFront(decoded)).isEqualTo(b);
        assertThat(MppeHeader.isCompressed(decoded)).isEqualTo(c);
        assertThat(MppeHeader.isEncrypted(decoded)).isEqualTo(d);
        assertThat(MppeHeader.coherencyCount(decoded)).isEqualTo(count);
    }

    @Test
    void fuzz() {
        Fuzz.run("mppe-header", List.of(HexFormat.of().parseHex("9000"), HexFormat.of().parseHex("1fff0102")), in -> {
            int header = MppeHeader.decode(in);
            ByteBuf out = Unpooled.buffer(2);
            MppeHeader.encode(header, out);
            assertThat(MppeHeader.of(header & 0xF000, header)).isEqualTo(header);
            out.release();
        });
    }

    private static String encode(int header) {
        ByteBuf out = Unpooled.buffer();
        MppeHeader.encode(header, out);
        return ByteBufUtil.hexDump(out);
    }

    private static int decode(String hex) {
        ByteBuf in = Unpooled.wrappedBuffer(HexFormat.of().parseHex(hex));
        int header = MppeHeader.decode(in);
        assertThat(in.readerIndex()).isEqualTo(2);
        return header;
    }
}
