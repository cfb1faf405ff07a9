package net.pptpgw.gateway.loadgen;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import net.pptpgw.gateway.EndToEndScript;
import net.pptpgw.protocol.testing.ExternalTools;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code pptp-gateway loadgen} against the full {@code pptp-gateway concentrator} (control, GRE,
 * PPP, TUN), root only, through {@code benchmarks/concentrator-bench.sh check}: the two in
 * namespaces of their own ({@code pg-lt-cli}, {@code pg-lt-srv}: not the benchmark's {@code pg-cb-*}, so
 * that a benchmark run and this test do not take each other's), because each owns a raw GRE
 * socket and on one loopback each would read the other's GRE. 50 MS-CHAPv2 + MPPE-128 sessions,
 * five calls per control connection from ten AnyIP source addresses, all reach network up; ICMP
 * echo inside every tunnel is answered by the concentrator namespace's kernel through the TUN; after the
 * teardown the concentrator's metrics show no session, call or pool address left. Then one
 * session bridged to a TUN ({@code loadgen --tun}, the goodput benchmark's client) carries the
 * client namespace kernel's pings to the host namespace behind the concentrator. tshark finds
 * nothing malformed on the link. Keeps the benchmarks' paths working in CI.
 */
class LoadgenConcentratorNamespacesTest {

    private static final String NAMESPACES = "pg-lt";

    @Test
    void fiftySessionsReachNetworkUpAndCarryIcmp(@TempDir Path work) throws IOException, InterruptedException {
        EndToEndScript.assumeRootWith("ip", "tshark", "curl", "nft", "ping");
        Path script = Path.of("../benchmarks/concentrator-bench.sh").toAbsolutePath().normalize();
        String javaHome = Path.of(ProcessHandle.current().info().command().orElseThrow()).getParent().getParent().toString();
        EndToEndScript.Result run = EndToEndScript.run(work,
                Map.of("GW", EndToEndScript.gatewayCommand(), "WORK", work.toString(), "JAVA_HOME", javaHome,
                        "NS", NAMESPACES),
                240, script, "check", "50");
        String output = run.output();
        assertThat(run.finished()).as(output).isTrue();
        assertThat(run.exitValue()).as("%s%n--- concentrator.log%n%s", output, EndToEndScript.log(work, "concentrator.log"))
                .isZero();
        assertThat(output).contains("CONCENTRATOR-BENCH-OK").contains("loadgen exit 0");

        String report = Files.readString(work.resolve("check.json"), StandardCharsets.UTF_8);
        assertThat(EndToEndScript.number(report, "established")).as(report).isEqualTo(50);
        assertThat(EndToEndScript.number(report, "failed")).as(report).isZero();
        assertThat(EndToEndScript.number(report, "heldAtEnd")).as(report).isEqualTo(50);
        assertThat(EndToEndScript.number(report, "controlConnections")).as(report).isEqualTo(10);
        assertThat(EndToEndScript.number(report, "teardownIncomplete")).as(report).isZero();
        assertThat(report).contains("\"failures\": {}").contains("\"lostDuringHold\": {}");
        // 2 echoes/s per session for the 5 s hold; replies lost only at the very end, when teardown starts.
        assertThat(EndToEndScript.number(report, "echoReplies")).as(report).isGreaterThan(300)
                .isGreaterThanOrEqualTo(EndToEndScript.number(report, "echoRequests") - 50);
        assertThat(output).contains("metric pptp_sessions{state=\"up\"} = 0.0")
                .contains("metric pptp_calls_active = 0.0")
                .contains("metric pptp_pool_allocated = 0.0")
                .contains("sessions set up by the concentrator: 50.0")
                .contains("malformed: 0")
                .contains("gre sources: 11") // ten for the 50 sessions, one for the TUN session
                .contains("3 packets transmitted, 3 received, 0% packet loss");
        assertThat(ExternalTools.run(List.of("ip", "netns", "list"), "", 5)).doesNotContain(NAMESPACES + "-");
    }
}
