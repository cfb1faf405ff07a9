package net.pptpgw.gateway.loadgen;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;
import net.pptpgw.client.ClientConfig;
import net.pptpgw.concentrator.ConcentratorConfig;
import net.pptpgw.concentrator.ConcentratorServer;
import net.pptpgw.concentrator.call.CallListener;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The load generator against the concentrator's control plane in this JVM (no GRE, no PPP:
 * {@code --stage call}), over loopback from many 127.0.1.x source addresses. Calls are set up
 * and torn down without leaving a call or a connection behind on the server; the server's
 * limits come back as refusals counted by their RFC 2637 result and error codes.
 */
class LoadGeneratorConcentratorTest {

    private ConcentratorServer server;
    private SimpleMeterRegistry meters;

    @AfterEach
    void stop() throws InterruptedException {
        if (server != null) {
            server.shutdown();
            server.close();
        }
    }

    private InetSocketAddress start(int maxCallsPerConnection, int maxCalls) throws Exception {
        meters = new SimpleMeterRegistry();
        ConcentratorConfig config = ConcentratorConfig.defaults()
                .withListen(InetAddress.getLoopbackAddress(), 0)
                .withLimits(256, 10_000, maxCallsPerConnection, maxCalls)
                .withSourceRate(10_000, 10_000)
                .withCallIdQuarantine(Duration.ZERO);
        server = new ConcentratorServer(config, meters, CallListener.NONE);
        return server.start();
    }

    private LoadReport run(InetSocketAddress pac, int sessions, int callsPerConnection, LoadGenerator.Stage stage)
            throws Exception {
        LoadGenerator.Settings settings = new LoadGenerator.Settings(pac, sessions, 1000, Duration.ofMillis(300),
                Duration.ofSeconds(10), i -> null, SourceRange.parse("127.0.1.1-127.0.1.254"), callsPerConnection, 0,
                stage, null, null, ClientConfig.defaults().withIoThreads(2));
        return new LoadGenerator(settings).run();
    }

    @Test
    void callsAreSetUpHeldAndTornDownWithoutLeaks() throws Exception {
        InetSocketAddress pac = start(1024, 60_000);
        LoadReport report = run(pac, 200, 1, LoadGenerator.Stage.CALL);

        assertThat(report.established()).as(report.text()).isEqualTo(200);
        assertThat(report.failures()).isEmpty();
        assertThat(report.heldAtEnd()).isEqualTo(200);
        assertThat(report.controlConnections()).isEqualTo(200);
        assertThat(report.teardownIncomplete()).isZero();
        assertThat(report.setupLatencyMs().max()).isPositive();
        assertThat(report.setupLatencyMs().p50()).isLessThanOrEqualTo(report.setupLatencyMs().p99());
        assertThat(report.success()).isTrue();
        assertThat(meters.get("pptp.call.setups").counter().count()).isEqualTo(200);
        awaitServerEmpty();
    }

    @Test
    void severalCallsShareAControlConnection() throws Exception {
        InetSocketAddress pac = start(1024, 60_000);
        LoadReport report = run(pac, 60, 20, LoadGenerator.Stage.CALL);

        assertThat(report.established()).as(report.text()).isEqualTo(60);
        assertThat(report.controlConnections()).isEqualTo(3);
        assertThat(report.teardownIncomplete()).isZero();
        awaitServerEmpty();
    }

    @Test
    void controlStageOpensConnectionsOnly() throws Exception {
        InetSocketAddress pac = start(1024, 60_000);
        LoadReport report = run(pac, 20, 1, LoadGenerator.Stage.CONTROL);

        assertThat(report.established()).as(report.text()).isEqualTo(20);
        assertThat(meters.find("pptp.call.setups").counter().count()).isZero();
        assertThat(report.teardownIncomplete()).isZero();
        awaitServerEmpty();
    }

    @Test
    void theServersCallLimitIsReportedAsNoResource() throws Exception {
        InetSocketAddress pac = start(1024, 10);
        LoadReport report = run(pac, 15, 1, LoadGenerator.Stage.CALL);

        // §2.8: result 2 (General Error) with error 4 (No-Resource) when the PAC is out of calls.
        assertThat(report.established()).as(report.text()).isEqualTo(10);
        assertThat(report.failures()).containsExactlyEntriesOf(Map.of("call-refused:2/4", 5));
        assertThat(report.success()).isFalse();
        assertThat(report.teardownIncomplete()).isZero();
        awaitServerEmpty();
    }

    @Test
    void thePerConnectionLimitIsReportedAsDoNotAccept() throws Exception {
        InetSocketAddress pac = start(2, 60_000);
        LoadReport report = run(pac, 6, 3, LoadGenerator.Stage.CALL);

        // Result 7 (Do-Not-Accept): an administrative limit of the PAC.
        assertThat(report.established()).as(report.text()).isEqualTo(4);
        assertThat(report.failures()).containsExactlyEntriesOf(Map.of("call-refused:7/0", 2));
        assertThat(report.teardownIncomplete()).isZero();
        awaitServerEmpty();
    }

    @Test
    void noServerIsReportedAsConnectFailed() throws Exception {
        InetSocketAddress nobody = new InetSocketAddress(InetAddress.getLoopbackAddress(), 1);
        LoadReport report = run(nobody, 3, 1, LoadGenerator.Stage.CALL);

        assertThat(report.established()).isZero();
        assertThat(report.failures()).containsExactlyEntriesOf(Map.of("connect-failed", 3));
    }

    private void awaitServerEmpty() throws InterruptedException {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while ((server.calls().activeCalls() > 0 || server.openConnections() > 0) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(server.calls().activeCalls()).as("calls left on the server").isZero();
        assertThat(server.openConnections()).as("connections left on the server").isZero();
    }
}
