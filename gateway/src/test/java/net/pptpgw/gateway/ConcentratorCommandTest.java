package net.pptpgw.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import net.pptpgw.concentrator.ConcentratorConfig;
import net.pptpgw.linux.IpCommand;
import net.pptpgw.linux.NetworkNamespace;
import net.pptpgw.protocol.pptp.CallDisconnectNotify;
import net.pptpgw.protocol.pptp.CallDisconnectResult;
import net.pptpgw.protocol.pptp.GeneralErrorCode;
import net.pptpgw.protocol.pptp.OutgoingCallReply;
import net.pptpgw.protocol.pptp.OutgoingCallResult;
import net.pptpgw.protocol.pptp.StartControlConnectionReply;
import net.pptpgw.protocol.pptp.StartControlConnectionResult;
import net.pptpgw.protocol.pptp.StopControlConnectionReason;
import net.pptpgw.protocol.pptp.StopControlConnectionReply;
import net.pptpgw.protocol.pptp.StopControlConnectionRequest;
import net.pptpgw.protocol.pptp.StopControlConnectionResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ConcentratorCommandTest {

    @TempDir
    Path dir;

    private static ConcentratorCommand parse(String... args) {
        CommandLine.ParseResult result = Main.commandLine().parseArgs(args);
        return (ConcentratorCommand) result.subcommand().commandSpec().userObject();
    }

    @Test
    void everyFlagReachesTheConfiguration() throws Exception {
        Path secrets = Files.writeString(dir.resolve("chap-secrets"), "alice vpn \"a secret\" 10.0.0.20\n");
        ConcentratorCommand command = parse("concentrator", "--listen", "192.0.2.1:11723", "--pool",
                "10.0.0.10-10.0.0.20", "--pool", "10.1.0.0/24", "--secrets", secrets.toString(), "--name", "vpn",
                "--metrics", "127.0.0.1:9724", "--max-connections", "100", "--max-calls", "200",
                "--max-calls-per-connection", "3", "--max-half-open", "7", "--connection-rate", "0.5",
                "--connection-burst", "4", "--echo-interval", "30s", "--shutdown-grace", "250ms");
        ConcentratorConfig config = command.config();
        assertThat(config.listen()).isEqualTo(new InetSocketAddress(InetAddress.getByName("192.0.2.1"), 11723));
        assertThat(config.hostName()).isEqualTo("vpn");
        assertThat(List.of(config.maxControlConnections(), config.maxCalls(), config.maxCallsPerConnection(),
                config.maxHalfOpen(), config.connectionBurstPerSource())).containsExactly(100, 200, 3, 7, 4);
        assertThat(config.connectionsPerSecondPerSource()).isEqualTo(0.5);
        assertThat(config.echoInterval()).isEqualTo(Duration.ofSeconds(30));
        assertThat(config.shutdownGrace()).isEqualTo(Duration.ofMillis(250));
        assertThat(command.pool().size()).isEqualTo(11 + 254);
        assertThat(command.secrets().lookup("alice", "vpn").orElseThrow().secret()).isEqualTo("a secret");
        assertThat(command.metrics).isEqualTo(new InetSocketAddress("127.0.0.1", 9724));

        ConcentratorConfig defaults = parse("concentrator").config();
        assertThat(defaults.listen()).isEqualTo(new InetSocketAddress(InetAddress.getByName("0.0.0.0"), 1723));
        assertThat(defaults.withHostName(ConcentratorConfig.defaults().hostName()))
                .isEqualTo(ConcentratorConfig.defaults().withListen(InetAddress.getByName("0.0.0.0"), 1723));
    }

    @Test
    void configurationErrorsNameTheFlagAndExitWith2() throws Exception {
        Path bad = Files.writeString(dir.resolve("chap-secrets"), "# users\nalice vpn\n");
        assertUsageError("--pool: range '10.0.0.9-10.0.0.1': the last address is below the first",
                "--pool", "10.0.0.9-10.0.0.1");
        assertUsageError("--pool: range '10.0.0.0/24' overlaps", "--pool", "10.0.0.5", "--pool", "10.0.0.0/24");
        assertUsageError("--secrets: " + bad + ":2: expected client, server and secret, got 2 fields",
                "--secrets", bad.toString());
        assertUsageError("--secrets: cannot read " + dir.resolve("missing"), "--secrets",
                dir.resolve("missing").toString());
        assertUsageError("--listen: 'vpn.example:1723': 'vpn.example' is not an IPv4 address",
                "--listen", "vpn.example:1723");
        assertUsageError("--listen: '10.0.0.1:99999': port must be 0..65535", "--listen", "10.0.0.1:99999");
        assertUsageError("--max-calls: maxCalls must be 1..65536, got 0", "--max-calls", "0");
        assertUsageError("--connection-rate: connectionsPerSecondPerSource must be a positive number",
                "--connection-rate", "-1");
        assertUsageError("--echo-interval: echoInterval must be positive", "--echo-interval", "0s");
        assertUsageError("--shutdown-grace: shutdownGrace must not be negative", "--shutdown-grace=-PT1S");
        assertUsageError("--name: hostName must be at most 64", "--name", "x".repeat(65));
        assertUsageError("Invalid value for option '--max-calls'", "--max-calls", "many");
    }

    @Test
    void helpSaysWhatRunsAndWhatDoesNotYet() {
        StringWriter out = new StringWriter();
        assertThat(Main.commandLine().setOut(new PrintWriter(out)).execute("concentrator", "--help")).isZero();
        assertThat(out.toString()).contains("Usage: pptp-gateway concentrator", "--listen=ADDR[:PORT]",
                "--pool=RANGE", "--secrets=FILE", "--metrics=HOST:PORT", "--max-calls=N", "--no-gre",
                "--tun=NAME", "--auth=METHOD", "--mppe=POLICY", "--mppe-bits=BITS", "--dns=A.B.C.D",
                "--wins=A.B.C.D", "--local-address=A.B.C.D", "Every call gets a PPP session", "SIGTERM");
        // The defaults the help promises are the ones the configuration really has.
        ConcentratorConfig defaults = ConcentratorConfig.defaults();
        assertThat(out.toString().replaceAll("\\s+", " ")).contains(
                "at once (default: " + defaults.maxControlConnections() + ")",
                "at most 65536 (default: " + defaults.maxCalls() + ")",
                "may hold (default: " + defaults.maxCallsPerConnection() + ")",
                "oldest (default: " + defaults.maxHalfOpen() + ")",
                "source address (default: " + (int) defaults.connectionsPerSecondPerSource() + ")",
                "applies (default: " + defaults.connectionBurstPerSource() + ")",
                "(default: " + defaults.echoInterval().toSeconds() + "s, RFC 2637",
                "disconnected; 0s disconnects at once (default: " + defaults.shutdownGrace().toSeconds() + "s)");
        StringWriter top = new StringWriter();
        Main.commandLine().setOut(new PrintWriter(top)).execute("--help");
        assertThat(top.toString()).contains("concentrator");
    }

    /**
     * The command as the executable runs it, in this process on loopback: a real TCP client gets
     * its control connection and a call, the metrics endpoint shows both, and stopping the
     * command ends the call and the connection the way RFC 2637 §2.3 and §2.13 say.
     */
    @Test
    void servesARealClientAndShutsDownCleanly() throws Exception {
        // In a namespace of its own: the command makes a TUN and routes the pool to it.
        String namespace = "pg-cc-cmd-" + ProcessHandle.current().pid();
        IpCommand.inCallerNamespace().run("netns", "add", namespace);
        try (NetworkNamespace server = NetworkNamespace.enter(namespace);
                NetworkNamespace client = NetworkNamespace.enter(namespace)) {
            IpCommand.inNamespace(namespace).linkUp("lo");
            servesARealClientAndShutsDownCleanly(server, client);
        } finally {
            IpCommand.inCallerNamespace().run("netns", "del", namespace);
        }
    }

    private void servesARealClientAndShutsDownCleanly(NetworkNamespace server, NetworkNamespace inside)
            throws Exception {
        int port = freePort();
        int metricsPort = freePort();
        Path secrets = Files.writeString(dir.resolve("chap-secrets"), "* * guest\n");
        CommandLine main = Main.commandLine();
        StringWriter err = new StringWriter();
        main.setErr(new PrintWriter(err));
        ConcentratorCommand command = (ConcentratorCommand) main.getSubcommands().get("concentrator").getCommand();
        CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> main.execute("concentrator",
                "--listen", "127.0.0.1:" + port, "--pool", "10.0.0.10-10.0.0.250", "--secrets", secrets.toString(),
                "--metrics", "127.0.0.1:" + metricsPort, "--echo-interval", "60s", "--tun", "pgcmd%d"), server);
        try {
            servesARealClient(command, exit, inside, port, metricsPort, err);
        } finally {
            command.requestStop(); // whatever failed, the namespace's thread must get its command back
            exit.get(20, java.util.concurrent.TimeUnit.SECONDS);
        }
        assertThat(command.sessions().size()).isZero();
    }

    private void servesARealClient(ConcentratorCommand command, CompletableFuture<Integer> exit,
            NetworkNamespace inside, int port, int metricsPort, StringWriter err) throws Exception {
        InetSocketAddress bound = command.awaitRunning(Duration.ofSeconds(20));
        assertThat(bound).as("command running; stderr: %s", err).isEqualTo(new InetSocketAddress("127.0.0.1", port));
        try (PptpTestClient client = inside(inside, () -> new PptpTestClient(bound))) {
            StartControlConnectionReply sccrp = client.start();
            assertThat(sccrp.resultCode()).isEqualTo(StartControlConnectionResult.SUCCESSFUL);
            assertThat(sccrp.hostName()).isEqualTo("pptpd");
            OutgoingCallReply ocrp = client.call(0x1234);
            assertThat(ocrp.resultCode()).isEqualTo(OutgoingCallResult.CONNECTED);
            assertThat(ocrp.peerCallId()).isEqualTo(0x1234);
            assertThat(ocrp.callId()).isNotZero();

            // The call holds an address (and the server its own, the pool's first) and its PPP
            // session negotiates; the GRE state and the session are made on the GRE loop, so wait for them.
            String metrics = "";
            for (int i = 0; i < 100 && !metrics.contains("pptp_sessions{state=\"establish\"} 1.0"); i++) {
                Thread.sleep(100);
                metrics = inside(inside, () -> scrape(metricsPort));
            }
            assertThat(metrics).contains("pptp_control_connections{state=\"established\"} 1.0",
                    "pptp_calls_active 1.0", "pptp_gre_sessions 1.0", "pptp_pool_allocated 2.0",
                    "pptp_sessions{state=\"establish\"} 1.0");
            assertThat(command.sessions().list()).singleElement()
                    .satisfies(session -> assertThat(session.callId()).isEqualTo(ocrp.callId()));

            command.requestStop();
            CallDisconnectNotify cdn = client.next(CallDisconnectNotify.class);
            assertThat(cdn.callId()).isEqualTo(ocrp.callId());
            assertThat(cdn.resultCode()).isEqualTo(CallDisconnectResult.ADMIN_SHUTDOWN);
            StopControlConnectionRequest stop = client.next(StopControlConnectionRequest.class);
            assertThat(stop.reason()).isEqualTo(StopControlConnectionReason.STOP_LOCAL_SHUTDOWN);
            client.send(new StopControlConnectionReply(StopControlConnectionResult.OK, GeneralErrorCode.NONE));
            assertThat(client.next()).isEqualTo("closed");
        }
        assertThat(exit.get(20, java.util.concurrent.TimeUnit.SECONDS)).isZero();
    }

    /** Runs {@code task} on the namespace's thread: the sockets it opens belong to the namespace. */
    private static <T> T inside(NetworkNamespace namespace, java.util.concurrent.Callable<T> task) throws Exception {
        CompletableFuture<T> result = new CompletableFuture<>();
        namespace.execute(() -> {
            try {
                result.complete(task.call());
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        });
        return result.get(30, java.util.concurrent.TimeUnit.SECONDS);
    }

    private void assertUsageError(String message, String... flags) {
        List<String> args = new ArrayList<>(List.of("concentrator", "--no-gre"));
        args.addAll(List.of(flags));
        StringWriter err = new StringWriter();
        // A configuration error must not get as far as binding: nothing is started.
        int status = Main.commandLine().setErr(new PrintWriter(err)).execute(args.toArray(String[]::new));
        assertThat(status).as(err.toString()).isEqualTo(2);
        assertThat(err.toString()).contains(message);
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    static String scrape(int port) throws IOException, InterruptedException {
        try (HttpClient http = HttpClient.newHttpClient()) {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + MetricsEndpoint.PATH)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(200);
            return response.body();
        }
    }
}
