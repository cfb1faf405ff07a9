package net.pptpgw.nathelper;

import static net.pptpgw.nathelper.Fixture.ip;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.Inet4Address;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The offload's nftables text byte for byte, the parsing of {@code nft} and {@code ip} output,
 * and when the mapping table tells the offload to install and remove. That the kernel loads
 * the text and forwards with it is {@link RealPeersOffloadTest}'s part.
 */
class KernelOffloadTest {

    private static final Inet4Address CLIENT = ip("192.168.10.11");
    private static final Inet4Address SERVER = ip("198.18.0.2");
    private static final Inet4Address WAN = ip("198.18.0.1");

    private final Fixture fixture = new Fixture();
    private final MappingTable table = fixture.table;
    private final List<String> events = new ArrayList<>();

    KernelOffloadTest() {
        table.forwardingListener(new MappingTable.ForwardingListener() {
            @Override
            public void forwarding(CallMapping mapping) {
                events.add("forwarding " + mapping.serverCallId());
            }

            @Override
            public void notForwarding(CallMapping mapping) {
                events.add("not forwarding " + mapping.serverCallId());
            }
        });
    }

    @Test
    void theTableHooksIngressOfBothInterfacesAndMatchesOnlyEnhancedGreToItsKeys() {
        assertThat(KernelOffload.tableScript("wan0", "br0", WAN)).isEqualTo("""
                table netdev pptp_gateway
                delete table netdev pptp_gateway
                table netdev pptp_gateway {
                  map down { typeof ip saddr . @th,48,16 : verdict; }
                  map up { typeof ip saddr . ip daddr . @th,48,16 : verdict; }
                  chain wan_in {
                    type filter hook ingress device "wan0" priority -500; policy accept;
                    meta protocol ip ip daddr 198.18.0.1 ip protocol gre @th,16,16 0x880b ip saddr . @th,48,16 vmap @down
                  }
                  chain lan_in {
                    type filter hook ingress device "br0" priority -500; policy accept;
                    meta protocol ip ip protocol gre @th,16,16 0x880b ip saddr . ip daddr . @th,48,16 vmap @up
                  }
                }
                """);
    }

    @Test
    void aMappingIsTwoCountedChainsAndTwoElementsRemovedElementsFirst() {
        CallMapping m = table.open(CLIENT, 0x4242, SERVER);
        table.learnServerCallId(m, 0x0080);
        String suffix = "c6120002_%04x".formatted(m.gatewayCallId());
        String gw = "0x%04x".formatted(m.gatewayCallId());
        assertThat(KernelOffload.chainSuffix(m)).isEqualTo(suffix);
        assertThat(KernelOffload.addScript(m, "d_" + suffix, "u_" + suffix,
                new KernelOffload.Route("br0", "192.168.10.11"), new KernelOffload.Route("wan0", "198.18.0.254"), WAN))
                .isEqualTo("add chain netdev pptp_gateway d_" + suffix + " { counter; @th,48,16 set 0x4242"
                        + " ip daddr set 192.168.10.11 fwd ip to 192.168.10.11 device \"br0\"; }\n"
                        + "add chain netdev pptp_gateway u_" + suffix + " { counter; ip saddr set 198.18.0.1"
                        + " fwd ip to 198.18.0.254 device \"wan0\"; }\n"
                        + "add element netdev pptp_gateway down { 198.18.0.2 . " + gw + " : jump d_" + suffix + " }\n"
                        + "add element netdev pptp_gateway up { 192.168.10.11 . 198.18.0.2 . 0x0080 : jump u_"
                        + suffix + " }\n");
        assertThat(KernelOffload.removeScript("d_" + suffix, "u_" + suffix, KernelOffload.downKey(m),
                KernelOffload.upKey(m)))
                .isEqualTo("delete element netdev pptp_gateway down { 198.18.0.2 . " + gw + " }\n"
                        + "delete element netdev pptp_gateway up { 192.168.10.11 . 198.18.0.2 . 0x0080 }\n"
                        + "delete chain netdev pptp_gateway d_" + suffix + "\n"
                        + "delete chain netdev pptp_gateway u_" + suffix + "\n");
    }

