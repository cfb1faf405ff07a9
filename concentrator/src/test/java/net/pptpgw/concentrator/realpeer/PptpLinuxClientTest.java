package net.pptpgw.concentrator.realpeer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import net.pptpgw.concentrator.ConcentratorConfig;
import net.pptpgw.concentrator.ConcentratorServer;
import net.pptpgw.concentrator.call.Call;
import net.pptpgw.concentrator.call.CallClearCause;
import net.pptpgw.concentrator.call.CallListener;
import net.pptpgw.protocol.pptp.ControlMessages;
import net.pptpgw.protocol.testing.ExternalTools;
import net.pptpgw.protocol.testing.Tshark;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Debian's real PPTP client, {@code pptp --nolaunchpppd} (pptp-linux 1.10), against our server,
 * both in a private network namespace. pptp gets its own /run (its call manager's socket lives
 * under /var/run/pptp and would otherwise be shared with every other pptp on the machine);
 * its standard input stays silent, so no GRE flows. tcpdump records the control connection and
 * tshark reads what the client really received.
 */
class PptpLinuxClientTest {

    @TempDir
    Path dir;

    private final List<Call> established = new CopyOnWriteArrayList<>();
    private final List<String> cleared = new CopyOnWriteArrayList<>();
    private TestNamespace ns;
    private ConcentratorServer server;
    private Process tcpdump;
    private Process pptp;
    private Path pcap;

