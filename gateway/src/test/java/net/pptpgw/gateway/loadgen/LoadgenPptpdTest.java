package net.pptpgw.gateway.loadgen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.pptpgw.gateway.Main;
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
        assumeTrue("0".equals(ExternalTools.run(List.of("id", "-u"), "", 5).strip()), "needs root");
        for (String program : List.of("pptpd", "ip", "unshare", "tshark")) {
            ExternalTools.require(program);
        }
        Path script = Path.of("src/test/resources/net/pptpgw/gateway/loadgen/loadgen_pptpd.sh").toAbsolutePath();
        String gateway = ProcessHandle.current().info().command().orElseThrow()
                + " --enable-native-access=ALL-UNNAMED -cp " + System.getProperty("java.class.path") + " "
                + Main.class.getName();
        Process process = new ProcessBuilder("bash", script.toString(), gateway, work.toString())
                .redirectErrorStream(true)
                .redirectOutput(work.resolve("script.out").toFile())
                .start();
        boolean finished = process.waitFor(280, TimeUnit.SECONDS);
        if (!finished) {
            process.descendants().forEach(ProcessHandle::destroy);
            process.destroy();
            process.waitFor(15, TimeUnit.SECONDS);
        }
        String output = Files.readString(work.resolve("script.out"), StandardCharsets.UTF_8);
        assertThat(finished).as(output).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
        assertThat(output).contains("LOADGEN-SCRIPT-DONE");

        String run1 = Files.readString(work.resolve("run1.json"), StandardCharsets.UTF_8);
        assertThat(output).as("run 1 exit status").contains("--- run 1: five sessions\nexit 0");
        assertThat(number(run1, "established")).as(run1).isEqualTo(5);
        assertThat(number(run1, "failed")).as(run1).isZero();
        assertThat(number(run1, "heldAtEnd")).as(run1).isEqualTo(5);
        assertThat(number(run1, "teardownIncomplete")).as(run1).isZero();
        assertThat(number(run1, "controlConnections")).as(run1).isEqualTo(5);
        assertThat(number(run1, "echoReplies")).as(run1).isPositive();
        // Lost replies only at the very end of the hold, when teardown starts.
        assertThat(number(run1, "echoReplies")).as(run1).isGreaterThanOrEqualTo(number(run1, "echoRequests") - 5);
        assertThat(run1).contains("\"failures\": {}").contains("\"lostDuringHold\": {}");
        assertThat(output).contains("loadgen ").contains("up 5");

        String run2 = Files.readString(work.resolve("run2.txt"), StandardCharsets.UTF_8);
        assertThat(output).as("run 2 exit status").contains("--- run 2: wrong password\nexit 1");
        assertThat(run2).containsPattern("failed: auth-failed +1").contains("0 established");

        assertThat(output).contains("malformed: 0");
        assertThat(output).contains("gre sources: 10.99.3.250 10.99.3.251 10.99.3.252 10.99.3.253 10.99.3.254 192.0.2.2");
        assertThat(ExternalTools.run(List.of("ip", "netns", "list"), "", 5)).doesNotContain("pg-lg-");
    }

    private static long number(String json, String key) {
        Matcher m = Pattern.compile("\"" + key + "\": (\\d+)").matcher(json);
        assertThat(m.find()).as(key + " in " + json).isTrue();
        return Long.parseLong(m.group(1));
    }
}
