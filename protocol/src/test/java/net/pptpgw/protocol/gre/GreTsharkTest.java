package net.pptpgw.protocol.gre;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import net.pptpgw.protocol.ppp.PppHeader;
import net.pptpgw.protocol.testing.Packets;
import net.pptpgw.protocol.testing.Tshark;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * tshark judges every GRE variant this project sends, each carrying a PPP frame encoded with
 * and without ACFC/PFC, built exactly as the data plane builds them: PPP header then GRE
 * header prepended into the buffer's headroom.
 */
class GreTsharkTest {

    private static final HexFormat HEX = HexFormat.of();
    private static final byte[] CLIENT = Packets.address(192, 0, 2, 1);
    private static final byte[] SERVER = Packets.address(198, 51, 100, 1);

    @TempDir
    Path dir;

    private record Variant(Long sequence, Long ack, int callId, int protocol, boolean acfc, boolean pfc, String information,
            String expectedAddress, String expectedProtocol) {}

    private static byte[] gre(Variant v) {
        byte[] information = HEX.parseHex(v.information);
        ByteBuf packet = Unpooled.buffer(GreHeader.MAX_LENGTH + PppHeader.MAX_LENGTH + information.length);
        int headroom = GreHeader.MAX_LENGTH + PppHeader.MAX_LENGTH;
        packet.writerIndex(headroom).readerIndex(headroom).writeBytes(information);
        GreHeader header = new GreHeader().callId(v.callId);
        if (v.protocol >= 0) {
            PppHeader.prependTo(packet, v.protocol, v.acfc, v.pfc);
        }
        if (v.sequence != null) {
            header.sequence(v.sequence);
        }
        if (v.ack != null) {
            header.acknowledgment(v.ack);
        }
        header.prependTo(packet);
        return ByteBufUtil.getBytes(packet);
    }

    @Test
    void tsharkDecodesEveryVariant() {
        String ipv4 = HEX.formatHex(Packets.ipv4(253, Packets.address(10, 0, 0, 1), Packets.address(10, 0, 0, 2),
                HEX.parseHex("0001020304")));
        List<Variant> variants = List.of(
                // data, S only, LCP Configure-Request: LCP keeps ff 03 even when ACFC is on
                new Variant(0L, null, 7, 0xC021, true, true, "01010004", "0xff", "0xc021"),
                // data and ack, call ID 0, IPv4 with ACFC and PFC: one protocol octet, no address
                new Variant(1L, 0L, 0, 0x0021, true, true, ipv4, "", "0x0021"),
                // acknowledgment only (RFC 2637 §4.4)
                new Variant(null, 0xFFFF_FFFFL, 0, -1, false, false, "", "", ""),
                // sequence at the wrap point, CCP with ACFC only
                new Variant(0xFFFF_FFFFL, 0x7FFF_FFFFL, 0xFFFF, 0x80FD, true, false, "01010004", "", "0x80fd"),
                // compressed datagram (MPPE) with PFC only
                new Variant(0x8000_0000L, null, 1, 0x00FD, false, true, "9001aabbccdd", "0xff", "0x00fd"),
                // PAP Authenticate-Ack without address/control
                new Variant(2L, 1L, 128, 0xC023, true, false, "0201000500", "", "0xc023"),
                // IPv6CP Configure-Request (Interface-Identifier), full header
                new Variant(3L, 2L, 256, 0x8057, false, false, "0101000e010a1122334455667788", "0xff", "0x8057"),
                // acknowledgment only, everything zero
                new Variant(null, 0L, 0, -1, false, false, "", "", ""));

        List<byte[]> packets = new ArrayList<>();
        for (Variant v : variants) {
            packets.add(Packets.ipv4Gre(CLIENT, SERVER, gre(v)));
        }
        Path pcap = Tshark.writePcap(dir, packets);
        List<Map<String, String>> rows = Tshark.fields(pcap, "gre.flags.sequence_number", "gre.flags.ack",
                "gre.flags.key", "gre.flags.checksum", "gre.flags.routing", "gre.flags.version", "gre.proto",
                "gre.key.payload_length", "gre.key.call_id", "gre.sequence_number", "gre.ack_number",
                "ppp.address", "ppp.protocol");

        assertThat(rows).hasSize(variants.size());
        for (int i = 0; i < variants.size(); i++) {
            Variant v = variants.get(i);
            int pppLength = v.protocol < 0 ? 0 : PppHeader.headerLength(v.protocol, v.acfc, v.pfc) + v.information.length() / 2;
            assertThat(rows.get(i)).as("frame %d: %s", i + 1, v)
                    .containsEntry("gre.flags.sequence_number", v.sequence != null ? "1" : "0")
                    .containsEntry("gre.flags.ack", v.ack != null ? "1" : "0")
                    .containsEntry("gre.flags.key", "1")
                    .containsEntry("gre.flags.checksum", "0")
                    .containsEntry("gre.flags.routing", "0")
                    .containsEntry("gre.flags.version", "1")
                    .containsEntry("gre.proto", "0x880b")
                    .containsEntry("gre.key.payload_length", String.valueOf(pppLength))
                    .containsEntry("gre.key.call_id", String.valueOf(v.callId))
                    .containsEntry("gre.sequence_number", v.sequence != null ? String.valueOf(v.sequence) : "")
                    .containsEntry("gre.ack_number", v.ack != null ? String.valueOf(v.ack) : "")
                    .containsEntry("ppp.address", v.expectedAddress)
                    .containsEntry("ppp.protocol", v.expectedProtocol);
        }
        assertThat(Tshark.problems(pcap)).as(() -> Tshark.verbose(pcap)).isEmpty();
    }

    @Test
    void tsharkSeesTheSameAsOurRecordEncoder() {
        // GrePacket/GreEncoder path: the same bytes as the in-place path for the same fields.
        Variant v = new Variant(5L, 4L, 42, 0xC021, false, false, "09010008cafebabe", "0xff", "0xc021");
        ByteBuf ppp = Unpooled.buffer();
        PppHeader.writeTo(ppp, v.protocol, false, false);
        ppp.writeBytes(HEX.parseHex(v.information));
        ByteBuf out = Unpooled.buffer();
        GrePacket.data(v.callId, v.sequence, v.ack, ppp).encode(out);
        assertThat(ByteBufUtil.getBytes(out)).isEqualTo(gre(v));

        Path pcap = Tshark.writePcap(dir, List.of(Packets.ipv4Gre(CLIENT, SERVER, ByteBufUtil.getBytes(out))));
        assertThat(Tshark.fields(pcap, "gre.key.call_id", "gre.sequence_number", "gre.ack_number", "ppp.code",
                "lcp.magic_number").getFirst())
                .containsEntry("gre.key.call_id", "42").containsEntry("gre.sequence_number", "5")
                .containsEntry("gre.ack_number", "4").containsEntry("ppp.code", "9")
                .containsEntry("lcp.magic_number", "0xcafebabe");
        assertThat(Tshark.problems(pcap)).isEmpty();
    }
}
