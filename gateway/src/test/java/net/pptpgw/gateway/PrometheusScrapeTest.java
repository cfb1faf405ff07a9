package net.pptpgw.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.pptpgw.protocol.pptp.OutgoingCallResult;
import net.pptpgw.protocol.testing.ExternalTools;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * A real Prometheus server (Debian's {@code prometheus} package) scrapes the concentrator's
 * {@code /metrics} every second, and its query API returns the control plane's gauges: proof
 * that the exposition is what Prometheus itself parses, not only what our registry writes.
 */
class PrometheusScrapeTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Pattern VALUE = Pattern.compile("\"value\":\\[[0-9.]+,\"([^\"]+)\"\\]");

    @TempDir
    static Path dir;

    static int metricsPort;
    static int prometheusPort;
    static Process prometheus;

    @BeforeAll
    static void startPrometheus() throws Exception {
        ExternalTools.require("prometheus");
        metricsPort = ConcentratorCommandTest.freePort();
        prometheusPort = ConcentratorCommandTest.freePort();
        Path config = Files.writeString(dir.resolve("prometheus.yml"), """
                global:
                  scrape_interval: 1s
                  scrape_timeout: 1s
                  evaluation_interval: 1s
                scrape_configs:
                  - job_name: concentrator
                    static_configs:
                      - targets: ['127.0.0.1:%d']
                """.formatted(metricsPort));
        prometheus = new ProcessBuilder("prometheus", "--config.file=" + config,
                "--storage.tsdb.path=" + dir.resolve("data"), "--web.listen-address=127.0.0.1:" + prometheusPort,
                "--log.level=warn")
                .redirectErrorStream(true).redirectOutput(dir.resolve("prometheus.log").toFile()).start();
    }

    @AfterAll
    static void stopPrometheus() throws InterruptedException {
        if (prometheus != null) {
            prometheus.destroy();
            if (!prometheus.waitFor(10, TimeUnit.SECONDS)) {
                prometheus.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void prometheusReadsTheConnectionAndCallGauges() throws Exception {
        CommandLine main = Main.commandLine();
        ConcentratorCommand command = (ConcentratorCommand) main.getSubcommands().get("concentrator").getCommand();
        int port = ConcentratorCommandTest.freePort();
        CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> main.execute("concentrator",
                "--no-gre", "--listen", "127.0.0.1:" + port, "--metrics", "127.0.0.1:" + metricsPort));
        InetSocketAddress bound = command.awaitRunning(Duration.ofSeconds(20));
        assertThat(bound).isNotNull();
        try (PptpTestClient client = new PptpTestClient(bound)) {
            client.start();
            assertThat(client.call(0x77).resultCode()).isEqualTo(OutgoingCallResult.CONNECTED);
            assertThat(awaitValue("pptp_control_connections{state=\"established\"}", "1"))
                    .as("prometheus.log:%n%s", log()).isEqualTo("1");
            assertThat(awaitValue("pptp_calls_active", "1")).isEqualTo("1");
            assertThat(awaitValue("up{job=\"concentrator\"}", "1")).isEqualTo("1");
        } finally {
            command.requestStop();
        }
        assertThat(exit.get(20, TimeUnit.SECONDS)).isZero();
    }

    /** Polls the instant-query API until {@code query} has the value {@code expected}; the last value seen. */
    private static String awaitValue(String query, String expected) throws IOException, InterruptedException {
        URI uri = URI.create("http://127.0.0.1:" + prometheusPort + "/api/v1/query?query="
                + URLEncoder.encode(query, StandardCharsets.UTF_8));
        long deadline = System.nanoTime() + WAIT.toNanos();
        String last = null;
        try (HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build()) {
            while (System.nanoTime() < deadline) {
                try {
                    HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri)
                            .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
                    Matcher m = VALUE.matcher(response.body());
                    if (response.statusCode() == 200 && m.find()) {
                        last = m.group(1);
                        if (last.equals(expected)) {
                            return last;
                        }
                    }
                } catch (IOException notUpYet) {
                    // Prometheus is still starting
                }
                Thread.sleep(250);
            }
        }
        return last;
    }

    private static String log() {
        try {
            return Files.readString(dir.resolve("prometheus.log"));
        } catch (IOException e) {
            return e.toString();
        }
    }
}
