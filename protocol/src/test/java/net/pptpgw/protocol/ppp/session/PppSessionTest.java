package net.pptpgw.protocol.ppp.session;

import static net.pptpgw.protocol.ppp.session.SessionLink.CLIENT_ADDRESS;
import static net.pptpgw.protocol.ppp.session.SessionLink.PASSWORD;
import static net.pptpgw.protocol.ppp.session.SessionLink.SERVER_ADDRESS;
import static net.pptpgw.protocol.ppp.session.SessionLink.client;
import static net.pptpgw.protocol.ppp.session.SessionLink.server;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import net.pptpgw.protocol.ppp.PppProtocol;
import net.pptpgw.protocol.ppp.cp.ProtocolKind;
import net.pptpgw.protocol.ppp.fsm.AuthenticationMethod;
import net.pptpgw.protocol.ppp.fsm.CcpPolicy;
import net.pptpgw.protocol.ppp.fsm.CcpSettings;
import net.pptpgw.protocol.ppp.fsm.CcpSettings.Mode;
import net.pptpgw.protocol.ppp.fsm.MppeAgreement;
import net.pptpgw.protocol.ppp.fsm.MppeStrength;
import net.pptpgw.protocol.ppp.fsm.State;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/** Engine against engine: a server session and a client session over an in-memory link. */
class PppSessionTest {

    static final List<AuthenticationMethod> ALL = List.of(AuthenticationMethod.MS_CHAP_V2, AuthenticationMethod.MS_CHAP,
            AuthenticationMethod.CHAP_MD5, AuthenticationMethod.PAP);

    static CcpSettings mppe(CcpSettings.Mppe policy, MppeStrength strength, Mode mode) {
        return new CcpSettings(policy, List.of(strength), List.of(mode));
    }

    static Stream<Arguments> methodsAndMppe() {
        List<Arguments> cases = new ArrayList<>();
        for (AuthenticationMethod method : AuthenticationMethod.values()) {
            cases.add(Arguments.of(method, null, null));
            if (method.derivesMppeKeys()) {
                for (MppeStrength strength : MppeStrength.values()) {
                    for (Mode mode : Mode.values()) {
                        cases.add(Arguments.of(method, strength, mode));
                    }
                }
            }
        }
        return cases.stream();
    }

    /** 600 packets each way: stateful mode crosses two flag packets (key changes at counts 255, 511). */
    @ParameterizedTest(name = "{0} MPPE {1} {2}")
    @MethodSource("methodsAndMppe")
    void everyMethodAndMppeSetting(AuthenticationMethod method, MppeStrength strength, Mode mode) {
        CcpSettings ccp = strength == null ? CcpSettings.deny() : mppe(CcpSettings.Mppe.REQUIRE, strength, mode);
        SessionLink link = new SessionLink(server(List.of(method), ccp), client(List.of(method), ccp, PASSWORD), 1).start();
        link.runFor(1_000);

        for (SessionLink.End end : List.of(link.server, link.client)) {
            assertThat(end.networkUp).as(end + " " + end.events).isTrue();
            assertThat(end.session.phase()).isEqualTo(Phase.NETWORK);
            assertThat(end.session.lcpAgreement().orElseThrow().authenticatePeerWith()
                    .or(() -> end.session.lcpAgreement().orElseThrow().authenticateToPeerWith())).contains(method);
            assertThat(end.mppe).isEqualTo(strength == null ? Optional.empty()
                    : Optional.of(new MppeAgreement(strength, mode == Mode.STATELESS)));
        }
        assertThat(link.server.session.peerName()).contains(SessionLink.USER);
        assertThat(link.server.ipcp.localAddress()).isEqualTo(SERVER_ADDRESS);
        assertThat(link.server.ipcp.peerAddress()).contains(CLIENT_ADDRESS);
        assertThat(link.client.ipcp.localAddress()).isEqualTo(CLIENT_ADDRESS);
        assertThat(link.client.ipcp.peerAddress()).contains(SERVER_ADDRESS);

        int framesBefore = link.client.sent.size();
        List<byte[]> fromClient = packets(600, 1);
        List<byte[]> fromServer = packets(600, 2);
        for (int i = 0; i < 600; i++) {
            assertThat(link.client.sendIp(fromClient.get(i))).isTrue();
            assertThat(link.server.sendIp(fromServer.get(i))).isTrue();
            link.settle();
        }
        assertThat(link.server.ipReceived).containsExactlyElementsOf(fromClient);
        assertThat(link.client.ipReceived).containsExactlyElementsOf(fromServer);
        // With MPPE, data goes as 0x00FD only, and never contains the clear text.
        List<byte[]> dataFrames = link.client.sent.subList(framesBefore, link.client.sent.size());
        int expected = strength == null ? PppProtocol.IPV4.value() : PppProtocol.COMPRESSED_DATAGRAM.value();
        assertThat(link.client.sent(expected)).hasSizeGreaterThanOrEqualTo(600);
        if (strength != null) {
            assertThat(link.client.sent(PppProtocol.IPV4.value())).isEmpty();
            assertThat(new String(dataFrames.get(300), StandardCharsets.ISO_8859_1)).doesNotContain("packet-1-300");
        }
    }

