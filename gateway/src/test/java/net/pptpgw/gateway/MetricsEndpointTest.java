package net.pptpgw.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.Counter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import net.pptpgw.nathelper.NatMetrics;
import org.junit.jupiter.api.Test;

class MetricsEndpointTest {

    private static HttpResponse<String> send(HttpRequest request) throws Exception {
        try (HttpClient client = HttpClient.newHttpClient()) {
            return client.send(request, HttpResponse.BodyHandlers.ofString());
        }
    }

    @Test
    void servesTheRegistryAsPrometheusTextOnLoopback() throws Exception {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        // Micrometer holds a gauge's state weakly: keep the helper's meters reachable, as NatHelper does.
        NatMetrics natMetrics = new NatMetrics(registry);
        Counter counter = Counter.builder("pptp.test.requests").tag("kind", "probe").register(registry);
        counter.increment(3);
        try (MetricsEndpoint endpoint = MetricsEndpoint.start(new InetSocketAddress("127.0.0.1", 0), registry)) {
            URI base = URI.create("http://127.0.0.1:" + endpoint.address().getPort());
            assertThat(endpoint.url()).isEqualTo(base + "/metrics");
            HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(endpoint.url())).GET().build());
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("Content-Type")).hasValue(MetricsEndpoint.CONTENT_TYPE);
            assertThat(response.body()).contains("pptp_test_requests_total{kind=\"probe\"} 3.0",
                    "# TYPE pptp_nat_mappings_live gauge", "pptp_nat_mappings_live 0.0");

            counter.increment();
            assertThat(send(HttpRequest.newBuilder(base.resolve("/metrics")).GET().build()).body())
                    .as("every scrape is current").contains("pptp_test_requests_total{kind=\"probe\"} 4.0");
            assertThat(send(HttpRequest.newBuilder(base.resolve("/other")).GET().build()).statusCode())
                    .isEqualTo(404);
            assertThat(send(HttpRequest.newBuilder(base.resolve("/metrics"))
                    .POST(HttpRequest.BodyPublishers.noBody()).build()).statusCode()).isEqualTo(405);
        }
        java.lang.ref.Reference.reachabilityFence(natMetrics);
    }

    @Test
    void parsesHostAndPort() {
        assertThat(MetricsEndpoint.parseAddress("127.0.0.1:9723")).isEqualTo(new InetSocketAddress("127.0.0.1", 9723));
        assertThat(MetricsEndpoint.parseAddress("[::1]:80").getAddress().getHostAddress()).isEqualTo("0:0:0:0:0:0:0:1");
        for (String bad : new String[] {"127.0.0.1", ":80", "127.0.0.1:", "127.0.0.1:http", "127.0.0.1:70000"}) {
            assertThatThrownBy(() -> MetricsEndpoint.parseAddress(bad)).as(bad)
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }
}
