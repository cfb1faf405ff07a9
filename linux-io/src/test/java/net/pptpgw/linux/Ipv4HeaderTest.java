package net.pptpgw.linux;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.HexFormat;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.pptpgw.protocol.testing.Fuzz;
import net.pptpgw.protocol.testing.Packets;
import org.junit.jupiter.api.Test;

class Ipv4HeaderTest {

    @Test
    void readsAPacketBuiltIndependently() {
        byte[] gre = Packets.enhancedGre(0x0102, 5L, null, new byte[] {1, 2, 3});
        ByteBuf datagram = Unpooled.wrappedBuffer(
                Packets.ipv4Gre(Packets.address(192, 0, 2, 1), Packets.address(198, 51, 100, 7), gre));

        assertThat(Ipv4Header.headerLength(datagram)).isEqualTo(20);
        assertThat(Ipv4Header.protocol(datagram)).isEqualTo(47);
        assertThat(Ipv4Header.totalLength(datagram)).isEqualTo(20 + gre.length);
        assertThat(Ipv4Header.source(datagram)).isEqualTo(0xC0000201);
        assertThat(Ipv4Header.destination(datagram)).isEqualTo(0xC6336407);
        assertThat(Ipv4Header.format(Ipv4Header.source(datagram))).isEqualTo("192.0.2.1");
    }

    @Test
    void headerWithOptionsMovesThePayload() {
        // IHL 6: one 4-byte option (NOP NOP NOP EOL) before the payload (RFC 791 §3.1).
        ByteBuf datagram = Unpooled.wrappedBuffer(HexFormat.of().parseHex(
                "46000020000040004" + "02f0000" + "0a000001" + "0a000002" + "01010100" + "2001880b00000000"));
        assertThat(Ipv4Header.headerLength(datagram)).isEqualTo(24);
        assertThat(datagram.getUnsignedShort(24 + 2)).isEqualTo(0x880b);
    }

    @Test
    void readsFromTheReaderIndex() {
        ByteBuf datagram = Unpooled.buffer().writeZero(3)
                .writeBytes(Packets.ipv4Gre(Packets.address(10, 0, 0, 1), Packets.address(10, 0, 0, 2), new byte[8]));
        datagram.skipBytes(3);
        assertThat(Ipv4Header.headerLength(datagram)).isEqualTo(20);
        assertThat(Ipv4Header.format(Ipv4Header.destination(datagram))).isEqualTo("10.0.0.2");
    }

    @Test
    void rejectsWhatIsNotAWholeIpv4Header() {
        String valid = "4500001c0000400040" + "2f0000" + "0a000001" + "0a000002" + "2001880b00000000";
        assertThat(Ipv4Header.headerLength(hex(valid))).isEqualTo(20);
        assertThat(Ipv4Header.headerLength(hex("6" + valid.substring(1)))).as("version 6").isEqualTo(-1);
        assertThat(Ipv4Header.headerLength(hex("44" + valid.substring(2)))).as("IHL 4").isEqualTo(-1);
        assertThat(Ipv4Header.headerLength(hex("4f" + valid.substring(2)))).as("IHL 15, 28 bytes").isEqualTo(-1);
        assertThat(Ipv4Header.headerLength(hex(valid.substring(0, 38)))).as("19 bytes").isEqualTo(-1);
        assertThat(Ipv4Header.headerLength(Unpooled.EMPTY_BUFFER)).isEqualTo(-1);
    }

    @Test
    void addressConvertsToTheSameInt() throws Exception {
        assertThat(Ipv4Header.toInt((Inet4Address) InetAddress.getByName("10.202.0.254"))).isEqualTo(0x0ACA00FE);
        assertThat(Ipv4Header.format(0xFFFFFFFF)).isEqualTo("255.255.255.255");
    }

    /** Total: any bytes give -1 or a length inside them, and the accessors then stay inside too. */
    @Property
    void neverReadsOutsideTheBytes(@ForAll byte[] bytes) {
        ByteBuf datagram = Unpooled.wrappedBuffer(bytes);
        int length = Ipv4Header.headerLength(datagram);
        if (length == -1) {
            return;
        }
        assertThat(length).isBetween(20, Math.min(60, bytes.length));
        Ipv4Header.source(datagram);
        Ipv4Header.destination(datagram);
        Ipv4Header.protocol(datagram);
        Ipv4Header.totalLength(datagram);
    }

    /** Random and mutated datagrams in exact-size buffers: nothing is read outside them. */
    @Test
    void fuzzedDatagramsNeverThrow() {
        byte[] gre = Packets.enhancedGre(9, 1L, 1L, new byte[] {(byte) 0xff, 0x03, 0x00, 0x21});
        List<byte[]> seeds = List.of(
                Packets.ipv4Gre(Packets.address(10, 0, 0, 1), Packets.address(10, 0, 0, 2), gre),
                HexFormat.of().parseHex("4600002000004000402f00000a0000010a00000201010100" + "2001880b00000000"));
        Fuzz.run("ipv4-header", seeds, datagram -> {
            int length = Ipv4Header.headerLength(datagram);
            if (length != -1) {
                assertThat(length).isBetween(Ipv4Header.MIN_LENGTH, datagram.readableBytes());
                Ipv4Header.source(datagram);
                Ipv4Header.destination(datagram);
                Ipv4Header.protocol(datagram);
                Ipv4Header.totalLength(datagram);
            }
        });
    }

    private static ByteBuf hex(String hex) {
        return Unpooled.wrappedBuffer(HexFormat.of().parseHex(hex));
    }
}