    @Test
    void countersAreReadPerChainFromTheListing() {
        // As nft 1.0.6 lists the table (tabs and all).
        String listing = """
                table netdev pptp_gateway {
                \tchain wan_in {
                \t\ttype filter hook ingress device "wan0" priority -500; policy accept;
                \t\tip daddr 198.18.0.1 ip protocol gre th dport 34827 ip saddr . @th,48,16 vmap @down
                \t}

                \tchain d_c6120002_1234 {
                \t\tcounter packets 262886 bytes 28917460
                \t\t@th,48,16 set 0x4242 ip daddr set 192.168.10.11 fwd ip to 192.168.10.11 device "br0"
                \t}

                \tchain u_c6120002_1234 {
                \t\tcounter packets 0 bytes 0
                \t\tip saddr set 198.18.0.1 fwd ip to 198.18.0.2 device "wan0"
                \t}
                }
                """;
        assertThat(KernelOffload.parseCounters(listing))
                .containsEntry("d_c6120002_1234", 262886L)
                .containsEntry("u_c6120002_1234", 0L)
                .hasSize(2);
    }

    @Test
    void routesGiveTheDeviceAndTheNeighbourToAddress() throws IOException {
        assertThat(KernelOffload.parseRoute("198.18.0.2", "198.18.0.2 dev wan0 src 198.18.0.1 uid 0 \\    cache \n"))
                .isEqualTo(new KernelOffload.Route("wan0", "198.18.0.2"));
        assertThat(KernelOffload.parseRoute("203.0.113.9", "203.0.113.9 via 198.18.0.254 dev wan0 src 198.18.0.1 uid 0"))
                .isEqualTo(new KernelOffload.Route("wan0", "198.18.0.254"));
        assertThatThrownBy(() -> KernelOffload.parseRoute("198.18.0.1", "local 198.18.0.1 dev lo src 198.18.0.1 uid 0"))
                .isInstanceOf(IOException.class).hasMessageContaining("no forwarding route to 198.18.0.1");
    }

    @Test
    void installedWhenBothCallIdsAreKnownRemovedWhenTheCallEnds() {
        CallMapping m = table.open(CLIENT, 0x4242, SERVER);
        assertThat(events).as("the server call ID is still unknown").isEmpty();
        table.learnServerCallId(m, 128);
        table.learnServerCallId(m, 128);
        assertThat(events).containsExactly("forwarding 128");
        table.learnServerCallId(m, 129);
        assertThat(events).containsExactly("forwarding 128", "not forwarding 128", "forwarding 129");
        table.close(m, "call-disconnect-notify");
        table.close(m, "call-disconnect-notify");
        assertThat(events).containsExactly("forwarding 128", "not forwarding 128", "forwarding 129",
                "not forwarding 129");
    }

    @Test
    void removedWhenTheMappingExpiresIdle() {
        CallMapping m = table.open(CLIENT, 0x4242, SERVER);
        table.learnServerCallId(m, 128);
        fixture.advance(Duration.ofSeconds(31));
        table.cleanUp();
        assertThat(events).containsExactly("forwarding 128", "not forwarding 128");
    }

    @Test
    void kernelForwardedGreKeepsTheMappingAliveAndEstablishesIt() {
        CallMapping m = table.open(CLIENT, 0x4242, SERVER);
        table.learnServerCallId(m, 128);
        for (int i = 0; i < 10; i++) { // 100 s of traffic the relay never sees, polled every 10 s
            fixture.advance(Duration.ofSeconds(10));
            table.offloadedGreSeen(m, Direction.LAN_TO_WAN);
            table.offloadedGreSeen(m, Direction.WAN_TO_LAN);
            table.cleanUp();
        }
        assertThat(m.established()).isTrue();
        assertThat(table.byGatewayCallId(SERVER, m.gatewayCallId())).isSameAs(m);
        fixture.advance(Duration.ofSeconds(181));
        table.cleanUp();
        assertThat(table.byGatewayCallId(SERVER, m.gatewayCallId())).as("stream timeout once idle").isNull();
        assertThat(events).containsExactly("forwarding 128", "not forwarding 128");
    }
}
