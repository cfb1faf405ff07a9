package net.pptpgw.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import net.pptpgw.linux.IpCommand;
import net.pptpgw.linux.NetworkNamespace;
import net.pptpgw.protocol.testing.ExternalTools;

/**
 * {@code pptp-gateway concentrator} run in-process inside its own network namespace, with a
 * client namespace joined to it by a veth pair (root only). GRE and PPP need the two
 * namespaces: a client and a concentrator in one namespace each see the other's raw GRE.
 *
 * <p>The command runs on a thread that entered the server namespace, so every socket and TUN it
 * opens, and every event loop thread it starts, lives there. {@link #inClient} runs code in the
 * client namespace (sockets made there belong to it); {@link #scrape} reads {@code /metrics}
 * over HTTP from inside the server namespace, as Prometheus would.
 */
final class NamespaceConcentrator implements AutoCloseable {

    static final String SERVER = "10.204.0.1";
    static final String CLIENT = "10.204.0.2";
    /** A second address of the client namespace: another source, or a forger. */
    static final String OTHER_CLIENT = "10.204.0.3";
    static final int METRICS_PORT = 9724;
    static final int PPTP_PORT = 1723;

    final String serverNs;
    final String clientNs;
    private final NetworkNamespace commandThread;
    private final NetworkNamespace serverThread;
    private final NetworkNamespace clientThread;
    private final ConcentratorCommand command;
    private final CompletableFuture<Integer> exit = new CompletableFuture<>();

    private NamespaceConcentrator(String purpose, Path dir, String secrets, List<String> flags) throws Exception {
        String suffix = purpose + "-" + ProcessHandle.current().pid();
        serverNs = "pg-" + suffix + "-s";
        clientNs = "pg-" + suffix + "-c";
        run("ip", "netns", "add", serverNs);
        run("ip", "netns", "add", clientNs);
        IpCommand server = IpCommand.inNamespace(serverNs);
        IpCommand client = IpCommand.inNamespace(clientNs);
        server.linkUp("lo");
        client.linkUp("lo");
        server.run("link", "add", "pgs0", "type", "veth", "peer", "name", "pgc0", "netns", clientNs);
        server.addAddress("pgs0", SERVER + "/24");
        client.addAddress("pgc0", CLIENT + "/24");
        client.addAddress("pgc0", OTHER_CLIENT + "/24");
        server.linkUp("pgs0");
        client.linkUp("pgc0");
        commandThread = NetworkNamespace.enter(serverNs);
        serverThread = NetworkNamespace.enter(serverNs);
        clientThread = NetworkNamespace.enter(clientNs);

        Path secretsFile = Files.writeString(dir.resolve("chap-secrets"), secrets);
        List<String> args = new ArrayList<>(List.of("concentrator", "--listen", SERVER + ":" + PPTP_PORT,
                "--secrets", secretsFile.toString(), "--metrics", "127.0.0.1:" + METRICS_PORT, "--admin", "none",
                "--tun", "pgtun%d"));
        args.addAll(flags);
        var main = Main.commandLine();
        command = (ConcentratorCommand) main.getSubcommands().get("concentrator").getCommand();
        commandThread.execute(() -> {
            try {
                exit.complete(main.execute(args.toArray(String[]::new)));
            } catch (Throwable t) {
                exit.completeExceptionally(t);
            }
        });
        InetSocketAddress bound = command.awaitRunning(Duration.ofSeconds(20));
        assertThat(bound).as("concentrator %s started (exit %s)", args, exit.getNow(null)).isNotNull();
    }

