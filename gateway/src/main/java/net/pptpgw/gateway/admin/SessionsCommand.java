package net.pptpgw.gateway.admin;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import net.pptpgw.gateway.MetricsEndpoint;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code pptp-gateway sessions}: the live sessions of a running concentrator, through its
 * {@link AdminEndpoint} ({@code concentrator --admin}); {@code sessions end ID} ends one.
 */
@Command(
        name = "sessions",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "List the live sessions of a running concentrator (user, peer, call IDs, address, uptime, bytes),",
            "or end one with 'sessions end ID'. Talks to the concentrator's --admin endpoint."
        },
        subcommands = SessionsCommand.End.class)
public final class SessionsCommand implements Callable<Integer> {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    @Spec
    CommandSpec spec;

    @Option(names = "--admin", paramLabel = "HOST:PORT", defaultValue = AdminEndpoint.DEFAULT_ADDRESS,
            description = "The concentrator's admin endpoint (default: ${DEFAULT-VALUE}).")
    String admin;

    @Option(names = "--json", description = "Print the endpoint's JSON as it is, for scripts.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        HttpResponse<String> response = send(HttpRequest.newBuilder(uri("")).GET());
        if (response == null) {
            return 1;
        }
        if (response.statusCode() != 200) {
            return failed(response);
        }
        if (json) {
            out.print(response.body());
        } else {
            out.print(table(parse(response.body())));
        }
        out.flush();
        return 0;
    }

    /** {@code sessions end ID}: LCP Terminate-Request with the reason, then the call is cleared. */
    @Command(name = "end", mixinStandardHelpOptions = true, description = "End one session by its ID.")
    static final class End implements Callable<Integer> {

        @ParentCommand
        SessionsCommand parent;

        @Parameters(paramLabel = "ID", description = "The session's ID, as 'sessions' lists it.")
        long id;

        @Option(names = "--reason", paramLabel = "TEXT", defaultValue = "ended by the operator",
                description = "Sent to the peer in the LCP Terminate-Request (default: ${DEFAULT-VALUE}).")
        String reason;

        @Override
        public Integer call() throws Exception {
            HttpResponse<String> response = parent.send(HttpRequest.newBuilder(parent.uri("/" + id + "/end"))
                    .POST(HttpRequest.BodyPublishers.ofString(reason)));
            if (response == null) {
                return 1;
            }
            if (response.statusCode() == 404) {
                parent.spec.commandLine().getErr().println("no live session " + id);
                return 1;
            }
            if (response.statusCode() != 200) {
                return parent.failed(response);
            }
            parent.spec.commandLine().getOut().println("session " + id + " ending: " + reason);
            return 0;
        }
    }

    private URI uri(String suffix) {
        InetSocketAddress address;
        try {
            address = MetricsEndpoint.parseAddress(admin);
        } catch (IllegalArgumentException e) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--admin: " + e.getMessage());
        }
        String host = address.getAddress().getHostAddress();
        if (host.contains(":")) {
            host = "[" + host + "]";
        }
        return URI.create("http://" + host + ":" + address.getPort() + AdminEndpoint.SESSIONS_PATH + suffix);
    }

    /** The response, or null (with the reason on stderr) when the endpoint cannot be reached. */
    private HttpResponse<String> send(HttpRequest.Builder request) throws InterruptedException {
        try (HttpClient client = HttpClient.newBuilder().connectTimeout(TIMEOUT).build()) {
            return client.send(request.timeout(TIMEOUT).build(), HttpResponse.BodyHandlers.ofString());
        } catch (ConnectException e) {
            spec.commandLine().getErr().println("cannot reach the admin endpoint at " + admin
                    + ": is the concentrator running with --admin " + admin + "?");
            return null;
        } catch (IOException e) {
            spec.commandLine().getErr().println("admin endpoint " + admin + ": " + e);
            return null;
        }
    }

    private int failed(HttpResponse<String> response) {
        spec.commandLine().getErr().println("admin endpoint " + admin + " answered " + response.statusCode() + ": "
                + response.body().strip());
        return 1;
    }

    /** The endpoint's JSON (a subset of YAML 1.2, so the YAML loader reads it). */
    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> parse(String json) {
        return (List<Map<String, Object>>) new Load(LoadSettings.builder().build()).loadFromString(json);
    }

    /** One line per session, columns aligned; "no live sessions" when there are none. */
    static String table(List<Map<String, Object>> sessions) {
        if (sessions.isEmpty()) {
            return "no live sessions\n";
        }
        String format = "%-6s %-16s %-15s %-8s %-8s %-15s %-12s %9s %10s %10s%n";
        StringBuilder table = new StringBuilder(String.format(format, "ID", "USER", "PEER", "CALL-ID", "PEER-CID",
                "ADDRESS", "STATE", "UPTIME", "BYTES-IN", "BYTES-OUT"));
        for (Map<String, Object> s : sessions) {
            table.append(String.format(format, s.get("id"), s.get("user"), s.get("peer"), s.get("callId"),
                    s.get("peerCallId"), s.get("address"), s.get("state"),
                    uptime(((Number) s.get("uptimeSeconds")).longValue()),
                    bytes(((Number) s.get("bytesIn")).longValue()), bytes(((Number) s.get("bytesOut")).longValue())));
        }
        return table.toString();
    }

    static String uptime(long seconds) {
        return seconds >= 3600 ? String.format("%dh%02dm", seconds / 3600, seconds / 60 % 60)
                : String.format("%dm%02ds", seconds / 60, seconds % 60);
    }

    static String bytes(long bytes) {
        if (bytes < 10_000) {
            return bytes + " B";
        }
        String units = "KMGTPE";
        double value = bytes;
        int unit = -1;
        while (value >= 1024 && unit < units.length() - 1) {
            value /= 1024;
            unit++;
        }
        return String.format("%.1f %siB", value, units.charAt(unit));
    }
}
