package net.pptpgw.concentrator.control;

import static org.assertj.core.api.Assertions.assertThat;

import net.pptpgw.concentrator.ConcentratorConfig;
import net.pptpgw.concentrator.control.TestPeers.PeerChannel;
import net.pptpgw.protocol.pptp.BearerCapabilities;
import net.pptpgw.protocol.pptp.FramingCapabilities;
import net.pptpgw.protocol.pptp.StartControlConnectionRequest;
import org.junit.jupiter.api.Test;

/** Per-source connection rate, the half-open budget and the control connection limit. */
class LimitsTest {

    private static final StartControlConnectionRequest SCCRQ = new StartControlConnectionRequest(0x0100,
            FramingCapabilities.NONE, BearerCapabilities.NONE, 0, 0, "client", "");

    @Test
    void sourceOverItsRateIsClosedAtOnceWhileOthersGetIn() {
        TestPeers peers = new TestPeers(ConcentratorConfig.defaults().withSourceRate(1, 3));
        for (int i = 0; i < 3; i++) {
            assertThat(peers.connect("203.0.113.7").handler()).isNotNull();
        }
        PeerChannel flooded = peers.connect("203.0.113.7");
        assertThat(flooded.isOpen()).isFalse();
        assertThat(flooded.handler()).as("no pipeline, no timers for a refused connection").isNull();
        assertThat(peers.counter("pptp.control.rate.limited")).isEqualTo(1);

        PeerChannel other = peers.connect("203.0.113.8");
        assertThat(other.isOpen()).isTrue();

        peers.advanceClock(1);
        assertThat(peers.connect("203.0.113.7").isOpen()).as("one token back after a second").isTrue();
        assertThat(peers.connect("203.0.113.7").isOpen()).isFalse();
    }

    @Test
    void sourceRateLimiterRefillsAndForgetsIdleSources() {
        long[] now = {0};
        SourceRateLimiter limiter = new SourceRateLimiter(2, 2, 1000, () -> now[0]);
        var source = java.net.InetAddress.getLoopbackAddress();
        assertThat(limiter.tryAcquire(source)).isTrue();
        assertThat(limiter.tryAcquire(source)).isTrue();
        assertThat(limiter.tryAcquire(source)).isFalse();
        now[0] += 500_000_000L; // half a second at 2/s: one token
        assertThat(limiter.tryAcquire(source)).isTrue();
        assertThat(limiter.tryAcquire(source)).isFalse();
        assertThat(limiter.trackedSources()).isEqualTo(1);
        now[0] += 5_000_000_000L;
        assertThat(limiter.trackedSources()).as("a refilled bucket is forgotten").isZero();
    }

    @Test
    void idleHoldersCannotLockOutARealClient() {
        TestPeers peers = new TestPeers(ConcentratorConfig.defaults().withLimits(3, 100, 10, 100));
        PeerChannel[] holders = new PeerChannel[3];
        for (int i = 0; i < holders.length; i++) {
            holders[i] = peers.connect("203.0.113." + (10 + i));
        }
        assertThat(peers.plane.halfOpen().size()).isEqualTo(3);

        PeerChannel client = peers.connect("198.51.100.50").receive(SCCRQ);

        assertThat(client.handler().state()).isEqualTo(ControlConnectionState.ESTABLISHED);
        assertThat(holders[0].isOpen()).as("the oldest idle holder made room").isFalse();
        assertThat(holders[1].isOpen()).isTrue();
        assertThat(peers.counter("pptp.control.connections.refused", "reason", "half-open-evicted")).isEqualTo(1);
        assertThat(peers.plane.halfOpen().size()).isEqualTo(2);
    }

    @Test
    void establishedConnectionsDoNotCountAgainstTheHalfOpenBudget() {
        TestPeers peers = new TestPeers(ConcentratorConfig.defaults().withLimits(1, 100, 10, 100));
        PeerChannel first = peers.connect("198.51.100.1").receive(SCCRQ);
        PeerChannel second = peers.connect("198.51.100.2").receive(SCCRQ);
        assertThat(first.isOpen()).isTrue();
        assertThat(second.isOpen()).isTrue();
        assertThat(peers.plane.halfOpen().size()).isZero();
    }

    @Test
    void controlConnectionLimitGetsNoResourceUntilASlotFrees() {
        TestPeers peers = new TestPeers(ConcentratorConfig.defaults().withLimits(8, 1, 10, 100));
        PeerChannel first = peers.connect("198.51.100.1").receive(SCCRQ);
        first.sent();

        PeerChannel second = peers.connect("198.51.100.2").receive(SCCRQ);
        // Result 2 (General Error), error 4 (No-Resource).
        assertThat(second.sent()).startsWith("009c00011a2b3c4d00020000" + "0100" + "0204");
        assertThat(second.isOpen()).isFalse();
        assertThat(peers.counter("pptp.control.connections.refused", "reason", "max-control-connections")).isEqualTo(1);

        first.close();
        PeerChannel third = peers.connect("198.51.100.3").receive(SCCRQ);
        assertThat(third.sent()).startsWith("009c00011a2b3c4d00020000" + "0100" + "0100");
        assertThat(third.handler().state()).isEqualTo(ControlConnectionState.ESTABLISHED);
    }

    @Test
    void noConnectionIsAdmittedDuringShutdown() {
        TestPeers peers = new TestPeers();
        peers.plane.beginShutdown();
        assertThat(peers.connect("198.51.100.1").isOpen()).isFalse();
    }
}
