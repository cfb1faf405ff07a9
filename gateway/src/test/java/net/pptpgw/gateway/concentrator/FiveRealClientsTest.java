package net.pptpgw.gateway.concentrator;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import net.pptpgw.gateway.EndToEndScript;
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
        EndToEndScript.assumeRootWith("pptp", "ip", "unshare", "tshark", "iperf3", "curl", "ping", "sysctl");
        ExternalTools.requireFile("/usr/bin/python3", "python3");
        Path script = Path.of("src/test/resources/net/pptpgw/gateway/concentrator/five_clients.sh").toAbsolutePath();
        EndToEndScript.Result run = EndToEndScript.run(work, Map.of(), 240, script, EndToEndScript.gatewayCommand(),
                EndToEndScript.PTY_RELAY.toString(), work.toString());
        String output = run.output();
        assertThat(run.finished()).as(output).isTrue();
        assertThat(run.exitValue()).as("%s%n--- concentrator.log%n%s", output, EndToEndScript.log(work, "concentrator.log"))
                .isZero();
        assertThat(output).contains("FIVE-CLIENTS-OK").contains("E=691 R=0");
        assertThat(output.lines().filter(line -> line.contains("3 received, 0% packet loss"))).hasSize(5);
        assertThat(ExternalTools.run(List.of("ip", "netns", "list"), "", 5)).doesNotContain("pg-cc-");
    }
}