    @BeforeEach
    void startServerAndClient() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "needs root for network namespaces");
        ExternalTools.require("pptp");
        ExternalTools.require("tcpdump");
        ExternalTools.require("tshark");
        CallListener listener = new CallListener() {
            @Override
            public void callEstablished(Call call) {
                established.add(call);
            }

            @Override
            public void callCleared(Call call, CallClearCause cause) {
                cleared.add(call.callId() + ":" + cause);
            }
        };
        ConcentratorConfig config = ConcentratorConfig.defaults()
                .withListen(InetAddress.getByName(TestNamespace.SERVER_ADDRESS), ControlMessages.PPTP_PORT);
        pcap = dir.resolve("control.pcap");
        ns = TestNamespace.single("pptp");
        server = new ConcentratorServer(config, new SimpleMeterRegistry(), listener);
        ns.callInside(server::start);

        // --immediate-mode: without it packets wait in the capture ring until a block retires.
        tcpdump = ns.start(List.of("tcpdump", "-i", "lo", "--immediate-mode", "-U", "-n", "-w", pcap.toString(),
                "tcp", "port", "1723"));
        await("tcpdump listening", () -> Files.exists(pcap));
        Thread.sleep(300);

        pptp = ns.start(List.of("sh", "-c", "mount -t tmpfs pg-con-run /run && exec pptp --nolaunchpppd --nohostroute "
                + TestNamespace.SERVER_ADDRESS));
        await("the call", () -> !established.isEmpty() || !pptp.isAlive());
        assertThat(established).as("pptp said: " + output(pptp)).hasSize(1);
    }

    @AfterEach
    void stopEverything() {
        try {
            if (server != null) {
                server.close();
            }
        } finally {
            if (ns != null) {
                ns.close(); // kills pptp, its call manager and tcpdump, deletes the namespace
            }
        }
    }

    @Test
    void clientGetsOurCallIdAndKillingItReleasesTheCall() throws Exception {
        Call call = established.getFirst();
        assertThat(server.calls().find(call.callId())).isSameAs(call);
        assertThat(server.calls().activeCalls()).isEqualTo(1);
        assertThat(call.peerAddress()).isEqualTo(InetAddress.getByName(TestNamespace.SERVER_ADDRESS));

        // Kill the client outright: the dialler and its call manager, not tcpdump. Both are
        // stopped first, so the call manager cannot see the dialler die and send a
        // Call-Clear-Request: the TCP connection just goes away.
        List<ProcessHandle> client = ns.pids().stream().flatMap(pid -> ProcessHandle.of(pid).stream())
                .filter(p -> !p.info().command().orElse("").endsWith("tcpdump")).toList();
        assertThat(client).isNotEmpty();
        for (ProcessHandle process : client) {
            TestNamespace.run(List.of("kill", "-STOP", Long.toString(process.pid())));
        }
        client.forEach(ProcessHandle::destroyForcibly);
        // The listener hears of the clear just after the call table releases it: wait for both.
        await("the call released", () -> server.calls().activeCalls() == 0 && !cleared.isEmpty());
        assertThat(server.calls().find(call.callId())).isNull();
        assertThat(cleared).containsExactly(call.callId() + ":" + CallClearCause.CONNECTION_LOST);

        List<Map<String, String>> frames = capturedMessages();
        var replies = frames.stream().filter(f -> "8".equals(f.get("pptp.control_message_type"))).toList();
        assertThat(replies).as(frames + "\n" + Tshark.verbose(pcap)).hasSize(1);
        assertThat(replies.getFirst().get("pptp.call_id")).isEqualTo(Integer.toString(call.callId()));
        assertThat(replies.getFirst().get("pptp.peer_call_id")).isEqualTo(Integer.toString(call.peerCallId()));
        assertThat(replies.getFirst().get("pptp.out_result")).isEqualTo("1");
        assertThat(frames).extracting(f -> f.get("pptp.control_message_type")).containsExactly("1", "2", "7", "8");
        assertThat(Tshark.problems(pcap)).isEmpty();
    }

    @Test
    void clientHangingUpClearsTheCallWithCallClearRequest() throws Exception {
        Call call = established.getFirst();
        // SIGTERM to the dialler: its call manager clears the call the RFC way.
        pptp.toHandle().destroy();
        // The listener hears of the clear just after the call table releases it: wait for both.
        await("the call released", () -> server.calls().activeCalls() == 0 && !cleared.isEmpty());
        assertThat(cleared).containsExactly(call.callId() + ":" + CallClearCause.CALL_CLEAR_REQUEST);

        List<Map<String, String>> frames = capturedMessages();
        // ... OCRP, pptp's Call-Clear-Request (12) with its call ID, our Call-Disconnect-Notify (13) with ours.
        assertThat(frames).as(Tshark.verbose(pcap)).extracting(f -> f.get("pptp.control_message_type"))
                .containsSubsequence("1", "2", "7", "8", "12", "13");
        var ccrq = frames.stream().filter(f -> "12".equals(f.get("pptp.control_message_type"))).findFirst().orElseThrow();
        var cdn = frames.stream().filter(f -> "13".equals(f.get("pptp.control_message_type"))).findFirst().orElseThrow();
        assertThat(ccrq.get("pptp.call_id")).isEqualTo(Integer.toString(call.peerCallId()));
        assertThat(cdn.get("pptp.call_id")).isEqualTo(Integer.toString(call.callId()));
        assertThat(Tshark.problems(pcap)).isEmpty();
    }

    @Test
    void shutdownDisconnectsTheCallThenStopsTheControlConnection() throws Exception {
        Call call = established.getFirst();
        long start = System.nanoTime();
        server.shutdown();
        long tookMillis = (System.nanoTime() - start) / 1_000_000;

        assertThat(server.calls().activeCalls()).isZero();
        assertThat(cleared).containsExactly(call.callId() + ":" + CallClearCause.SHUTDOWN);
        // The peer ended the wait, not the 2-second timeout (pptp-linux 1.10 was seen closing the
        // TCP connection without a Stop-Control-Connection-Reply, so none is required here).
        assertThat(tookMillis).isLessThan(2000);

        List<Map<String, String>> frames = capturedMessages();
        // SCCRQ, SCCRP, OCRQ, OCRP, then our CDN (13) and StopCCRQ (3).
        assertThat(frames).as(Tshark.verbose(pcap)).extracting(f -> f.get("pptp.control_message_type"))
                .containsSubsequence("1", "2", "7", "8", "13", "3");
        var cdn = frames.stream().filter(f -> "13".equals(f.get("pptp.control_message_type"))).findFirst().orElseThrow();
        assertThat(cdn.get("pptp.call_id")).isEqualTo(Integer.toString(call.callId()));
        assertThat(Tshark.problems(pcap)).isEmpty();
    }

    /** Stops tcpdump (SIGTERM: it closes the file) and reads one map per PPTP message. */
    private List<Map<String, String>> capturedMessages() throws InterruptedException {
        Thread.sleep(300);
        tcpdump.destroy();
        assertThat(tcpdump.waitFor(5, TimeUnit.SECONDS)).isTrue();
        return Tshark.fields(pcap, "pptp.control_message_type", "pptp.call_id", "pptp.peer_call_id", "pptp.out_result")
                .stream().filter(f -> !f.getOrDefault("pptp.control_message_type", "").isEmpty()).toList();
    }

    private static String output(Process process) {
        try {
            return process.isAlive() ? "(running)" : new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return e.toString();
        }
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(50);
        }
    }
}
