package net.pptpgw.gateway;

import com.sun.net.httpserver.HttpExchange;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * Serves a {@link PrometheusMeterRegistry} as Prometheus text on {@code GET /metrics} through an
 * {@link HttpEndpoint}. Any subcommand that runs a data plane
 * (the NAT helper, the concentrator) starts one with {@code --metrics HOST:PORT}.
 *
 * <pre>
 * try (MetricsEndpoint endpoint = MetricsEndpoint.start(MetricsEndpoint.parseAddress("127.0.0.1:9723"), registry)) {
 *     ...   // curl http://127.0.0.1:9723/metrics
 * }
 * </pre>
 */
public final class MetricsEndpoint implements AutoCloseable {

    public static final String PATH = "/metrics";
    /** The Prometheus text exposition format, version 0.0.4. */
    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final HttpEndpoint http;

    private MetricsEndpoint(HttpEndpoint http) {
        this.http = http;
    }

    /** Binds {@code address} (port 0: any free port, see {@link #address}) and starts serving. */
    public static MetricsEndpoint start(InetSocketAddress address, PrometheusMeterRegistry registry)
            throws IOException {
        return new MetricsEndpoint(HttpEndpoint.start(address, "metrics-endpoint", PATH,
                exchange -> serve(exchange, registry)));
    }

    private static void serve(HttpExchange exchange, PrometheusMeterRegistry registry) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod();
            if (!method.equals("GET") && !method.equals("HEAD")) {
                exchange.getResponseHeaders().set("Allow", "GET, HEAD");
                exchange.sendResponseHeaders(405, -1);
                return;
            }
            if (!exchange.getRequestURI().getPath().equals(PATH)) {
                exchange.sendResponseHeaders(404, -1);
                return;
            }
            byte[] body = registry.scrape().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", CONTENT_TYPE);
            if (method.equals("HEAD")) {
                exchange.sendResponseHeaders(200, -1);
                return;
            }
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    /** Where it listens (the real port when started with port 0). */
    public InetSocketAddress address() {
        return http.address();
    }

    /** {@code http://HOST:PORT/metrics}, for the line a command logs when it starts. */
    public String url() {
        return "http://" + address().getHostString() + ":" + address().getPort() + PATH;
    }

    @Override
    public void close() {
        http.close();
    }

    /**
     * {@code HOST:PORT} (an IPv6 host in brackets, {@code [::1]:9723}) as a socket address to
     * bind; the host is resolved now so a typo fails at start, not at the first scrape.
     */
    public static InetSocketAddress parseAddress(String hostAndPort) {
        int colon = hostAndPort.lastIndexOf(':');
        if (colon <= 0 || colon == hostAndPort.length() - 1) {
            throw new IllegalArgumentException("'" + hostAndPort + "' is not HOST:PORT");
        }
        String host = hostAndPort.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(hostAndPort.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + hostAndPort + "': port is not a number");
        }
        if (port < 0 || port > 0xFFFF) {
            throw new IllegalArgumentException("'" + hostAndPort + "': port " + port + " is not a TCP port");
        }
        InetSocketAddress address = new InetSocketAddress(host, port);
        if (address.isUnresolved()) {
            throw new IllegalArgumentException("'" + hostAndPort + "': cannot resolve " + host);
        }
        return address;
    }
}
