package net.pptpgw.gateway.ppp;

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
 * Real pptpd with {@code pptp-gateway ppp} as its ppp program, real {@code pptp --nolaunchpppd}
 * with {@code pptp-gateway ppp} as its client, in namespaces {@code pg-ppp-srv}/{@code pg-ppp-cli}
 * (root only). MS-CHAPv2 + MPPE-128: both TUNs up with the negotiated addresses, the client's
 * ping reaches the server's TUN, an unbounded 5-second iperf3 TCP run (35-65 Mbit/s here) crosses
 * and the call survives it (no link down, ping still answered), and tshark on the veth sees CCP
 * with the 128-bit bit and only 0x00FD data frames afterwards. Each namespace drops outgoing ICMP
 * protocol-unreachable: see the script for why pptp/pptpd need that at full speed. The script removes its
 * namespaces and processes however it ends.
 */
class RealPptpTest {

    @Test
    void pptpdAndPptpCarryIpOverOurPpp(@TempDir Path work) throws IOException, InterruptedException {
        EndToEndScript.assumeRootWith("pptpd", "pptp", "ip", "unshare", "tshark", "iperf3", "stty");
        ExternalTools.requireFile("/usr/bin/python3", "python3");
        Path script = Path.of("src/test/resources/net/pptpgw/gateway/ppp/real_pptp.sh").toAbsolutePath();
        EndToEndScript.Result run = EndToEndScript.run(work, Map.of("IPERF", "1"), 150, script,
                EndToEndScript.gatewayCommand(), EndToEndScript.PTY_RELAY.toString(), work.toString());
        String output = run.output();
        assertThat(run.finished()).as(output).isTrue();
        assertThat(run.exitValue()).as(output).isZero();
        assertThat(output).contains("3 received").contains("REAL-PPTP-OK");
        assertThat(ExternalTools.run(List.of("ip", "netns", "list"), "", 5)).doesNotContain("pg-ppp-");
    }
}
