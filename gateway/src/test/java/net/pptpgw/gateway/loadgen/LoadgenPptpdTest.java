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
 * {@code pptp-gateway loadgen} against real pptpd, with {@code pptp-gateway ppp} as pptpd's ppp
 * program, in namespaces {@code pg-lg-srv}/{@code pg-lg-cli} (root only; see
 * {@code loadgen_pptpd.sh}). Five MS-CHAPv2 + MPPE-128 sessions from five source addresses of an AnyIP range all
 * reach network up, ICMP echo inside the tunnels is answered, the JSON report says so and the
 * exit status is 0; GRE on the wire comes from each session's own source address and tshark
 * finds nothing malformed. A wrong password is reported as {@code auth-failed}, exit status 1.
 */
class LoadgenPptpdTest {

    @Test
    void fiveSessionsThroughPptpdAndAWrongPassword(@TempDir Path work) throws IOException, InterruptedException {
        EndToEndScript.assumeRootWith("pptpd", "ip", "unshare", "tshark");
        Path script = Path.of("src/test/resources/net/pptpgw/gateway/loadgen/loadgen_pptpd.sh").toAbsolutePath();
        EndToEndScript.Result run = EndToEndScript.run(work, Map.of(), 280, script, EndToEndScript.gatewayCommand(),
                work.toString());
        String output = run.output();
        assertThat(run.finished()).as(output).isTrue();
        assertThat(run.exitValue()).as(output).isZero();
        assertThat(output).contains("LOADGEN-SCRIPT-DONE");

        String run1 = Files.readString(work.resolve("run1.json"), StandardCharsets.UTF_8);
        assertThat(output).as("run 1 exit status").contains("--- run 1: five sessions\nexit 0");
        assertThat(EndToEndScript.number(run1, "established")).as(run1).isEqualTo(5);
        assertThat(EndToEndScript.number(run1, "failed")).as(run1).isZero();
        assertThat(EndToEndScript.number(run1, "heldAtEnd")).as(run1).isEqualTo(5);
        assertThat(EndToEndScript.number(run1, "teardownIncomplete")).as(run1).isZero();
        assertThat(EndToEndScript.number(run1, "controlConnections")).as(run1).isEqualTo(5);
        assertThat(EndToEndScript.number(run1, "echoReplies")).as(run1).isPositive();
        // Lost replies only at the very end of the hold, when teardown starts.
        assertThat(EndToEndScript.number(run1, "echoReplies")).as(run1).isGreaterThanOrEqualTo(EndToEndScript.number(run1, "echoRequests") - 5);
        assertThat(run1).contains("\"failures\": {}").contains("\"lostDuringHold\": {}");
        assertThat(output).contains("loadgen ").contains("up 5");

        String run2 = Files.readString(work.resolve("run2.txt"), StandardCharsets.UTF_8);
        assertThat(output).as("run 2 exit status").contains("--- run 2: wrong password\nexit 1");
        assertThat(run2).containsPattern("failed: auth-failed +1").contains("0 established");

        assertThat(output).contains("malformed: 0");
        assertThat(output).contains("gre sources: 10.99.3.250 10.99.3.251 10.99.3.252 10.99.3.253 10.99.3.254 192.0.2.2");
        assertThat(ExternalTools.run(List.of("ip", "netns", "list"), "", 5)).doesNotContain("pg-lg-");
    }
}