    /**
     * A concentrator in a fresh pair of namespaces {@code pg-PURPOSE-PID-s/-c}; {@code flags}
     * beyond listen, secrets, metrics and TUN name (at least {@code --pool}).
     */
    static NamespaceConcentrator start(String purpose, Path dir, String secrets, String... flags) throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "needs root for network namespaces");
        ExternalTools.require("ip");
        cleanUp(purpose);
        try {
            return new NamespaceConcentrator(purpose, dir, secrets, List.of(flags));
        } catch (Exception | AssertionError e) {
            cleanUp(purpose);
            throw e;
        }
    }

    /** Runs {@code body} on a thread inside the client namespace and waits for its result. */
    <T> T inClient(Callable<T> body) throws Exception {
        return call(clientThread, body);
    }

    /** Runs {@code body} on a thread inside the server namespace (not the command's) and waits. */
    <T> T inServer(Callable<T> body) throws Exception {
        return call(serverThread, body);
    }

    /** Every sample of one {@code /metrics} scrape, by name and labels as written: {@code pptp_sessions{state="up"}}. */
    Map<String, Double> scrape() throws Exception {
        String body = inServer(() -> httpGet(METRICS_PORT, "/metrics"));
        Map<String, Double> samples = new LinkedHashMap<>();
        for (String line : body.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int space = line.lastIndexOf(' ');
            samples.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
        }
        return samples;
    }

    /** One sample of a scrape, 0 when absent (a counter with that label not created yet). */
    double metric(String sample) throws Exception {
        return scrape().getOrDefault(sample, 0.0);
    }

    /** The sum of every sample whose name-and-labels start with {@code prefix}. */
    static double sum(Map<String, Double> samples, String prefix) {
        return samples.entrySet().stream().filter(e -> e.getKey().startsWith(prefix))
                .mapToDouble(Map.Entry::getValue).sum();
    }

    /** Scrapes until {@code condition} holds or {@code timeout} passes; the last scrape. */
    Map<String, Double> awaitMetrics(Duration timeout, Predicate<Map<String, Double>> condition) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<String, Double> samples = scrape();
        while (!condition.test(samples) && System.nanoTime() < deadline) {
            Thread.sleep(100);
            samples = scrape();
        }
        return samples;
    }

    /** A plain HTTP/1.0 GET on loopback of the calling thread's namespace; the body. */
    static String httpGet(int port, String pathAndQuery) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(5000);
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + pathAndQuery + " HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            String response = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            int bodyStart = response.indexOf("\r\n\r\n");
            if (!response.startsWith("HTTP/1.") || !response.substring(9, 12).equals("200") || bodyStart < 0) {
                throw new IOException("GET " + pathAndQuery + ": " + response.lines().findFirst().orElse(""));
            }
            return response.substring(bodyStart + 4);
        }
    }

    /** Starts {@code command} inside the server namespace. */
    Process startInServer(Path log, String... command) throws IOException {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", serverNs));
        full.addAll(List.of(command));
        return new ProcessBuilder(full).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    /** Stops the command (CDN and StopCCRQ to every peer), then removes both namespaces. */
    @Override
    public void close() throws Exception {
        try {
            command.requestStop();
            assertThat(exit.get(30, TimeUnit.SECONDS)).as("concentrator exit status").isZero();
        } finally {
            commandThread.close();
            serverThread.close();
            clientThread.close();
            deleteNamespace(serverNs);
            deleteNamespace(clientNs);
        }
    }

    /** Namespaces a killed earlier run of this purpose (same PID is unlikely, but cheap to clear) or a failed start left. */
    private static void cleanUp(String purpose) {
        String suffix = purpose + "-" + ProcessHandle.current().pid();
        deleteNamespace("pg-" + suffix + "-s");
        deleteNamespace("pg-" + suffix + "-c");
    }

    private static void deleteNamespace(String name) {
        try {
            String pids = ExternalTools.run(List.of("ip", "netns", "pids", name), "", 5);
            pids.lines().filter(l -> !l.isBlank()).map(Long::parseLong)
                    .forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
            new ProcessBuilder("ip", "netns", "del", name).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor(10, TimeUnit.SECONDS);
        } catch (IOException | InterruptedException | RuntimeException | AssertionError ignored) {
            // not there
        }
    }

    private static <T> T call(NetworkNamespace thread, Callable<T> body) throws Exception {
        CompletableFuture<T> result = new CompletableFuture<>();
        thread.execute(() -> {
            try {
                result.complete(body.call());
            } catch (Throwable t) {
                result.completeExceptionally(t);
            }
        });
        try {
            return result.get(60, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception cause) {
                throw cause;
            }
            throw new AssertionError(e.getCause());
        }
    }

    private static void run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(10, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed: " + output);
        }
    }
}
