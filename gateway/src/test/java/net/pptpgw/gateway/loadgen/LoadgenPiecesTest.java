package net.pptpgw.gateway.loadgen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import net.pptpgw.gateway.Main;
import net.pptpgw.gateway.JsonWriter;
import net.pptpgw.linux.InternetChecksum;
import net.pptpgw.protocol.ppp.fsm.AuthenticationMethod;
import net.pptpgw.protocol.ppp.fsm.CcpSettings;
import net.pptpgw.protocol.ppp.fsm.MppeStrength;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Source ranges, ICMP packets, percentiles, the report's text and JSON, and the command line. */
class LoadgenPiecesTest {

    @Test
    void sourceRangesInTheirThreeForms() {
        SourceRange range = SourceRange.parse("10.1.0.254-10.1.1.1");
        assertThat(range.size()).isEqualTo(4);
        assertThat(range.get(0).getHostAddress()).isEqualTo("10.1.0.254");
        assertThat(range.get(2).getHostAddress()).isEqualTo("10.1.1.0");
        assertThat(range.get(4).getHostAddress()).isEqualTo("10.1.0.254"); // round-robin
        SourceRange cidr = SourceRange.parse("10.2.0.0/30");
        assertThat(cidr.size()).isEqualTo(2);
        assertThat(cidr.get(0).getHostAddress()).isEqualTo("10.2.0.1");
        assertThat(cidr.get(1).getHostAddress()).isEqualTo("10.2.0.2");
        assertThat(SourceRange.parse("10.3.0.7").get(99).getHostAddress()).isEqualTo("10.3.0.7");
        assertThatThrownBy(() -> SourceRange.parse("10.1.0.9-10.1.0.1")).hasMessageContaining("ends before");
        assertThatThrownBy(() -> SourceRange.parse("10.1.0/24")).hasMessageContaining("dotted-quad");
        assertThatThrownBy(() -> SourceRange.parse("10.1.0.300")).hasMessageContaining("octet");
    }

    @Test
    void echoRequestIsByteExact() throws Exception {
        ByteBuf packet = IcmpEcho.request(UnpooledByteBufAllocator.DEFAULT, 40, address("10.78.0.2"),
                address("10.78.0.1"), 3, 1);
        assertThat(packet.readerIndex()).isEqualTo(40);
        String hex = ByteBufUtil.hexDump(packet);
        // IPv4: length 60, ID 1, TTL 64, ICMP, checksum over the header; ICMP type 8, id 3, seq 1, payload 00..1f.
        assertThat(hex).startsWith("4500003c00010000" + "4001").contains("0a4e00020a4e0001" + "0800");
        assertThat(hex.substring(48, 56)).isEqualTo("00030001");
        assertThat(InternetChecksum.checksum(packet, 40, 20)).as("IPv4 header checksum verifies").isZero();
        assertThat(InternetChecksum.checksum(packet, 60, 40)).as("ICMP checksum verifies").isZero();
        assertThat(IcmpEcho.isReply(packet, 3)).as("a request is not a reply").isFalse();
        packet.setByte(60, 0); // type 0: Echo Reply
        assertThat(IcmpEcho.isReply(packet, 3)).isTrue();
        assertThat(IcmpEcho.isReply(packet, 4)).isFalse();
        packet.release();
    }

    @Property(tries = 200)
    void checksumOfDataWithItsChecksumIsZero(@ForAll @Size(min = 2, max = 64) byte[] data) {
        ByteBuf buf = UnpooledByteBufAllocator.DEFAULT.heapBuffer(data.length + 3);
        buf.writeBytes(data);
        if ((data.length & 1) == 1) {
            buf.writeByte(0); // RFC 1071: an odd length is padded with a zero octet
        }
        int at = buf.writerIndex();
        buf.writeShort(0);
        buf.setShort(at, InternetChecksum.checksum(buf, 0, at + 2));
        assertThat(InternetChecksum.checksum(buf, 0, at + 2)).isZero();
        buf.release();
    }

    @Property(tries = 200)
    void percentilesAreOrderedAndWithinTheSamples(@ForAll @Size(min = 1, max = 300) long[] raw,
            @ForAll @IntRange(min = 1, max = 100) int p) {
        long[] nanos = java.util.Arrays.stream(raw).map(Math::abs).map(v -> v % 10_000_000_000L).toArray();
        LoadReport.Latency latency = LoadReport.Latency.of(nanos, nanos.length);
        assertThat(latency.p50()).isLessThanOrEqualTo(latency.p90());
        assertThat(latency.p90()).isLessThanOrEqualTo(latency.p99());
        assertThat(latency.p99()).isLessThanOrEqualTo(latency.max());
        long[] sorted = nanos.clone();
        java.util.Arrays.sort(sorted);
        assertThat(LoadReport.Latency.percentile(sorted, p)).isBetween(sorted[0], sorted[sorted.length - 1]);
    }

