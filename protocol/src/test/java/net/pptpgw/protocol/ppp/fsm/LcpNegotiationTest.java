package net.pptpgw.protocol.ppp.fsm;

import static net.pptpgw.protocol.ppp.fsm.AuthenticationMethod.CHAP_MD5;
import static net.pptpgw.protocol.ppp.fsm.AuthenticationMethod.MS_CHAP;
import static net.pptpgw.protocol.ppp.fsm.AuthenticationMethod.MS_CHAP_V2;
import static net.pptpgw.protocol.ppp.fsm.AuthenticationMethod.PAP;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.OptionalInt;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import net.pptpgw.protocol.ppp.cp.ControlPacket;
import net.pptpgw.protocol.ppp.cp.ControlPacket.ConfigureNak;
import net.pptpgw.protocol.ppp.cp.ControlPacket.ConfigureReject;
import net.pptpgw.protocol.ppp.cp.ControlPacket.ConfigureRequest;
import net.pptpgw.protocol.ppp.cp.ControlPacket.EchoReply;
import net.pptpgw.protocol.ppp.cp.ControlPacket.EchoRequest;
import net.pptpgw.protocol.ppp.cp.ControlPacket.TerminateRequest;
import net.pptpgw.protocol.Octets;
import net.pptpgw.protocol.ppp.lcp.LcpOption.AuthenticationProtocol;
import net.pptpgw.protocol.ppp.lcp.LcpOption.MagicNumber;
import net.pptpgw.protocol.ppp.lcp.LcpOption.MaximumReceiveUnit;
import net.pptpgw.protocol.ppp.lcp.LcpOptionType;
import org.junit.jupiter.api.Test;

/**
 * LCP server policy against LCP client policy, two automata back to back with the wire format
 * in between: the ordinary case and every way the brief lists for it to go otherwise.
 */
class LcpNegotiationTest {

    static final List<AuthenticationMethod> ALL = List.of(MS_CHAP_V2, MS_CHAP, CHAP_MD5, PAP);

    static BackToBack link(LcpSettings server, LcpSettings client) {
        return new BackToBack("server", new LcpPolicy(server, new SplittableRandom(1)),
                "client", new LcpPolicy(client, new SplittableRandom(2)), AutomatonConfig.DEFAULTS);
    }

    static LcpAgreement agreement(BackToBack.End end) {
        return ((LcpPolicy) end.automaton.policy()).agreement();
    }

    @Test
    void serverAndClientAgreeInOneRound() {
        BackToBack link = link(LcpSettings.server(ALL), LcpSettings.client(List.of(MS_CHAP_V2, PAP))).start();
        link.run(100);

        assertThat(link.a.state()).as(link::trace).isEqualTo(State.OPENED);
        assertThat(link.b.state()).isEqualTo(State.OPENED);
        assertThat(link.a.ups).isEqualTo(1);
        assertThat(link.b.ups).isEqualTo(1);
        assertThat(link.wire).as("one Configure-Request and one Configure-Ack each way").hasSize(4);

        LcpAgreement server = agreement(link.a);
        LcpAgreement client = agreement(link.b);
        assertThat(server.authenticatePeerWith()).contains(MS_CHAP_V2);
        assertThat(server.authenticateToPeerWith()).isEmpty();
        assertThat(client.authenticateToPeerWith()).contains(MS_CHAP_V2);
        assertThat(client.authenticatePeerWith()).isEmpty();
        assertThat(server.ourMru()).isEqualTo(1400);
        assertThat(server.peerMru()).isEqualTo(1400);
        assertThat(server.ourMagicNumber()).isNotZero().isEqualTo(client.peerMagicNumber()).isNotEqualTo(client.ourMagicNumber());
        assertThat(client.ourMagicNumber()).isNotZero().isEqualTo(server.peerMagicNumber());
        assertThat(List.of(server.receivePfc(), server.transmitPfc(), server.receiveAcfc(), server.transmitAcfc()))
                .containsOnly(true);
        assertThat(server.receiveAccm()).as("not negotiated: RFC 1662 default").isEqualTo(0xffffffff);
    }

    @Test
    void serverFollowsTheClientsNakToAnotherAllowedMethod() {
        BackToBack link = link(LcpSettings.server(List.of(MS_CHAP_V2, PAP)), LcpSettings.client(List.of(PAP))).start();
        link.run(100);

        assertThat(link.a.state()).as(link::trace).isEqualTo(State.OPENED);
        assertThat(link.b.state()).isEqualTo(State.OPENED);
        assertThat(link.sentBy(link.b)).as("the client Naks MS-CHAPv2 with PAP")
                .contains(new ConfigureNak(link.sentBy(link.a).getFirst().identifier(), List.of(AuthenticationProtocol.pap())));
        assertThat(agreement(link.a).authenticatePeerWith()).contains(PAP);
        assertThat(agreement(link.b).authenticateToPeerWith()).contains(PAP);
    }

