package net.pptpgw.gateway.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import net.pptpgw.concentrator.session.Sessions;
import net.pptpgw.gateway.Main;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The admin endpoint over a real socket, and {@code sessions} talking to it. Live sessions are
 * listed and ended in the concentrator's end-to-end test, where real clients hold them.
 */
class AdminEndpointTest {

    @Test
    void emptyConcentratorListsNoSessionsAndRefusesToEndAnUnknownOne() throws Exception {
        try (AdminEndpoint endpoint = AdminEndpoint.start(new InetSocketAddress("127.0.0.1", 0), new Sessions(),
                Clock.systemUTC())) {
            String admin = "127.0.0.1:" + endpoint.address().getPort();

            Run list = run("sessions", "--admin", admin);
            assertThat(list.exit).isZero();
            assertThat(list.out).isEqualTo("no live sessions\n");

            Run json = run("sessions", "--admin", admin, "--json");
            assertThat(json.out.strip()).isEqualTo("[]");

            Run end = run("sessions", "--admin", admin, "end", "42");
            assertThat(end.exit).isEqualTo(1);
            assertThat(end.err).contains("no live session 42");
        }
    }

    @Test
    void wrongMethodsAndPathsGetHttpErrorsNotACrash() throws Exception {
        try (AdminEndpoint endpoint = AdminEndpoint.start(new InetSocketAddress("127.0.0.1", 0), new Sessions(),
                Clock.systemUTC());
                HttpClient client = HttpClient.newHttpClient()) {
            String base = "http://127.0.0.1:" + endpoint.address().getPort() + AdminEndpoint.SESSIONS_PATH;
            assertThat(status(client, HttpRequest.newBuilder(URI.create(base)).DELETE())).isEqualTo(405);
            assertThat(status(client, HttpRequest.newBuilder(URI.create(base + "/7/end")).GET())).isEqualTo(405);
            assertThat(status(client, HttpRequest.newBuilder(URI.create(base + "/x/end"))
                    .POST(HttpRequest.BodyPublishers.noBody()))).isEqualTo(404);
            assertThat(status(client, HttpRequest.newBuilder(URI.create(base + "/7/kill"))
                    .POST(HttpRequest.BodyPublishers.noBody()))).isEqualTo(404);
            assertThat(status(client, HttpRequest.newBuilder(URI.create(base)).GET())).isEqualTo(200);
        }
    }

    @Test
    void unreachableEndpointIsExplained() {
        Run list = run("sessions", "--admin", "127.0.0.1:1");
        assertThat(list.exit).isEqualTo(1);
        assertThat(list.err).contains("cannot reach the admin endpoint at 127.0.0.1:1");
    }

    @Test
    void tableShowsOneAlignedLinePerSession() {
        String json = """
                [{"id":3,"user":"alice","peer":"192.0.2.7","callId":17,"peerCallId":4242,"address":"10.9.0.2",\
                "state":"up","uptimeSeconds":3725,"packetsIn":10,"bytesIn":1200,"packetsOut":12,"bytesOut":5242880}]
                """;
        List<Map<String, Object>> sessions = SessionsCommand.parse(json);
        String table = SessionsCommand.table(sessions);
        assertThat(table.lines()).hasSize(2);
        assertThat(table.lines().toList().get(1))
                .startsWith("3      alice            192.0.2.7       17       4242     10.9.0.2        up")
                .contains("1h02m")
                .contains("1200 B")
                .endsWith("5.0 MiB");
    }

    private static int status(HttpClient client, HttpRequest.Builder request) throws Exception {
        return client.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private record Run(int exit, String out, String err) {}

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine command = Main.commandLine();
        command.setOut(new PrintWriter(out));
        command.setErr(new PrintWriter(err));
        int exit = command.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }
}
