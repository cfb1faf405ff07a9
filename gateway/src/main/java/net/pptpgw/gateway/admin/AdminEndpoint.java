package net.pptpgw.gateway.admin;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import net.pptpgw.concentrator.session.SessionInfo;
import net.pptpgw.concentrator.session.Sessions;
import net.pptpgw.gateway.HttpEndpoint;
import net.pptpgw.gateway.JsonWriter;

/**
 * The running concentrator's admin interface, for {@code pptp-gateway sessions}: JSON over HTTP
 * with the JDK's own server, meant for loopback (it has no authentication of its own, like a
 * pppd control socket; bind it where only the operator reaches it).
 *
 * <ul>
 *   <li>{@code GET /sessions}: every live session as a JSON array of {@link SessionView};
 *   <li>{@code POST /sessions/ID/end} (optional body: the reason, sent as LCP Terminate-Request
 *       data): ends one session; 200 with {@code {"ended":ID}}, 404 when no such session is live.
 * </ul>
 */
public final class AdminEndpoint implements AutoCloseable {

    public static final String SESSIONS_PATH = "/sessions";
    /** Where {@code sessions} looks when not told otherwise, and where {@code --admin} binds by default. */
    public static final String DEFAULT_ADDRESS = "127.0.0.1:1724";
    static final String CONTENT_TYPE = "application/json; charset=utf-8";
    private static final int MAX_REASON_BYTES = 200;

    /**
     * One session as the endpoint reports it.
     *
     * @param uptimeSeconds since the call was set up
     */
    public record SessionView(long id, String user, String peer, int callId, int peerCallId, String address,
            String state, long uptimeSeconds, long packetsIn, long bytesIn, long packetsOut, long bytesOut) {

        static SessionView of(SessionInfo info, Clock clock) {
            return new SessionView(info.id(), info.user(), info.peer().getHostAddress(), info.callId(),
                    info.peerCallId(), info.address() == null ? "" : info.address().getHostAddress(),
                    info.state().tag(), Math.max(0, Duration.between(info.started(), clock.instant()).toSeconds()),
                    info.packetsIn(), info.bytesIn(), info.packetsOut(), info.bytesOut());
        }
    }

    private final HttpEndpoint http;

    private AdminEndpoint(HttpEndpoint http) {
        this.http = http;
    }

    /** Binds {@code address} (port 0: any free port) and serves {@code sessions}. */
    public static AdminEndpoint start(InetSocketAddress address, Sessions sessions, Clock clock) throws IOException {
        return new AdminEndpoint(HttpEndpoint.start(address, "admin-endpoint", SESSIONS_PATH,
                exchange -> serve(exchange, sessions, clock)));
    }

    private static void serve(HttpExchange exchange, Sessions sessions, Clock clock) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod();
            String path = exchange.getRequestURI().getPath();
            if (path.equals(SESSIONS_PATH) || path.equals(SESSIONS_PATH + "/")) {
                if (!method.equals("GET")) {
                    exchange.getResponseHeaders().set("Allow", "GET");
                    respond(exchange, 405, Map.of("error", "use GET to list sessions"));
                    return;
                }
                List<SessionView> views = new ArrayList<>();
                for (SessionInfo info : sessions.list()) {
                    views.add(SessionView.of(info, clock));
                }
                respond(exchange, 200, views);
                return;
            }
            String[] parts = path.substring(SESSIONS_PATH.length()).split("/");
            // "/ID/end" splits into "", ID, "end".
            if (parts.length != 3 || !parts[0].isEmpty() || !parts[2].equals("end") || !parts[1].matches("\\d{1,18}")) {
                respond(exchange, 404, Map.of("error", "no such resource: " + path));
                return;
            }
            if (!method.equals("POST")) {
                exchange.getResponseHeaders().set("Allow", "POST");
                respond(exchange, 405, Map.of("error", "use POST to end a session"));
                return;
            }
            long id = Long.parseLong(parts[1]);
            String reason = reason(exchange);
            if (!sessions.end(id, reason)) {
                respond(exchange, 404, Map.of("error", "no live session " + id));
                return;
            }
            respond(exchange, 200, Map.of("ended", id));
        }
    }

    /** The request body as the reason, cut to a sane length; "admin" when empty. */
    private static String reason(HttpExchange exchange) throws IOException {
        byte[] body = exchange.getRequestBody().readNBytes(MAX_REASON_BYTES);
        String reason = new String(body, StandardCharsets.UTF_8).strip();
        return reason.isEmpty() ? "admin" : reason;
    }

    private static void respond(HttpExchange exchange, int status, Object value) throws IOException {
        byte[] body = (JsonWriter.write(value, false) + "\n").getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", CONTENT_TYPE);
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    /** Where it listens (the real port when started with port 0). */
    public InetSocketAddress address() {
        return http.address();
    }

    @Override
    public void close() {
        http.close();
    }
}
