package net.pptpgw.nathelper;

import static net.pptpgw.nathelper.Fixture.ip;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.Inet4Address;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Mapping lifetimes: idle expiry like the kernel's GRE conntrack, removal, quarantine, metrics. */
class MappingTableTest {

    private static final Inet4Address CLIENT = ip("192.168.10.11");
    private static final Inet4Address SERVER = ip("198.18.0.2");

    private final Fixture fixture = new Fixture();
    private final MappingTable table = fixture.table;

    private CallMapping call() {
        CallMapping mapping = table.open(CLIENT, 0x4242, SERVER);
        table.learnServerCallId(mapping, 128);
        return mapping;
    }

    @Test
    void anUnrepliedMappingExpiresAfterTheUnrepliedTimeout() {
        CallMapping mapping = call();
        fixture.advance(Duration.ofSeconds(29));
        table.cleanUp();
        assertThat(table.byGatewayCallId(SERVER, mapping.gatewayCallId())).isSameAs(mapping);
        fixture.advance(Duration.ofSeconds(2));
        table.cleanUp();
        assertThat(table.byGatewayCallId(SERVER, mapping.gatewayCallId())).isNull();
        assertThat(table.byServerCallId(SERVER, 128)).isNull();
        assertThat(fixture.counter("pptp.nat.mappings.expired")).isEqualTo(1);
        assertThat(fixture.gauge("pptp.nat.mappings.live")).isZero();
        // The control connection still holds the call: its ID is not handed to anyone else.
        assertThat(table.isReserved(SERVER, mapping.gatewayCallId())).isTrue();
        table.close(mapping, "control-closed");
        assertThat(table.isReserved(SERVER, mapping.gatewayCallId())).isFalse();
        assertThat(fixture.counter("pptp.nat.mappings.removed", "reason", "control-closed"))
                .as("an expired mapping is counted once").isZero();
        assertThat(fixture.gauge("pptp.nat.mappings.live")).isZero();
    }

    @Test
    void greBothWaysGivesTheStreamTimeout() {
        CallMapping mapping = call();
        long now = fixture.nanos.get();
        table.greSeen(mapping, Direction.LAN_TO_WAN, now);
        table.greSeen(mapping, Direction.WAN_TO_LAN, now);
        assertThat(mapping.established()).isTrue();
        fixture.advance(Duration.ofSeconds(179));
        table.cleanUp();
        assertThat(table.byGatewayCallId(SERVER, mapping.gatewayCallId())).isSameAs(mapping);
        fixture.advance(Duration.ofSeconds(2));
        table.cleanUp();
        assertThat(table.byGatewayCallId(SERVER, mapping.gatewayCallId())).isNull();
    }

    @Test
    void greOneWayOnlyKeepsTheUnrepliedTimeoutButRestartsIt() {
        CallMapping mapping = call();
        for (int i = 0; i < 10; i++) {
            fixture.advance(Duration.ofSeconds(20));
            table.greSeen(mapping, Direction.LAN_TO_WAN, fixture.nanos.get());
            table.cleanUp();
            assertThat(table.byGatewayCallId(SERVER, mapping.gatewayCallId())).isSameAs(mapping);
        }
        fixture.advance(Duration.ofSeconds(31));
        table.cleanUp();
        assertThat(table.byGatewayCallId(SERVER, mapping.gatewayCallId())).isNull();
    }

    @Test
    void controlTrafficRestartsTheIdleTimer() {
        CallMapping mapping = call();
        fixture.advance(Duration.ofSeconds(25));
        table.touch(mapping);
        fixture.advance(Duration.ofSeconds(25));
        table.cleanUp();
        assertThat(table.byGatewayCallId(SERVER, mapping.gatewayCallId())).isSameAs(mapping);
    }

    @Test
    void aClosedCallsIdIsQuarantinedAndTheServerTableIsDroppedAfterwards() {
        CallMapping mapping = call();
        table.close(mapping, "call-disconnect-notify");
        table.close(mapping, "call-disconnect-notify");
        assertThat(fixture.counter("pptp.nat.mappings.removed", "reason", "call-disconnect-notify")).isEqualTo(1);
        assertThat(table.serverCalls(mapping.serverAddress())).isNotNull();
        fixture.advance(Duration.ofSeconds(31));
        table.cleanUp();
        assertThat(table.serverCalls(mapping.serverAddress())).isNull();
    }

    @Test
    void learningANewServerCallIdMovesTheLanToWanEntry() {
        CallMapping mapping = call();
        table.learnServerCallId(mapping, 256);
        assertThat(table.byServerCallId(SERVER, 128)).isNull();
        assertThat(table.byServerCallId(SERVER, 256)).isSameAs(mapping);
    }
}