    @Test
    void serverFallsBackToItsNextMethodWhenTheNakNamesOneItRefuses() {
        BackToBack link = link(LcpSettings.server(List.of(MS_CHAP_V2, CHAP_MD5)), LcpSettings.client(List.of(PAP, CHAP_MD5)))
                .start();
        link.run(100);

        assertThat(link.a.state()).as(link::trace).isEqualTo(State.OPENED);
        assertThat(agreement(link.a).authenticatePeerWith()).contains(CHAP_MD5);
        assertThat(authenticationRequested(link.sentBy(link.a))).containsExactly(
                MS_CHAP_V2.option(), CHAP_MD5.option());
    }

    @Test
    void noCommonMethodClosesTheLinkWithAClearReason() {
        BackToBack link = link(LcpSettings.server(List.of(MS_CHAP_V2)), LcpSettings.client(List.of(PAP))).start();
        link.run(200);

        assertThat(link.a.finished).as(link::trace).hasSize(1);
        Termination reason = link.a.finished.getFirst();
        assertThat(reason.cause()).isEqualTo(LcpPolicy.AUTHENTICATION_UNACCEPTABLE);
        assertThat(reason.detail()).contains("MS_CHAP_V2").contains("PAP");
        assertThat(link.a.state()).isEqualTo(State.CLOSED);
        assertThat(link.b.state()).as("the client gives up too").isEqualTo(State.STOPPED);
        assertThat(link.b.finished).hasSize(1);
        assertThat(link.sentBy(link.a)).filteredOn(TerminateRequest.class::isInstance).first()
                .extracting(p -> new String(((TerminateRequest) p).data().toByteArray()))
                .asString().startsWith("no acceptable authentication method");
        assertThat(link.a.ups + link.b.ups).isZero();
    }

    @Test
    void aClientThatRefusesToAuthenticateIsRejected() {
        BackToBack link = link(LcpSettings.server(ALL), LcpSettings.client(List.of())).start();
        link.run(200);

        assertThat(link.a.finished).extracting(Termination::cause).containsExactly(LcpPolicy.AUTHENTICATION_REFUSED);
        assertThat(link.sentBy(link.b)).anyMatch(p -> p instanceof ConfigureReject reject
                && reject.options().equals(List.of(MS_CHAP_V2.option())));
    }

    @Test
    void peerRejectingOurMruLeavesTheDefault1500() {
        LcpPolicy client = new LcpPolicy(LcpSettings.client(List.of(MS_CHAP_V2)), new SplittableRandom(2));
        BackToBack link = new BackToBack("server", new LcpPolicy(LcpSettings.server(ALL), new SplittableRandom(1)),
                "client", TestPolicies.rejecting(client, Set.of(LcpOptionType.MAXIMUM_RECEIVE_UNIT)),
                AutomatonConfig.DEFAULTS).start();
        link.run(100);

        assertThat(link.a.state()).as(link::trace).isEqualTo(State.OPENED);
        assertThat(link.sentBy(link.b)).anyMatch(p -> p instanceof ConfigureReject reject
                && reject.options().equals(List.of(new MaximumReceiveUnit(1400))));
        List<ConfigureRequest> serverRequests = link.sentBy(link.a).stream()
                .filter(ConfigureRequest.class::isInstance).map(ConfigureRequest.class::cast).toList();
        assertThat(serverRequests.getLast().options()).noneMatch(MaximumReceiveUnit.class::isInstance);
        assertThat(agreement(link.a).ourMru()).isEqualTo(1500);
    }

    @Test
    void tooSmallPeerMruIsNakedToTheMinimum() {
        LcpSettings smallMru = new LcpSettings(296, 128, 1500, OptionalInt.empty(), List.of(), List.of(MS_CHAP_V2),
                true, 10, true, true, true, true);
        BackToBack link = link(LcpSettings.server(ALL), smallMru).start();
        link.run(100);

        assertThat(link.a.state()).as(link::trace).isEqualTo(State.OPENED);
        assertThat(link.sentBy(link.a)).anyMatch(p -> p instanceof ConfigureNak nak
                && nak.options().equals(List.of(new MaximumReceiveUnit(LcpSettings.MINIMUM_MRU))));
        assertThat(agreement(link.a).peerMru()).isEqualTo(576);
        assertThat(agreement(link.b).ourMru()).isEqualTo(576);
    }

    @Test
    void magicNumberCollisionIsResolvedWithAFreshNumber() {
        // Both sides draw 0x29ad2d02 first, then go their own random ways.
        BackToBack link = new BackToBack("server", new LcpPolicy(LcpSettings.server(ALL), firstThen(0x29ad2d02, 7)),
                "client", new LcpPolicy(LcpSettings.client(ALL), firstThen(0x29ad2d02, 8)), AutomatonConfig.DEFAULTS).start();
        link.run(100);

        assertThat(link.a.state()).as(link::trace).isEqualTo(State.OPENED);
        assertThat(link.b.state()).isEqualTo(State.OPENED);
        assertThat(link.wire).anyMatch(f -> f.decode() instanceof ConfigureNak nak
                && nak.options().stream().anyMatch(MagicNumber.class::isInstance));
        assertThat(agreement(link.a).ourMagicNumber()).isNotEqualTo(agreement(link.b).ourMagicNumber());
        assertThat(agreement(link.a).ourMagicNumber()).isEqualTo(agreement(link.b).peerMagicNumber());
    }

