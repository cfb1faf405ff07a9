package net.pptpgw.protocol.ppp.hdlc;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import net.pptpgw.protocol.testing.ExternalTools;
import net.pptpgw.protocol.testing.Packets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * tshark judges what the encoder writes: its {@code ppp_raw_hdlc} dissector undoes the octet
 * stuffing itself and checks the FCS, so every frame must come out with "FCS Status: Good",
 * the expected protocol and code, and no malformed or error mark.
 */
class HdlcTsharkTest {

    /** tcpdump's LINKTYPE_USER0; tshark's user_dlts table maps it to a dissector by name. */
    private static final int LINKTYPE_USER0 = 147;
    private static final String USER_DLT = "uat:user_dlts:\"User 0 (DLT=147)\",\"ppp_raw_hdlc\",\"0\",\"\",\"0\",\"\"";

    @TempDir
    Path dir;

    /** One frame of every kind pppd/pptp send on the pty, as hex. */
    private static List<String> frames() {
        HexFormat hex = HexFormat.of();
        // An IPv4 packet with flag, escape and control octets in its payload.
        byte[] ip = Packets.ipv4(253, Packets.address(10, 0, 0, 1), Packets.address(10, 0, 0, 2),
                hex.parseHex("7e7d11130001027f"));
        return List.of(
                HdlcVectors.LCP_CONFIGURE_REQUEST,                                  // LCP Configure-Request
                "ff03c02109030008cafebabe",                                         // LCP Echo-Request
                "ff03c02105020004",                                                 // LCP Terminate-Request
                "ff03c0230101000c04" + hex.formatHex("user".getBytes(StandardCharsets.US_ASCII))
                        + "02" + hex.formatHex("pw".getBytes(StandardCharsets.US_ASCII)), // PAP Authenticate-Request
                "ff03802101010010030600000000810600000000",                         // IPCP Configure-Request: address, DNS
                "ff0380fd0101000a1206010000e0",                                     // CCP Configure-Request: MPPE
                "ff030021" + hex.formatHex(ip));                                    // IPv4
    }

    @Test
    void tsharkAcceptsEveryFrameWithFcs16() throws IOException {
        judge(Fcs.FCS_16, "16-Bit");
    }

    @Test
    void tsharkAcceptsEveryFrameWithFcs32() throws IOException {
        judge(Fcs.FCS_32, "32-Bit");
    }

    private void judge(Fcs fcs, String fcsPreference) throws IOException {
        ExternalTools.require("tshark");
        List<byte[]> records = new ArrayList<>();
        int[] accms = {AsyncHdlc.DEFAULT_ACCM, 0, 0x000A0000};
        List<String> frames = frames();
        for (int accm : accms) {
            EmbeddedChannel channel = new EmbeddedChannel(new HdlcFrameEncoder(fcs).transmitAccm(accm));
            for (String frame : frames) {
                channel.writeOutbound(Unpooled.wrappedBuffer(HexFormat.of().parseHex(frame)));
                ByteBuf wire = channel.readOutbound();
                records.add(ByteBufUtil.getBytes(wire));
                wire.release();
            }
        }
        Path pcap = writeUserDltPcap(records);
        List<String> options = List.of("-o", USER_DLT, "-o", "ppp.fcs_type:" + fcsPreference);

        List<String> rows = tshark(pcap, options, "-T", "fields", "-E", "separator=;", "-E", "occurrence=f",
                "-e", "ppp.protocol", "-e", "ppp.code", "-e", "pap.peer_id", "-e", "ppp.fcs.status");
        List<String> expected = new ArrayList<>();
        for (int accm : accms) {
            expected.addAll(List.of("0xc021;1;;1", "0xc021;9;;1", "0xc021;5;;1", "0xc023;;user;1", "0x8021;1;;1",
                    "0x80fd;1;;1", "0x0021;;;1"));
        }
        assertThat(rows).as(() -> verbose(pcap, options)).containsExactlyElementsOf(expected);

        List<String> problems = tshark(pcap, options, "-Y", "_ws.malformed || _ws.expert.severity >= warning",
                "-T", "fields", "-e", "frame.number", "-e", "_ws.expert.message");
        assertThat(problems).as(() -> verbose(pcap, options)).isEmpty();
    }

    private Path writeUserDltPcap(List<byte[]> records) throws IOException {
        ByteBuffer file = ByteBuffer.allocate(24 + records.stream().mapToInt(r -> 16 + r.length).sum())
                .order(ByteOrder.LITTLE_ENDIAN);
        file.putInt(0xa1b2c3d4).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0).putInt(65535)
                .putInt(LINKTYPE_USER0);
        int second = 0;
        for (byte[] record : records) {
            file.putInt(second++).putInt(0).putInt(record.length).putInt(record.length).put(record);
        }
        Path pcap = Files.createTempFile(dir, "hdlc", ".pcap");
        Files.write(pcap, file.array());
        return pcap;
    }

    private static List<String> tshark(Path pcap, List<String> options, String... arguments) {
        List<String> command = new ArrayList<>(List.of("tshark", "-n", "-r", pcap.toString()));
        command.addAll(options);
        command.addAll(List.of(arguments));
        return ExternalTools.run(command, null, 60).lines().filter(l -> !l.isBlank()).toList();
    }

    private static String verbose(Path pcap, List<String> options) {
        List<String> command = new ArrayList<>(List.of("tshark", "-n", "-V", "-r", pcap.toString()));
        command.addAll(options);
        return ExternalTools.run(command, null, 60);
    }
}