    static List<byte[]> packets(int count, int source) {
        List<byte[]> packets = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            byte[] packet = new byte[20 + 40 + i % 50];
            packet[0] = 0x45;
            packet[2] = (byte) (packet.length >> 8); // Total Length: the MPPE receiver's resynchronisation checks it
            packet[3] = (byte) packet.length;
            byte[] text = ("packet-" + source + "-" + i).getBytes(StandardCharsets.US_ASCII);
            System.arraycopy(text, 0, packet, 20, text.length);
            packets.add(packet);
        }
        return packets;
    }

    @ParameterizedTest
    @MethodSource("methods")
    void wrongPasswordEndsTheLink(AuthenticationMethod method) {
        SessionLink link = new SessionLink(server(List.of(method), CcpSettings.deny()),
                client(List.of(method), CcpSettings.deny(), "wrong"), 2).start();
        link.runFor(60_000);
        assertThat(link.server.down.cause()).isEqualTo(AuthContext.AUTHENTICATION_FAILED);
        assertThat(link.client.down).isNotNull();
        assertThat(link.client.events).anyMatch(e -> e.contains("authentication failed"));
        assertThat(link.server.networkUp || link.client.networkUp).isFalse();
        assertThat(link.server.session.phase()).isEqualTo(Phase.DEAD);
        assertThat(link.client.session.phase()).isEqualTo(Phase.DEAD);
    }

    static Stream<AuthenticationMethod> methods() {
        return Stream.of(AuthenticationMethod.values());
    }

    /** RFC 2759 §6 as Windows expects it: E=691 R=0 C=<32 hex digits> V=3 M=Authentication failed. */
    @Test
    void msChapV2FailureMessageIsWindowsStyle() {
        SessionLink link = new SessionLink(server(List.of(AuthenticationMethod.MS_CHAP_V2), CcpSettings.deny()),
                client(List.of(AuthenticationMethod.MS_CHAP_V2), CcpSettings.deny(), "wrong"), 3).start();
        link.runFor(60_000);
        List<byte[]> chap = link.server.sent(PppProtocol.CHAP.value());
        byte[] failure = chap.getLast();
        assertThat(failure[0]).isEqualTo((byte) 4);
        String message = new String(failure, 4, failure.length - 4, StandardCharsets.US_ASCII);
        assertThat(message).matches("E=691 R=0 C=[0-9A-F]{32} V=3 M=Authentication failed");
        assertThat(link.client.down.detail()).contains("691");
    }

    /** The server prefers MS-CHAPv2, the client only speaks MS-CHAP: the client's Nak is followed. */
    @Test
    void nakToAnotherMethod() {
        CcpSettings ccp = mppe(CcpSettings.Mppe.REQUIRE, MppeStrength.BITS_128, Mode.STATELESS);
        SessionLink link = new SessionLink(
                server(List.of(AuthenticationMethod.MS_CHAP_V2, AuthenticationMethod.MS_CHAP), ccp),
                client(List.of(AuthenticationMethod.MS_CHAP), ccp, PASSWORD), 4).start();
        link.runFor(1_000);
        assertThat(link.server.networkUp).isTrue();
        assertThat(link.client.networkUp).isTrue();
        assertThat(link.server.session.lcpAgreement().orElseThrow().authenticatePeerWith())
                .contains(AuthenticationMethod.MS_CHAP);
    }

    @Test
    void mppeRequiredButPapEndsWithAClearReason() {
        CcpSettings require = mppe(CcpSettings.Mppe.REQUIRE, MppeStrength.BITS_128, Mode.STATELESS);
        SessionLink link = new SessionLink(server(List.of(AuthenticationMethod.PAP), require),
                client(List.of(AuthenticationMethod.PAP), CcpSettings.deny(), PASSWORD), 5).start();
        link.runFor(60_000);
        assertThat(link.server.down.cause()).isEqualTo(CcpPolicy.MPPE_REQUIRED);
        assertThat(link.server.down.detail()).contains("PAP").contains("no MPPE keys");
        assertThat(link.client.down).isNotNull();
        assertThat(link.server.networkUp || link.client.networkUp).isFalse();
    }

    @Test
    void mppeRequiredAgainstAPeerThatDeniesIt() {
        CcpSettings require = mppe(CcpSettings.Mppe.REQUIRE, MppeStrength.BITS_128, Mode.STATELESS);
        SessionLink link = new SessionLink(server(List.of(AuthenticationMethod.MS_CHAP_V2), require),
                client(List.of(AuthenticationMethod.MS_CHAP_V2), CcpSettings.deny(), PASSWORD), 6).start();
        link.runFor(120_000);
        assertThat(link.server.down).isNotNull();
        assertThat(link.server.down.cause()).isEqualTo(CcpPolicy.MPPE_REQUIRED);
        assertThat(link.server.networkUp).isFalse();
    }

    @Test
    void mppeAllowedOnBothSidesAndDeniedByOneRunsInTheClear() {
        CcpSettings allow = new CcpSettings(CcpSettings.Mppe.ALLOW, List.of(MppeStrength.BITS_128), List.of(Mode.STATELESS));
        SessionLink link = new SessionLink(server(List.of(AuthenticationMethod.MS_CHAP_V2), allow),
                client(List.of(AuthenticationMethod.MS_CHAP_V2), CcpSettings.deny(), PASSWORD), 7).start();
        link.runFor(1_000);
        assertThat(link.server.networkUp).as(link.server.events.toString()).isTrue();
        assertThat(link.server.mppe).isEmpty();
        link.client.sendIp(packets(1, 1).getFirst());
        link.settle();
        assertThat(link.server.ipReceived).hasSize(1);
    }

    /** Stateful MPPE: lost data packets desynchronise RC4; a CCP Reset-Request resynchronises (RFC 3078 §8.2). */
    @Test
    void statefulLossResynchronisesByResetRequest() {
        CcpSettings ccp = mppe(CcpSettings.Mppe.REQUIRE, MppeStrength.BITS_128, Mode.STATEFUL);
        SessionLink link = new SessionLink(server(List.of(AuthenticationMethod.MS_CHAP_V2), ccp),
                client(List.of(AuthenticationMethod.MS_CHAP_V2), ccp, PASSWORD), 8).start();
        link.runFor(1_000);
        assertThat(link.client.mppe).contains(new MppeAgreement(MppeStrength.BITS_128, false));
        int[] dataFrames = {0};
        // Drop client data frames 10-12 and 250-260 (the second loss spans the flag packet at count 255).
        link.fault = (from, frame) -> {
            if (from == link.client && isMppe(frame)) {
                int n = dataFrames[0]++;
                if ((n >= 10 && n <= 12) || (n >= 250 && n <= 260)) {
                    return null;
                }
            }
            return frame;
        };
        List<byte[]> sent = packets(400, 1);
        for (byte[] packet : sent) {
            link.client.sendIp(packet);
            link.settle();
        }
        // Each loss costs the packet that revealed it and those before the flushed one.
        assertThat(link.server.sent(PppProtocol.CCP.value())).filteredOn(p -> p[0] == 14).hasSize(2);
        assertThat(link.client.sent(PppProtocol.CCP.value())).filteredOn(p -> p[0] == 15).hasSize(2);
        assertThat(link.server.ipReceived).hasSizeBetween(400 - 3 - 11 - 4, 400 - 3 - 11 - 2);
        assertThat(sent).containsAll(link.server.ipReceived);
        assertThat(link.server.ipReceived.getLast()).isEqualTo(sent.getLast());
        assertThat(link.server.networkUp).isTrue();
    }

    /** Stateless MPPE bridges any loss without Reset-Requests. */
    @Test
    void statelessLossNeedsNoResync() {
        CcpSettings ccp = mppe(CcpSettings.Mppe.REQUIRE, MppeStrength.BITS_40, Mode.STATELESS);
        SessionLink link = new SessionLink(server(List.of(AuthenticationMethod.MS_CHAP_V2), ccp),
                client(List.of(AuthenticationMethod.MS_CHAP_V2), ccp, PASSWORD), 9).start();
        link.runFor(1_000);
        int[] n = {0};
        link.fault = (from, frame) -> from == link.client && isMppe(frame) && n[0]++ % 3 == 1 ? null : frame;
        List<byte[]> sent = packets(300, 1);
        for (byte[] packet : sent) {
            link.client.sendIp(packet);
            link.settle();
        }
        assertThat(link.server.ipReceived).hasSize(200);
        assertThat(sent).containsAll(link.server.ipReceived);
        assertThat(link.server.sent(PppProtocol.CCP.value())).filteredOn(p -> p[0] == 14).isEmpty();
    }

    static boolean isMppe(byte[] frame) {
        // With ACFC and PFC agreed, data frames start with the one-octet protocol 0xFD.
        return (frame[0] & 0xff) == 0xFD || (frame.length > 3 && (frame[2] & 0xff) == 0x00 && (frame[3] & 0xff) == 0xFD);
    }

    /** The peer goes silent: Echo-Requests go unanswered and the link closes. Data traffic suppresses echoes. */
    @Test
    void echoFailureEndsTheLink() {
        CcpSettings ccp = CcpSettings.deny();
        SessionLink link = new SessionLink(
                server(List.of(AuthenticationMethod.MS_CHAP_V2), ccp).withEcho(Duration.ofSeconds(10), 3),
                client(List.of(AuthenticationMethod.MS_CHAP_V2), ccp, PASSWORD), 10).start();
        link.runFor(1_000);
        assertThat(link.server.networkUp).isTrue();
        // Data flows from the client every 5 s for a minute: no echo is sent.
        int lcpBefore = link.server.sent(PppProtocol.LCP.value()).size();
        for (int i = 0; i < 12; i++) {
            link.client.sendIp(packets(1, 1).getFirst());
            link.runFor(5_000);
        }
        assertThat(link.server.sent(PppProtocol.LCP.value())).hasSize(lcpBefore);
        // Silence: echoes are answered, the link stays.
        link.runFor(60_000);
        assertThat(link.server.sent(PppProtocol.LCP.value()).size()).isGreaterThan(lcpBefore);
        assertThat(link.server.down).isNull();
        // The client goes away without a word.
        link.fault = (from, frame) -> from == link.client ? null : frame;
        link.runFor(120_000);
        assertThat(link.server.down).isNotNull();
        assertThat(link.server.down.cause()).isEqualTo(PppSession.ECHO_TIMEOUT);
        assertThat(link.server.session.phase()).isEqualTo(Phase.DEAD);
    }

    /** A client must not trust a server that cannot prove it knows the password (RFC 2759 §8.8). */
    @Test
    void wrongAuthenticatorResponseFailsTheClient() {
        CcpSettings ccp = mppe(CcpSettings.Mppe.REQUIRE, MppeStrength.BITS_128, Mode.STATELESS);
        SessionLink link = new SessionLink(server(List.of(AuthenticationMethod.MS_CHAP_V2), ccp),
                client(List.of(AuthenticationMethod.MS_CHAP_V2), ccp, PASSWORD), 11);
        link.fault = (from, frame) -> {
            String text = new String(frame, StandardCharsets.ISO_8859_1);
            int at = text.indexOf("S=");
            if (from == link.server && at > 0) {
                byte[] forged = frame.clone();
                forged[at + 2] = (byte) (forged[at + 2] == '0' ? '1' : '0');
                return forged;
            }
            return frame;
        };
        link.start().runFor(60_000);
        assertThat(link.client.down.cause()).isEqualTo(AuthContext.MUTUAL_AUTHENTICATION_FAILED);
        assertThat(link.client.networkUp).isFalse();
    }

    /** RFC 1661 §5.7: an unknown protocol gets a Protocol-Reject once LCP is open. */
    @Test
    void unknownProtocolIsRejected() {
        SessionLink link = new SessionLink(server(List.of(AuthenticationMethod.PAP), CcpSettings.deny()),
                client(List.of(AuthenticationMethod.PAP), CcpSettings.deny(), PASSWORD), 12).start();
        link.runFor(1_000);
        link.server.session.receive(io.netty.buffer.Unpooled.wrappedBuffer(new byte[] {
                (byte) 0xff, 0x03, 0x00, 0x57, 0x60, 0, 0, 0}));
        List<byte[]> lcp = link.server.sent(PppProtocol.LCP.value());
        byte[] reject = lcp.getLast();
        assertThat(reject[0]).isEqualTo((byte) 8);
        assertThat(reject[4]).isEqualTo((byte) 0x00);
        assertThat(reject[5]).isEqualTo((byte) 0x57);
        assertThat(link.server.session.state(ProtocolKind.LCP)).contains(State.OPENED);
    }

    @Test
    void closeTerminatesBothEnds() {
        SessionLink link = new SessionLink(server(List.of(AuthenticationMethod.CHAP_MD5), CcpSettings.deny()),
                client(List.of(AuthenticationMethod.CHAP_MD5), CcpSettings.deny(), PASSWORD), 13).start();
        link.runFor(1_000);
        link.client.session.close(net.pptpgw.protocol.ppp.fsm.Termination.of("user-request", "bye"));
        link.runFor(30_000);
        assertThat(link.client.down).isNotNull();
        assertThat(link.server.down.cause()).isEqualTo(net.pptpgw.protocol.ppp.fsm.Termination.PEER_TERMINATED);
        assertThat(link.server.down.detail()).contains("bye");
    }

    /**
     * The PAC terminates, then clears the call at once (RFC 2637 §2.13): the client's transport
     * goes down while its LCP still waits in Stopping. The client reports the server's reason,
     * not "lower layer down"; without a Terminate-Request first, a lost transport is just that.
     */
    @Test
    void transportLostAfterPeersTerminateKeepsThePeersReason() {
        SessionLink link = new SessionLink(server(List.of(AuthenticationMethod.CHAP_MD5), CcpSettings.deny()),
                client(List.of(AuthenticationMethod.CHAP_MD5), CcpSettings.deny(), PASSWORD), 13).start();
        link.runFor(1_000);
        link.server.session.close(net.pptpgw.protocol.ppp.fsm.Termination.of("admin", "gateway shutting down"));
        link.runFor(10); // the Terminate-Request crosses and is acknowledged; the client waits in Stopping
        assertThat(link.client.down).isNull();
        link.client.session.lowerLayerDown();
        link.runFor(10);
        assertThat(link.client.down.cause()).isEqualTo(net.pptpgw.protocol.ppp.fsm.Termination.PEER_TERMINATED);
        assertThat(link.client.down.detail()).contains("gateway shutting down");

        SessionLink other = new SessionLink(server(List.of(AuthenticationMethod.CHAP_MD5), CcpSettings.deny()),
                client(List.of(AuthenticationMethod.CHAP_MD5), CcpSettings.deny(), PASSWORD), 14).start();
        other.runFor(1_000);
        other.client.session.lowerLayerDown();
        other.runFor(10);
        assertThat(other.client.down.cause()).isEqualTo(net.pptpgw.protocol.ppp.fsm.Termination.LOWER_LAYER_DOWN);
    }

    /**
     * RFC 1661 §4.4 from Opened: a Configure-Request with a new Identifier renegotiates LCP. The
     * network-up session let its authenticators and its automata's negotiation state go (issue
     * 5); all of it is rebuilt: LCP renegotiates, authentication runs again with new
     * authenticators, IPCP and CCP come up again and IP flows, encrypted, with the new keys.
     */
    @Test
    void lcpRenegotiatesFromOpenedAndAuthenticatesAgain() {
        CcpSettings ccp = CcpSettings.require128Stateless();
        SessionLink link = new SessionLink(server(List.of(AuthenticationMethod.MS_CHAP_V2), ccp),
                client(List.of(AuthenticationMethod.MS_CHAP_V2), ccp, PASSWORD), 14).start();
        link.runFor(1_000);
        assertThat(link.server.networkUp && link.client.networkUp).isTrue();
        int challenges = link.server.sent(PppProtocol.CHAP.value()).size();

        byte[] request = lastConfigureRequest(link.client, PppProtocol.LCP);
        request[1]++; // a new Identifier: renegotiation, not a retransmission
        link.server.session.receive(io.netty.buffer.Unpooled.wrappedBuffer(frame(PppProtocol.LCP, request)));
        link.runFor(10_000);

        for (SessionLink.End end : List.of(link.server, link.client)) {
            assertThat(end.networkUp).as(end + " " + end.events).isTrue();
            assertThat(end.session.phase()).isEqualTo(Phase.NETWORK);
            assertThat(end.mppe).contains(new MppeAgreement(MppeStrength.BITS_128, true));
        }
        assertThat(link.server.sent(PppProtocol.CHAP.value())).as("authenticated again").hasSizeGreaterThan(challenges);
        assertThat(link.server.session.peerName()).contains(SessionLink.USER);
        assertIpFlowsBothWays(link);
    }

    /** The same for IPCP alone: LCP stays up, IPCP renegotiates to the same addresses. */
    @Test
    void ipcpRenegotiatesFromOpened() {
        CcpSettings ccp = CcpSettings.require128Stateless();
        SessionLink link = new SessionLink(server(List.of(AuthenticationMethod.MS_CHAP_V2), ccp),
                client(List.of(AuthenticationMethod.MS_CHAP_V2), ccp, PASSWORD), 15).start();
        link.runFor(1_000);
        assertThat(link.server.networkUp && link.client.networkUp).isTrue();

        int ipcpRequests = (int) link.server.sent(PppProtocol.IPCP.value()).stream().filter(packet -> packet[0] == 1).count();
        byte[] request = lastConfigureRequest(link.client, PppProtocol.IPCP);
        request[1]++;
        link.server.session.receive(io.netty.buffer.Unpooled.wrappedBuffer(frame(PppProtocol.IPCP, request)));
        link.runFor(10_000);

        for (SessionLink.End end : List.of(link.server, link.client)) {
            assertThat(end.networkUp).as(end + " " + end.events).isTrue();
            assertThat(end.session.state(ProtocolKind.LCP)).contains(State.OPENED);
        }
        assertThat(link.server.sent(PppProtocol.IPCP.value()).stream().filter(packet -> packet[0] == 1))
                .as("the server's IPCP requested again").hasSizeGreaterThan(ipcpRequests);
        assertThat(link.server.ipcp.localAddress()).isEqualTo(SERVER_ADDRESS);
        assertThat(link.server.ipcp.peerAddress()).contains(CLIENT_ADDRESS);
        assertThat(link.client.ipcp.localAddress()).isEqualTo(CLIENT_ADDRESS);
        assertThat(link.client.ipcp.peerAddress()).contains(SERVER_ADDRESS);
        assertIpFlowsBothWays(link);
    }

    private static void assertIpFlowsBothWays(SessionLink link) {
        link.server.ipReceived.clear();
        link.client.ipReceived.clear();
        List<byte[]> fromClient = packets(10, 1);
        List<byte[]> fromServer = packets(10, 2);
        for (int i = 0; i < 10; i++) {
            assertThat(link.client.sendIp(fromClient.get(i))).isTrue();
            assertThat(link.server.sendIp(fromServer.get(i))).isTrue();
            link.settle();
        }
        assertThat(link.server.ipReceived).as("server events %s", link.server.events).containsExactlyElementsOf(fromClient);
        assertThat(link.client.ipReceived).as("client events %s", link.client.events).containsExactlyElementsOf(fromServer);
    }

    /** The last Configure-Request {@code end} sent for {@code protocol}: code, Identifier, length, options. */
    private static byte[] lastConfigureRequest(SessionLink.End end, PppProtocol protocol) {
        return end.sent(protocol.value()).stream().filter(packet -> packet[0] == 1).reduce((a, b) -> b).orElseThrow();
    }

    private static byte[] frame(PppProtocol protocol, byte[] packet) {
        byte[] frame = new byte[4 + packet.length];
        frame[0] = (byte) 0xff;
        frame[1] = 0x03;
        frame[2] = (byte) (protocol.value() >> 8);
        frame[3] = (byte) protocol.value();
        System.arraycopy(packet, 0, frame, 4, packet.length);
        return frame;
    }
}