    @Test
    void loopedBackLinkIsReported() {
        LcpSettings settings = LcpSettings.client(List.of(MS_CHAP_V2)).withLoopbackLimit(4);
        BackToBack.End looped = BackToBack.loop(new LcpPolicy(settings, new SplittableRandom(3)), AutomatonConfig.DEFAULTS);
        looped.automaton.open();
        looped.automaton.up();
        looped.runLoop(200);

        assertThat(looped.finished).extracting(Termination::cause).containsExactly(LcpPolicy.LOOPBACK);
        assertThat(looped.finished.getFirst().detail()).contains("4 Configure-Naks of our Magic-Number");
        assertThat(looped.ups).isZero();
    }

    @Test
    void lostConfigureRequestIsRetransmittedWhenTheRestartTimerFires() {
        BackToBack link = link(LcpSettings.server(ALL), LcpSettings.client(ALL)).start();
        link.faults(flight -> flight.sequence() == 0 ? 0 : 1); // the server's first request is lost
        link.run(100);

        assertThat(link.a.state()).as(link::trace).isEqualTo(State.OPENED);
        assertThat(link.b.state()).isEqualTo(State.OPENED);
        assertThat(link.a.timeouts).isEqualTo(1);
        assertThat(link.now()).isEqualTo(3000);
        List<ControlPacket> requests = link.sentBy(link.a).stream().filter(ConfigureRequest.class::isInstance).toList();
        assertThat(requests).hasSize(2);
        assertThat(requests.get(1)).as("a retransmission keeps the Identifier (RFC 1661 §5.1)").isEqualTo(requests.get(0));
    }

    @Test
    void maxConfigureExhaustionFinishesTheLayer() {
        BackToBack link = link(LcpSettings.server(ALL), LcpSettings.client(ALL)).start();
        link.faults(flight -> 0); // nothing ever arrives
        link.run(100);

        for (BackToBack.End end : List.of(link.a, link.b)) {
            assertThat(end.state()).isEqualTo(State.STOPPED);
            assertThat(end.sent).filteredOn(ConfigureRequest.class::isInstance).hasSize(10);
            assertThat(end.finished).extracting(Termination::cause).containsExactly(Termination.NO_RESPONSE);
        }
        assertThat(link.now()).as("10 requests, 3 s apart").isEqualTo(30_000);
    }

    @Test
    void peerTerminatingTakesTheLayerDown() {
        BackToBack link = link(LcpSettings.server(ALL), LcpSettings.client(ALL)).start();
        link.run(100);
        link.b.automaton.close(Termination.of(Termination.ADMINISTRATIVE_CLOSE, "User request"));
        link.run(100);

        assertThat(link.a.downs).isEqualTo(1);
        assertThat(link.a.state()).isEqualTo(State.STOPPED);
        assertThat(link.a.finished).singleElement().satisfies(reason -> {
            assertThat(reason.cause()).isEqualTo(Termination.PEER_TERMINATED);
            assertThat(reason.detail()).contains("User request");
        });
        assertThat(link.b.state()).isEqualTo(State.CLOSED);
        assertThat(link.b.finished).extracting(Termination::cause).containsExactly(Termination.ADMINISTRATIVE_CLOSE);
    }

    @Test
    void echoRequestInOpenedIsAnsweredWithOurMagicNumber() {
        BackToBack link = link(LcpSettings.server(ALL), LcpSettings.client(ALL)).start();
        link.run(100);
        int peerMagic = agreement(link.a).peerMagicNumber();
        link.a.automaton.receive(new EchoRequest(77, peerMagic, Octets.fromHex("cafe")));

        assertThat(link.a.sent.getLast())
                .isEqualTo(new EchoReply(77, agreement(link.a).ourMagicNumber(), Octets.fromHex("cafe")));
    }

    private static List<AuthenticationProtocol> authenticationRequested(List<ControlPacket> packets) {
        return packets.stream().filter(ConfigureRequest.class::isInstance)
                .flatMap(p -> ((ConfigureRequest) p).options().stream())
                .filter(AuthenticationProtocol.class::isInstance).map(AuthenticationProtocol.class::cast)
                .distinct().toList();
    }

    /** A random source whose first int is {@code first}; seeded randomness after that. */
    static RandomGenerator firstThen(int first, long seed) {
        SplittableRandom rest = new SplittableRandom(seed);
        return new RandomGenerator() {
            private boolean used;

            @Override
            public long nextLong() {
                return rest.nextLong();
            }

            @Override
            public int nextInt() {
                if (!used) {
                    used = true;
                    return first;
                }
                return rest.nextInt();
            }
        };
    }
}
