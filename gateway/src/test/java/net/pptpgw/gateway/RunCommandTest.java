package net.pptpgw.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import net.pptpgw.linux.NetworkNamespace;
import net.pptpgw.linux.ThreadScheduling;
import net.pptpgw.nathelper.CallMapping;
import net.pptpgw.protocol.pptp.OutgoingCallReply;
import net.pptpgw.protocol.pptp.OutgoingCallResult;
import net.pptpgw.protocol.pptp.StartControlConnectionResult;
import net.pptpgw.protocol.testing.ExternalTools;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code pptp-gateway run --config FILE}: both sections in one process, and a file checked whole before anything starts. */
class RunCommandTest {

    private static final String NS = "pg-run-gw";
    private static final String WAN_IP = "10.79.0.1";
    private static final String CONCENTRATOR_IP = "10.79.0.2";
    private static final String LAN_IP = "10.79.0.3";

    @TempDir
    Path dir;

    private Path file(String yaml) throws IOException {
        return Files.writeString(dir.resolve("gateway.yaml"), yaml);
    }

    private static RunCommand.Plan plan(Path file) {
        CommandLine.ParseResult result = Main.commandLine().parseArgs("run", "--config", file.toString());
        return ((RunCommand) result.subcommand().commandSpec().userObject()).plan();
    }

    private static String usageError(Path file) {
        StringWriter err = new StringWriter();
        int status = Main.commandLine().setErr(new PrintWriter(err)).execute("run", "--config", file.toString());
        assertThat(status).as(err.toString()).isEqualTo(2);
        return err.toString();
    }

    @Test
    void theSampleFilePlansBothSectionsAndOneEndpoint() throws Exception {
        // The sample as written, but with a secrets file that exists here.
        Path secrets = Files.writeString(dir.resolve("chap-secrets"), "alice pptpd secret *\n");
        RunCommand.Plan plan = plan(file(Files.readString(Path.of("..", "samples", "gateway.yaml"))
                .replace("/etc/ppp/chap-secrets", secrets.toString())));
        assertThat(plan.natHelper()).hasValueSatisfying(c -> {
            assertThat(c.wanAddress().getHostAddress()).isEqualTo("198.18.0.1");
            assertThat(c.relayScheduling()).isEqualTo(ThreadScheduling.realtime(10));
        });
        assertThat(plan.concentrator()).hasValueSatisfying(c -> {
            assertThat(c.control().listen()).isEqualTo(new InetSocketAddress("198.18.0.1", 1723));
            assertThat(c.control().hostName()).isEqualTo("pptpd");
            assertThat(c.gre()).isTrue();
            assertThat(c.pool().size()).isEqualTo(241);
            assertThat(c.secrets().entries()).hasSize(1);
            assertThat(c.policy().dns()).extracting(a -> a.getHostAddress()).containsExactly("10.0.0.1");
            assertThat(c.tun()).isEqualTo("pptpgw%d");
        });
        assertThat(plan.metrics()).isEqualTo(new InetSocketAddress("127.0.0.1", 9723));
    }

