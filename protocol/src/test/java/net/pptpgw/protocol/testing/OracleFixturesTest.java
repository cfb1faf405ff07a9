package net.pptpgw.protocol.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The oracles themselves work: scapy builds a PPTP message that tshark decodes inside a TCP flow. */
class OracleFixturesTest {

    @TempDir
    Path dir;

    @Test
    void scapyBuiltStartControlConnectionRequestDecodesInTshark() {
        byte[] sccrq = Scapy.build(List.of("PPTPStartControlConnectionRequest(host_name='oracle')")).getFirst();
        var flow = new Packets.TcpFlow(Packets.address(10, 0, 0, 1), 40000, Packets.address(10, 0, 0, 2), Packets.PPTP_PORT)
                .fromClient(sccrq);
        Path pcap = Tshark.writePcap(dir, flow.packets());

        var rows = Tshark.fields(pcap, "pptp.type", "pptp.host_name");
        assertThat(rows.getLast()).containsEntry("pptp.type", "1").containsEntry("pptp.host_name", "oracle");
        assertThat(Tshark.problems(pcap)).isEmpty();
    }

    @Test
    void truncatedMessageIsReportedAsProblem() {
        byte[] sccrq = Scapy.build(List.of("PPTPStartControlConnectionRequest()")).getFirst();
        byte[] broken = java.util.Arrays.copyOf(sccrq, 40);
        broken[1] = 40; // length says 40: shorter than the message type requires
        var flow = new Packets.TcpFlow(Packets.address(10, 0, 0, 1), 40000, Packets.address(10, 0, 0, 2), Packets.PPTP_PORT)
                .fromClient(broken);
        Path pcap = Tshark.writePcap(dir, flow.packets());

        assertThat(Tshark.problems(pcap)).isNotEmpty();
    }

    @Test
    void greWrappedLcpDecodes() {
        byte[] lcp = java.util.HexFormat.of().parseHex("ff03c02101010004");
        byte[] gre = Packets.enhancedGre(7, 0L, null, lcp);
        Path pcap = Tshark.writePcap(dir, List.of(Packets.ipv4Gre(Packets.address(10, 0, 0, 1), Packets.address(10, 0, 0, 2), gre)));

        var row = Tshark.fields(pcap, "gre.key.call_id", "gre.sequence_number", "ppp.code").getFirst();
        assertThat(row).containsEntry("gre.key.call_id", "7").containsEntry("gre.sequence_number", "0").containsEntry("ppp.code", "1");
        assertThat(Tshark.problems(pcap)).isEmpty();
    }
}
