package net.pptpgw.gateway.ppp;

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
        assumeTrue("0".equals(ExternalTools.run(List.of("id", "-u"), "", 5).strip()), "needs root");
        for (String program : List.of("pptpd", "pptp", "ip", "unshare", "tshark", "iperf3", "stty")) {
            ExternalTools.require(program);
        }
        ExternalTools.requireFile("/usr/bin/python3", "python3");
        Path script = Path.of("src/test/resources/net/pptpgw/gateway/ppp/real_pptp.sh").toAbsolutePath();
        Path relay = Path.of("../concentrator/src/test/resources/net/pptpgw/concentrator/realpeer/pty_relay.py")
                .toAbsolutePath().normalize();
        String gateway = ProcessHandle.current().info().command().orElseThrow()
                + " --enable-native-access=ALL-UNNAMED -cp " + System.getProperty("java.class.path") + " "
                + Main.class.getName();
        ProcessBuilder builder = new ProcessBuilder("bash", script.toString(), gateway, relay.toString(), work.toString())
                .redirectErrorStream(true)
                .redirectOutput(work.resolve("script.out").toFile());
        builder.environment().put("IPERF", "1");
        Process process = builder.start();
        boolean finished = process.waitFor(150, TimeUnit.SECONDS);
        if (!finished) {
            // The script's children first (bash runs its TERM trap only once the foreground child
            // is gone), then the script, whose trap removes the namespaces.
            process.descendants().forEach(ProcessHandle::destroy);
            process.destroy();
            process.waitFor(15, TimeUnit.SECONDS);
        }
        String output = Files.readString(work.resolve("script.out"), StandardCharsets.UTF_8);
        assertThat(finished).as(output).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
        assertThat(output).contains("3 received").contains("REAL-PPTP-OK");
        assertThat(ExternalTools.run(List.of("ip", "netns", "list"), "", 5)).doesNotContain("pg-ppp-");
    }
}