    @Test
    void aBadFileStopsEverySectionFromStarting() throws Exception {
        assertThat(usageError(file("")))
                .contains("gateway.yaml: nothing to run: add a nat-helper or a concentrator section");
        assertThat(usageError(file("nat-helper:\n  transparent: true\n  wan-address: 198.18.0.1\n"
                + "  metrics: 127.0.0.1:9723\n")))
                .contains("gateway.yaml line 4: nat-helper.metrics: one endpoint serves every section under `run`");
        assertThat(usageError(file("nat-helper:\n  wan-address: 198.18.0.1\n")))
                .contains("gateway.yaml line 2: nat-helper: no mode given: --transparent or --explicit SERVER");
        assertThat(usageError(file("concentrator:\n  listen: 198.18.0.1\n  pool: [10.0.0.0/24, 10.1.0.0/33]\n")))
                .contains("gateway.yaml line 3: concentrator.pool[1]: range '10.1.0.0/33': prefix length must be 0..32");
        assertThat(usageError(file("concentrator:\n  listen: 198.18.0.x:1723\n")))
                .contains("gateway.yaml line 2: concentrator.listen: '198.18.0.x:1723': '198.18.0.x' is not an IPv4 address");
        assertThat(usageError(file("concentrator:\n  listen: 198.18.0.1\n")))
                .contains("gateway.yaml line 2: concentrator.pool: PPP sessions need addresses");
        assertThat(usageError(file("concentrator:\n  no-gre: true\n  metrics: 127.0.0.1:9723\n")))
                .contains("gateway.yaml line 3: concentrator.metrics: one endpoint serves every section under `run`");
        assertThat(usageError(file("concentrator:\n  no-gre: true\n  tun-mtu: 100\n")))
                .contains("gateway.yaml line 3: concentrator.tun-mtu: 100 is not in 576..1500");
        assertThat(usageError(file("metrics: 9723\nconcentrator:\n  listen: 198.18.0.1\n  no-gre: true\n")))
                .contains("gateway.yaml line 1: metrics: '9723' is not HOST:PORT");
    }

