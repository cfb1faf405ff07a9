package net.pptpgw.gateway.inspect;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import net.pptpgw.gateway.Main;
import net.pptpgw.protocol.testing.ExternalTools;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code pptp-gateway inspect} run in-process as the launcher runs it, output captured. */
class InspectCommandTest {

    private static final Path ONE_CALL = Path.of("src/test/resources/captures/one-call.pcap");
    private static final Path GRE_BLOCKED = Path.of("src/test/resources/captures/gre-blocked.pcap");

    @TempDir
    Path dir;

    private record Run(int exit, String out, String err) {}

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine commandLine = Main.commandLine();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        int exit = commandLine.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    void textReportStartsWithTheSummaryAndHasABlockPerConnectionAndCall() {
        Run run = run("inspect", ONE_CALL.toString());

        assertThat(run.exit()).isZero();
        assertThat(run.err()).isEmpty();
        List<String> lines = run.out().lines().toList();
        assertThat(lines.get(0)).isEqualTo(ONE_CALL + ": pcap, 67 frames, 5.064 s");
        assertThat(lines.get(1)).isEqualTo("1 control connection(s), 1 call(s) (1 connected), 9 control message(s),"
                + " 47 GRE packet(s) (0 unmatched), 1 anomaly");
        assertThat(run.out())
                .contains("Control connection 1: client 10.99.0.2:41185 -> server 10.99.0.1:1723 (client is PNS, server is PAC)")
                .contains("     9    1.000790  server Outgoing-Call-Reply: call ID 0, peer call ID 27903, result Connected(1)")
                .contains("  Call 1.1: outgoing, PNS call ID 27903, PAC call ID 0: cleared")
                .contains("    GRE client -> server (key call ID 0): 23 packets (19 data, 4 ack-only)")
                .contains("    GRE server -> client (key call ID 27903): 24 packets (20 data, 4 ack-only)")
                .contains("LCP   Configure-Request id 1: Maximum-Receive-Unit=1400, Magic-Number=0x53525652")
                .contains("    PPP packets from server: LCP Configure-Request 1, LCP Configure-Ack 1, LCP Echo-Request 9,"
                        + " LCP Echo-Reply 8, LCP Terminate-Ack 1")
                .doesNotContain("seq 0 ack"); // frames are listed with --verbose only
    }

    @Test
    void greBlockedShowsTheAnomalyInTheSummaryAndWithItsExplanation() {
        Run run = run("inspect", GRE_BLOCKED.toString());

        assertThat(run.exit()).isZero();
        assertThat(run.out()).contains("  ! frame 9: gre-missing\n")
                .contains("  frame 9 (1.000808 s) gre-missing: no GRE from server 10.99.0.1 to client 10.99.0.2 (call ID 64877)")
                .contains("    GRE server -> client (key call ID 64877): none");
    }

    @Test
    void verboseListsEveryGrePacketWithItsPppFrame() {
        Run run = run("inspect", "--verbose", ONE_CALL.toString());

        assertThat(run.exit()).isZero();
        List<String> frames = run.out().lines().filter(line -> line.matches(" +\\d+ +[0-9.]+  10\\.99\\.0\\.\\d -> .*")).toList();
        assertThat(frames).hasSize(47);
        assertThat(run.out()).contains("    11    1.018581  10.99.0.1 -> 10.99.0.2 call ID 27903 seq 0: LCP Configure-Request id 1:"
                + " Maximum-Receive-Unit=1400, Magic-Number=0x53525652");
    }

    @Test
    void jsonIsValidAndHoldsTheModel() throws IOException {
        Run run = run("inspect", "--json", ONE_CALL.toString());

        assertThat(run.exit()).isZero();
        ExternalTools.require("python3");
        String checked = ExternalTools.run(List.of("python3", "-c", String.join("\n",
                "import json, sys",
                "r = json.load(sys.stdin)",
                "c = r['controlConnections'][0]",
                "call = c['calls'][0]",
                "print(r['frames'], r['summary']['grePackets'], c['pns'], [m['abbreviation'] for m in c['messages']][:4],",
                "      call['pnsCallId'], call['pacCallId'], call['clientToServer']['packets'], call['serverToClient']['packets'],",
                "      call['ppp']['packetCounts']['client']['LCP Echo-Request'], [a['kind'] for a in r['anomalies']])")),
                run.out(), 60);
        assertThat(checked.strip()).isEqualTo("67 47 client ['SCCRQ', 'SCCRP', 'OCRQ', 'OCRP'] 27903 0 23 24 8 ['call-cleared-without-cdn']");
        Path file = Files.writeString(dir.resolve("report.json"), run.out());
        ExternalTools.run(List.of("python3", "-m", "json.tool", file.toString()), null, 60);
    }

    @Test
    void unreadableFilesExitWith2AndSayWhy() throws IOException {
        Path garbage = Files.write(dir.resolve("garbage.pcap"), "this is not a capture\n".getBytes());
        Path truncated = Files.write(dir.resolve("truncated.pcap"), Arrays.copyOf(Files.readAllBytes(ONE_CALL), 20));
        Path firstRecordCut = Files.write(dir.resolve("cut.pcap"), Arrays.copyOf(Files.readAllBytes(ONE_CALL), 24 + 10));

        Run run = run("inspect", garbage.toString());
        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.out()).isEmpty();
        assertThat(run.err()).startsWith("pptp-gateway inspect: " + garbage + ": not a readable pcap or pcapng capture: pcap unknown-format");

        assertThat(run("inspect", truncated.toString())).satisfies(r -> {
            assertThat(r.exit()).isEqualTo(2);
            assertThat(r.err()).contains(truncated + ": not a readable pcap or pcapng capture");
        });
        assertThat(run("inspect", firstRecordCut.toString())).satisfies(r -> {
            assertThat(r.exit()).isEqualTo(2);
            assertThat(r.err()).contains(firstRecordCut + ": not a readable pcap or pcapng capture");
        });
        assertThat(run("inspect", dir.resolve("missing.pcap").toString())).satisfies(r -> {
            assertThat(r.exit()).isEqualTo(2);
            assertThat(r.err()).isEqualTo("pptp-gateway inspect: " + dir.resolve("missing.pcap") + ": no such file\n");
        });
    }

    @Test
    void captureCutAfterSomeFramesIsAnalysedWithTheCutAsAnAnomaly() throws IOException {
        byte[] pcap = Files.readAllBytes(ONE_CALL);
        Path cut = Files.write(dir.resolve("cut.pcap"), Arrays.copyOf(pcap, pcap.length - 30));

        Run run = run("inspect", cut.toString());

        assertThat(run.exit()).isZero();
        assertThat(run.out()).contains("capture-file: ").contains("truncated-record");
    }

    @Test
    void helpDescribesTheCommand() {
        Run run = run("inspect", "--help");

        assertThat(run.exit()).isZero();
        assertThat(run.out()).startsWith("Usage: pptp-gateway inspect [-hvV] [--json] FILE")
                .contains("GRE blocked?", "--json", "--verbose", "Exit status: 0 when the capture was analysed");
        assertThat(run("help").out()).contains("inspect");
    }
}
