package net.pptpgw.gateway.concentrator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import net.pptpgw.gateway.Main;
import net.pptpgw.protocol.testing.ExternalTools;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The concentrator's end-to-end test (issue 5), root only: {@code pptp-gateway concentrator} in
 * namespace {@code pg-cc-srv}, five real {@code pptp --nolaunchpppd} clients in {@code pg-cc-cli1..5}
 * with {@code pptp-gateway ppp} as their PPP, a host namespace {@code pg-cc-hst} behind the
 * concentrator's TUN. MS-CHAPv2 + MPPE-128 (stateless) for four (one user with a fixed address
 * from chap-secrets), PAP without MPPE for the fifth. Each client pings the host and
 * runs iperf3 to it (bounded, all at once); every client has its own address; tshark on the GRE
 * link finds no malformed frame. Then a wrong password (E=691, the call and its address
 * released), a client hanging up (its session, call and address released) and SIGTERM (every
 * client's PPP goes down), each checked on the Prometheus endpoint or the clients' logs. The
 * script removes its namespaces and processes however it ends.
 */
class FiveRealClientsTest {

    @Test
    void fiveRealClientsGetWorkingTunnels(@TempDir Path work) throws IOException, InterruptedException {
        assumeTrue("0".equals(ExternalTools.run(List.of("id", "-u"), "", 5).strip()), "needs root");
        for (String program : List.of("pptp", "ip", "unshare", "tshark", "iperf3", "curl", "ping", "sysctl")) {
            ExternalTools.require(program);
        }
        ExternalTools.requireFile("/usr/bin/python3", "python3");
        Path script = Path.of("src/test/resources/net/pptpgw/gateway/concentrator/five_clients.sh").toAbsolutePath();
        Path relay = Path.of("../concentrator/src/test/resources/net/pptpgw/concentrator/realpeer/pty_relay.py")
                .toAbsolutePath().normalize();
        String gateway = ProcessHandle.current().info().command().orElseThrow()
                + " --enable-native-access=ALL-UNNAMED -cp " + System.getProperty("java.class.path") + " "
                + Main.class.getName();
        Process process = new ProcessBuilder("bash", script.toString(), gateway, relay.toString(), work.toString())
                .redirectErrorStream(true)
                .redirectOutput(work.resolve("script.out").toFile())
                .start();
        boolean finished = process.waitFor(240, TimeUnit.SECONDS);
        if (!finished) {
            // The script's children first (bash runs its TERM trap only once the foreground child
            // is gone), then the script, whose trap removes the namespaces.
            process.descendants().forEach(ProcessHandle::destroy);
            process.destroy();
            process.waitFor(20, TimeUnit.SECONDS);
        }
        String output = Files.readString(work.resolve("script.out"), StandardCharsets.UTF_8);
        String concentratorLog = Files.exists(work.resolve("concentrator.log"))
                ? Files.readString(work.resolve("concentrator.log"), StandardCharsets.UTF_8) : "(no log)";
        assertThat(finished).as(output).isTrue();
        assertThat(process.exitValue()).as("%s%n--- concentrator.log%n%s", output, concentratorLog).isZero();
        assertThat(output).contains("FIVE-CLIENTS-OK").contains("E=691 R=0");
        assertThat(output.lines().filter(line -> line.contains("3 received, 0% packet loss"))).hasSize(5);
        assertThat(ExternalTools.run(List.of("ip", "netns", "list"), "", 5)).doesNotContain("pg-cc-");
    }
}