    /**
     * The executable's {@code run} in this JVM, in a network namespace of its own: a client calls
     * through the NAT helper (explicit mode, upstream the concentrator's address) and gets a call
     * whose IDs the helper translated, while a second client is answered by the concentrator on
     * its own address. The concentrator is the full one, as {@code pptp-gateway concentrator}
     * starts it: both calls get a PPP session and a pool address, the pool is routed to its TUN,
     * and the admin endpoint serves. One metrics endpoint shows both sections.
     */
    @Test
    void runsTheNatHelperBesideTheConcentrator() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "needs root for a network namespace");
        ExternalTools.require("ip");
        ExternalTools.require("nft");
        sh("ip netns del " + NS + " 2>/dev/null || true");
        sh("ip netns add " + NS);
        try (NetworkNamespace commandThread = NetworkNamespace.enter(NS);
                NetworkNamespace clientThread = NetworkNamespace.enter(NS)) {
            sh("ip -n " + NS + " link set lo up");
            for (String ip : List.of(WAN_IP, CONCENTRATOR_IP, LAN_IP)) {
                sh("ip -n " + NS + " addr add " + ip + "/32 dev lo");
            }
            int metricsPort = 19723;
            Path secrets = Files.writeString(dir.resolve("chap-secrets"), "* test-pac guest *\n");
            Path config = file("""
                    metrics: 127.0.0.1:%d
                    nat-helper:
                      lan-address: %s
                      wan-address: %s
                      explicit: %s
                      realtime-priority: 5
                    concentrator:
                      listen: %s:1723
                      name: test-pac
                      secrets: %s
                      pool: [10.80.0.1-10.80.0.10, 10.81.0.0/30]
                      tun: pgrun%%d
                      admin: 127.0.0.1:11724
                    """.formatted(metricsPort, LAN_IP, WAN_IP, CONCENTRATOR_IP, CONCENTRATOR_IP, secrets));
            CommandLine main = Main.commandLine();
            StringWriter err = new StringWriter();
            main.setErr(new PrintWriter(err));
            RunCommand command = (RunCommand) main.getSubcommands().get("run").getCommand();
            CompletableFuture<Integer> exit = commandThread.submit(() -> main.execute("run", "--config", config.toString()));
            RunCommand.Services services = command.awaitRunning(Duration.ofSeconds(30));
            assertThat(services).as("run started; stderr: %s", err).isNotNull();
            assertThat(services.concentratorAddress()).isEqualTo(new InetSocketAddress(CONCENTRATOR_IP, 1723));
            try {
                // Through the helper: its control proxy on the LAN address, the concentrator behind it.
                PptpTestClient viaHelper = clientThread.call(() -> client(new InetSocketAddress(LAN_IP, 1723)));
                PptpTestClient direct = clientThread.call(() -> client(new InetSocketAddress(CONCENTRATOR_IP, 1723)));
                try (viaHelper; direct) {
                    assertThat(viaHelper.start().resultCode()).isEqualTo(StartControlConnectionResult.SUCCESSFUL);
                    OutgoingCallReply relayed = viaHelper.call(0x4242);
                    assertThat(relayed.resultCode()).isEqualTo(OutgoingCallResult.CONNECTED);
                    assertThat(relayed.peerCallId()).as("the client's own call ID, translated back").isEqualTo(0x4242);

                    assertThat(direct.start().hostName()).isEqualTo("test-pac");
                    OutgoingCallReply answered = direct.call(0x4242);
                    assertThat(answered.resultCode()).isEqualTo(OutgoingCallResult.CONNECTED);
                    assertThat(answered.peerCallId()).isEqualTo(0x4242);

                    List<CallMapping> mappings = services.natHelper().mappings().snapshot();
                    assertThat(mappings).hasSize(1);
                    CallMapping mapping = mappings.getFirst();
                    assertThat(mapping.client().getHostAddress()).isEqualTo(LAN_IP);
                    assertThat(mapping.clientCallId()).isEqualTo(0x4242);
                    assertThat(mapping.server().getHostAddress()).isEqualTo(CONCENTRATOR_IP);
                    assertThat(mapping.serverCallId()).isEqualTo(relayed.callId());

                    // The full concentrator: a PPP session for each call, addresses from the pool
                    // (and its first for the server), a TUN the pool is routed to, the admin endpoint.
                    String metrics = "";
                    for (int i = 0; i < 100 && !metrics.contains("pptp_sessions{state=\"establish\"} 2.0"); i++) {
                        Thread.sleep(100);
                        metrics = clientThread.call(() -> scrape(metricsPort));
                    }
                    assertThat(metrics).contains("pptp_nat_mappings_live 1.0", "pptp_calls_active 2.0",
                            "pptp_control_connections{state=\"established\"} 2.0", "pptp_gre_sessions 2.0",
                            "pptp_sessions{state=\"establish\"} 2.0", "pptp_pool_allocated 3.0");
                    ConcentratorRuntime concentrator = services.concentrator();
                    assertThat(concentrator.sessions().list()).extracting(s -> s.callId())
                            .containsExactlyInAnyOrder(relayed.callId(), answered.callId());
                    assertThat(concentrator.tunName()).startsWith("pgrun");
                    assertThat(sh("ip -n " + NS + " route show dev " + concentrator.tunName()))
                            .contains("10.80.0.1 ", "10.80.0.10 ", "10.81.0.1 ", "10.81.0.2 ");
                    assertThat(concentrator.admin().address()).isEqualTo(new InetSocketAddress("127.0.0.1", 11724));
                }
            } finally {
                command.requestStop();
                assertThat(exit.get(30, TimeUnit.SECONDS)).isZero();
            }
            assertThat(services.concentrator().sessions().size()).as("every session ended at shutdown").isZero();
        } finally {
            sh("ip netns del " + NS + " 2>/dev/null || true");
        }
        // Nothing the sections did in the namespace may leave a JVM-wide thread there (the common
        // pool once got one through the mapping table's Caffeine, and every later test bound there).
        String here = networkNamespace();
        String pool = CompletableFuture.supplyAsync(() -> {
            try {
                return networkNamespace();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }).get(10, TimeUnit.SECONDS);
        assertThat(pool).as("network namespace of a common-pool thread").isEqualTo(here);
    }

    private static String networkNamespace() throws IOException {
        return Files.readSymbolicLink(Path.of("/proc/thread-self/ns/net")).toString();
    }

    private static PptpTestClient client(InetSocketAddress server) throws IOException {
        try {
            return new PptpTestClient(server);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    private static String scrape(int port) throws IOException {
        try {
            return ConcentratorCommandTest.scrape(port);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    private static String sh(String command) {
        return ExternalTools.run(List.of("sh", "-c", command), null, 10);
    }
}