    @Test
    void nearestRankPercentiles() {
        long[] hundred = new long[100];
        for (int i = 0; i < 100; i++) {
            hundred[i] = (i + 1) * 1_000_000L; // 1..100 ms
        }
        LoadReport.Latency latency = LoadReport.Latency.of(hundred, 100);
        assertThat(latency.p50()).isEqualTo(50.0);
        assertThat(latency.p90()).isEqualTo(90.0);
        assertThat(latency.p99()).isEqualTo(99.0);
        assertThat(latency.max()).isEqualTo(100.0);
        assertThat(latency.mean()).isEqualTo(50.5);
    }

    @Test
    void reportTextAndJson() {
        LoadReport report = new LoadReport(10, 10, 8, 2, Map.of("auth-failed", 2), "network", 5, 4.5,
                new LoadReport.Latency(10, 20, 30, 40, 15), 8, Map.of(), new LoadReport.Traffic(1, 80, 79), 10, 0,
                12.5, 3.25);
        assertThat(report.success()).isFalse();
        assertThat(report.text()).contains("10 requested, 10 attempted, 8 established (network), 2 failed")
                .contains("p50 10.0  p90 20.0  p99 30.0  max 40.0").containsPattern("failed: auth-failed +2")
                .contains("80 echo requests, 79 replies");
        String json = JsonWriter.write(report, false);
        assertThat(json).contains("\"established\":8").contains("\"failures\":{\"auth-failed\":2}")
                .contains("\"setupLatencyMs\":{\"p50\":10").contains("\"echoReplies\":79");
    }

    @Test
    void commandLineBuildsTheSettings(@TempDir Path dir) throws Exception {
        Path password = dir.resolve("pw");
        Files.writeString(password, "secret-%d\n");
        CommandLine line = Main.commandLine();
        CommandLine.ParseResult parsed = line.parseArgs("loadgen", "--server", "192.0.2.1", "--sessions", "7",
                "--rate", "2.5", "--hold", "3s", "--timeout", "500ms", "--password-file", password.toString(),
                "--source", "10.9.0.0/24", "--calls-per-connection", "4", "--stage", "CALL", "--traffic", "2",
                "--auth", "mschap,pap", "--mppe", "allow", "--mppe-bits", "40,128");
        LoadgenCommand command = (LoadgenCommand) parsed.subcommand().commandSpec().userObject();
        LoadGenerator.Settings settings = command.settings();
        assertThat(settings.server().getPort()).isEqualTo(1723);
        assertThat(settings.sessions()).isEqualTo(7);
        assertThat(settings.rate()).isEqualTo(2.5);
        assertThat(settings.hold()).isEqualTo(Duration.ofSeconds(3));
        assertThat(settings.timeout()).isEqualTo(Duration.ofMillis(500));
        assertThat(settings.callsPerConnection()).isEqualTo(4);
        assertThat(settings.stage()).isEqualTo(LoadGenerator.Stage.CALL);
        assertThat(settings.sources().get(0).getHostAddress()).isEqualTo("10.9.0.1");
        assertThat(settings.client().stampSourceAddresses()).isTrue();
        assertThat(settings.client().control().replyTimeout()).isEqualTo(Duration.ofMillis(500));
        var ppp = settings.ppp().apply(12);
        assertThat(ppp.credentials().orElseThrow().user()).isEqualTo("user12");
        assertThat(ppp.credentials().orElseThrow().password()).isEqualTo("secret-12");
        assertThat(ppp.lcp().authenticateToPeerWith()).containsExactly(AuthenticationMethod.MS_CHAP, AuthenticationMethod.PAP);
        assertThat(ppp.ccp()).isEqualTo(new CcpSettings(CcpSettings.Mppe.ALLOW,
                List.of(MppeStrength.BITS_128, MppeStrength.BITS_40),
                List.of(CcpSettings.Mode.STATEFUL, CcpSettings.Mode.STATELESS)));
    }

    @Test
    void usageErrorsExitWithTwo() {
        StringWriter err = new StringWriter();
        CommandLine line = Main.commandLine().setErr(new PrintWriter(err));
        assertThat(line.execute("loadgen", "--sessions", "3")).isEqualTo(2);
        assertThat(err.toString()).contains("--server");
        err.getBuffer().setLength(0);
        // PPP needs a password; the control and call stages do not.
        assertThat(line.execute("loadgen", "--server", "192.0.2.1")).isEqualTo(2);
        assertThat(err.toString()).contains("--password-file");
    }

    private static Inet4Address address(String text) throws Exception {
        return (Inet4Address) InetAddress.getByName(text);
    }
}
