package net.pptpgw.gateway.loadgen;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import net.pptpgw.client.ClientConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Servers that misbehave: every session still ends within its timeout, with its reason, and the
 * run still finishes by itself.
 */
class LoadGeneratorFailuresTest {

    private ServerSocket listener;
    private final List<Socket> accepted = new ArrayList<>();
    private Thread acceptor;

    @AfterEach
    void close() throws Exception {
        listener.close();
        acceptor.join(2000);
        for (Socket socket : accepted) {
            socket.close();
        }
    }

    /** A TCP server that reads the SCCRQ and then answers {@code reply} (nothing when empty). */
    private InetSocketAddress serve(byte[] reply) throws IOException {
        listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        acceptor = Thread.ofPlatform().daemon().start(() -> {
            try {
                while (true) {
                    Socket socket = listener.accept();
                    synchronized (accepted) {
                        accepted.add(socket);
                    }
                    InputStream in = socket.getInputStream();
                    in.readNBytes(156);
                    socket.getOutputStream().write(reply);
                }
            } catch (IOException e) {
                // closed
            }
        });
        return (InetSocketAddress) listener.getLocalSocketAddress();
    }

    private static LoadReport run(InetSocketAddress pac, Duration timeout) throws Exception {
        // The control replies may take 5 s; the session's own timeout is shorter and fires first.
        ClientConfig client = ClientConfig.defaults()
                .withControl(ClientConfig.defaults().control().withReplyTimeout(Duration.ofSeconds(5)))
                .withIoThreads(1);
        return new LoadGenerator(new LoadGenerator.Settings(pac, 3, 100, Duration.ZERO, timeout, i -> null, null, 1,
                0, LoadGenerator.Stage.CALL, null, null, client)).run();
    }

    @Test
    void aSilentServerTimesOutAtTheControlStage() throws Exception {
        long start = System.nanoTime();
        LoadReport report = run(serve(new byte[0]), Duration.ofMillis(400));
        assertThat(report.failures()).containsExactlyEntriesOf(Map.of("timeout-control", 3));
        assertThat(report.teardownIncomplete()).isZero();
        assertThat((System.nanoTime() - start) / 1e9).as("the run ends by itself").isLessThan(5);
    }

    @Test
    void aBrokenStreamIsReportedAsMalformed() throws Exception {
        // A header with a wrong magic cookie (RFC 2637 §1.4).
        LoadReport report = run(serve(HexFormat.of().parseHex("009c00010badc0de00020000")), Duration.ofSeconds(3));
        assertThat(report.failures()).containsExactlyEntriesOf(Map.of("control-malformed", 3));
    }

    @Test
    void aRefusedControlConnectionCarriesItsResultCode() throws Exception {
        // Start-Control-Connection-Reply, result 4 (Not-Authorized), error 0.
        String reply = "009c" + "0001" + "1a2b3c4d" + "0002" + "0000" + "0100" + "04" + "00" + "00000001"
                + "00000001" + "0000" + "0001" + "00".repeat(128);
        LoadReport report = run(serve(HexFormat.of().parseHex(reply)), Duration.ofSeconds(3));
        assertThat(report.failures()).containsExactlyEntriesOf(Map.of("control-refused:4/0", 3));
    }
}
