package net.pptpgw.protocol.ppp.fsm;

import static net.pptpgw.protocol.ppp.cp.ControlPacketVectors.address;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import net.pptpgw.protocol.ppp.cp.ConfigurationOption;
import net.pptpgw.protocol.ppp.cp.ControlPacket;
import net.pptpgw.protocol.ppp.cp.ControlPacket.CodeReject;
import net.pptpgw.protocol.ppp.cp.ControlPacket.ConfigureAck;
import net.pptpgw.protocol.ppp.cp.ControlPacket.ConfigureNak;
import net.pptpgw.protocol.ppp.cp.ControlPacket.ConfigureReject;
import net.pptpgw.protocol.ppp.cp.ControlPacket.ConfigureRequest;
import net.pptpgw.protocol.ppp.cp.ControlPacket.ResetRequest;
import net.pptpgw.protocol.ppp.cp.ControlPacket.TerminateAck;
import net.pptpgw.protocol.ppp.cp.ControlPacket.TerminateRequest;
import net.pptpgw.protocol.ppp.cp.ControlPacket.UnknownCode;
import net.pptpgw.protocol.Octets;
import net.pptpgw.protocol.ppp.fsm.Rfc1661TransitionTableTest.Recorder;
import net.pptpgw.protocol.ppp.fsm.Rfc1661TransitionTableTest.ScriptedPolicy;
import net.pptpgw.protocol.ppp.ipcp.IpcpOption.IpAddress;
import net.pptpgw.protocol.ppp.lcp.LcpOption;
import org.junit.jupiter.api.Test;

/** The automaton's rules around the table: identifiers, reply validity, Max-Failure, agreement veto. */
class AutomatonTest {

    private final Recorder recorder = new Recorder();
    private final OptionNegotiationAutomaton automaton =
            new OptionNegotiationAutomaton(new ScriptedPolicy(), recorder, AutomatonConfig.DEFAULTS, 0x40);

    private ConfigureRequest lastRequest() {
        return automaton.lastRequest().orElseThrow();
    }

    @Test
    void repliesWithAnotherIdentifierAreSilentlyDiscarded() {
        Rfc1661TransitionTableTest.driveTo(automaton, State.REQ_SENT);
        ConfigureRequest request = lastRequest();
        recorder.clear();

        automaton.receive(new ConfigureAck(request.identifier() + 1, request.options()));
        automaton.receive(new ConfigureNak(request.identifier() + 1, List.of(new LcpOption.MaximumReceiveUnit(1300))));
        automaton.receive(new ConfigureReject(request.identifier() + 1, request.options()));

        assertThat(automaton.state()).isEqualTo(State.REQ_SENT);
        assertThat(recorder.visible).isEmpty();
    }

    @Test
    void anAckMustRepeatTheRequestExactly() {
        Rfc1661TransitionTableTest.driveTo(automaton, State.REQ_SENT);
        recorder.clear();

        automaton.receive(new ConfigureAck(lastRequest().identifier(), List.of(new LcpOption.MaximumReceiveUnit(1500))));
        assertThat(automaton.state()).isEqualTo(State.REQ_SENT);

        automaton.receive(new ConfigureAck(lastRequest().identifier(), lastRequest().options()));
        assertThat(automaton.state()).isEqualTo(State.ACK_RCVD);
    }

    @Test
    void aRejectMustNameOptionsOfTheRequest() {
        Rfc1661TransitionTableTest.driveTo(automaton, State.REQ_SENT);
        int identifier = lastRequest().identifier();
        recorder.clear();

        automaton.receive(new ConfigureReject(identifier, List.of(new LcpOption.MaximumReceiveUnit(1300))));
        automaton.receive(new ConfigureReject(identifier, List.of()));
        assertThat(recorder.visible).as("invalid Rejects are discarded").isEmpty();

        automaton.receive(new ConfigureReject(identifier, lastRequest().options()));
        assertThat(recorder.visible).containsExactly(Action.SCR);
        assertThat(lastRequest().identifier()).as("a new request after a valid reply gets a new Identifier")
                .isNotEqualTo(identifier);
    }

    @Test
    void identifiersWrapAt255() {
        OptionNegotiationAutomaton wrapping =
                new OptionNegotiationAutomaton(new ScriptedPolicy(), recorder, AutomatonConfig.DEFAULTS, 255);
        wrapping.up();
        wrapping.open();
        ConfigureRequest first = wrapping.lastRequest().orElseThrow();
        wrapping.receive(new ConfigureNak(first.identifier(), List.of(new LcpOption.MaximumReceiveUnit(1300))));
        assertThat(first.identifier()).isEqualTo(255);
        assertThat(wrapping.lastRequest().orElseThrow().identifier()).isZero();
    }

    @Test
    void terminateAckAndCodeRejectCarryTheRightIdentifiers() {
        Rfc1661TransitionTableTest.driveTo(automaton, State.OPENED);
        recorder.clear();
        automaton.receive(new UnknownCode(0x42, 9, Octets.fromHex("0102")));
        automaton.receive(new TerminateRequest(33, Octets.EMPTY));

        assertThat(recorder.sent.get(0)).isInstanceOf(CodeReject.class);
        assertThat(((CodeReject) recorder.sent.get(0)).rejectedPacket()).isEqualTo(Octets.fromHex("4209" + "0006" + "0102"));
        assertThat(recorder.sent.get(1)).isEqualTo(new TerminateAck(33, Octets.EMPTY));
    }

    @Test
    void resetRequestsAreLeftToTheCompressor() {
        Rfc1661TransitionTableTest.driveTo(automaton, State.OPENED);
        recorder.clear();
        automaton.receive(new ResetRequest(1, Octets.EMPTY));
        assertThat(recorder.visible).isEmpty();
        assertThat(automaton.state()).isEqualTo(State.OPENED);
    }

    @Test
    void aLateTimeoutAfterTheTimerStoppedIsIgnored() {
        Rfc1661TransitionTableTest.driveTo(automaton, State.OPENED);
        recorder.clear();
        automaton.timeout();
        assertThat(recorder.visible).isEmpty();
        assertThat(automaton.state()).isEqualTo(State.OPENED);
    }

    @Test
    void protocolRejectOfThisProtocolIsCatastrophic() {
        Rfc1661TransitionTableTest.driveTo(automaton, State.OPENED);
        automaton.receive(new ControlPacket.ProtocolReject(5, 0xc021, Octets.EMPTY));
        assertThat(automaton.state()).isEqualTo(State.STOPPING);
        assertThat(automaton.termination()).map(Termination::cause).contains(Termination.PEER_REJECTED_PROTOCOL);
    }

    @Test
    void protocolRejectOfAnotherProtocolIsNot() {
        Rfc1661TransitionTableTest.driveTo(automaton, State.OPENED);
        automaton.receive(new ControlPacket.ProtocolReject(5, 0x80fd, Octets.EMPTY));
        assertThat(automaton.state()).isEqualTo(State.OPENED);
    }

    @Test
    void anNcpFinishesWhenLcpReportsItsProtocolRejected() {
        Rfc1661TransitionTableTest.driveTo(automaton, State.REQ_SENT);
        automaton.protocolRejected("peer Protocol-Rejected CCP");
        assertThat(automaton.state()).isEqualTo(State.STOPPED);
        assertThat(recorder.visible).endsWith(Action.TLF);
    }

    /**
     * RFC 1661 §4.6 Max-Failure: after 5 Naks without an Ack, the server's further Naks become
     * Rejects. A client insisting on its own address is Nak'ed five times, then its IP-Address
     * is rejected; it stops announcing it, and the link opens on the server's assignment.
     */
    @Test
    void naksTurnIntoRejectsAfterMaxFailure() {
        IpcpSettings stubborn = new IpcpSettings(Optional.of(address("10.9.9.9")), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty(), false, false);
        BackToBack link = new BackToBack("server", new IpcpPolicy(IpcpNegotiationTest.SERVER_SETTINGS),
                "client", new IpcpPolicy(stubborn), AutomatonConfig.DEFAULTS).start();
        link.run(200);

        List<String> serverReplies = link.sentBy(link.a).stream()
                .filter(p -> p instanceof ConfigureNak || p instanceof ConfigureReject || p instanceof ConfigureAck)
                .map(p -> p.getClass().getSimpleName()).toList();
        assertThat(serverReplies).as(link::trace).containsExactly("ConfigureNak", "ConfigureNak", "ConfigureNak",
                "ConfigureNak", "ConfigureNak", "ConfigureReject", "ConfigureAck");
        assertThat(link.sentBy(link.a)).contains(new ConfigureReject(106, List.of(new IpAddress(address("10.9.9.9")))));
        assertThat(link.a.state()).isEqualTo(State.OPENED);
    }

    @Test
    void maxFailureConvertsNaksButKeepsInsistentOnesAndDropsHints() {
        ConfigurationOption mru = new LcpOption.MaximumReceiveUnit(100);
        ConfigurationOption magic = new LcpOption.MagicNumber(7);
        RequestJudgement judgement = new RequestJudgement()
                .nak(mru, new LcpOption.MaximumReceiveUnit(576))
                .nakAlways(magic, new LcpOption.MagicNumber(8))
                .suggest(new LcpOption.AddressControlFieldCompression());
        List<ConfigurationOption> request = List.of(mru, magic);

        assertThat(judgement.reply(3, request, false)).isEqualTo(new ConfigureNak(3, List.of(
                new LcpOption.MaximumReceiveUnit(576), new LcpOption.MagicNumber(8), new LcpOption.AddressControlFieldCompression())));
        assertThat(judgement.reply(3, request, true)).isEqualTo(new ConfigureReject(3, List.of(mru)));
        assertThat(new RequestJudgement().nakAlways(magic, new LcpOption.MagicNumber(8)).suggest(mru).reply(4, request, true))
                .isEqualTo(new ConfigureNak(4, List.of(new LcpOption.MagicNumber(8))));
        assertThat(new RequestJudgement().ack(mru).suggest(magic).reply(5, request, true))
                .isEqualTo(new ConfigureAck(5, request));
    }

    /** The policy's veto turns the would-be Opened into Close (RFC 1661 §4.3's advice for authentication failures). */
    @Test
    void anAgreementThePolicyRefusesNeverComesUp() {
        ScriptedPolicy refusing = new ScriptedPolicy() {
            @Override
            public Optional<Termination> agreementProblem() {
                return Optional.of(Termination.of("test-veto", "not with this agreement"));
            }
        };
        OptionNegotiationAutomaton vetoing = new OptionNegotiationAutomaton(refusing, recorder, AutomatonConfig.DEFAULTS, 1);
        Rfc1661TransitionTableTest.driveTo(vetoing, State.ACK_RCVD);
        recorder.clear();

        vetoing.receive(new ConfigureRequest(50, List.of(new LcpOption.MaximumReceiveUnit(1500))));

        assertThat(recorder.visible).containsExactly(Action.STR);
        assertThat(vetoing.state()).isEqualTo(State.CLOSING);
        assertThat(((TerminateRequest) recorder.sent.getFirst()).data())
                .isEqualTo(Octets.of("not with this agreement".getBytes()));
        vetoing.receive(new TerminateAck(0, Octets.EMPTY));
        assertThat(vetoing.termination()).map(Termination::cause).contains("test-veto");
    }

    /** driveTo(OPENED) acknowledged ConfigureRequest(20, MRU 1500); the peer sends it again, having lost our Ack. */
    @Test
    void openedReacknowledgesARetransmissionOfTheRequestItAcknowledged() {
        Rfc1661TransitionTableTest.driveTo(automaton, State.OPENED);
        recorder.clear();
        ConfigureRequest retransmission = new ConfigureRequest(20, List.of(new LcpOption.MaximumReceiveUnit(1500)));

        automaton.receive(retransmission);

        assertThat(recorder.visible).as("no tld, no scr: the layer stays up").containsExactly(Action.SCA);
        assertThat(recorder.sent).containsExactly(new ConfigureAck(20, retransmission.options()));
        assertThat(automaton.state()).isEqualTo(State.OPENED);
    }

    @Test
    void openedRenegotiatesARequestWithANewIdentifierOrOtherOptions() {
        Rfc1661TransitionTableTest.driveTo(automaton, State.OPENED);
        recorder.clear();
        automaton.receive(new ConfigureRequest(21, List.of(new LcpOption.MaximumReceiveUnit(1500))));
        assertThat(recorder.visible).as("RFC 1661 §4.1 RCR+ in Opened").containsExactly(Action.TLD, Action.SCR, Action.SCA);
        assertThat(automaton.state()).isEqualTo(State.ACK_SENT);

        automaton.receive(new ConfigureAck(lastRequest().identifier(), lastRequest().options()));
        assertThat(automaton.state()).isEqualTo(State.OPENED);
        recorder.clear();
        automaton.receive(new ConfigureRequest(21, List.of(new LcpOption.MaximumReceiveUnit(1400))));
        assertThat(recorder.visible).as("same Identifier, other options: a new request")
                .containsExactly(Action.TLD, Action.SCR, Action.SCA);
    }

    @Test
    void aRequestAnsweredWithANakIsNotReacknowledged() {
        Rfc1661TransitionTableTest.driveTo(automaton, State.OPENED);
        ConfigureRequest bad = new ConfigureRequest(30, List.of(new LcpOption.Raw(ScriptedPolicy.UNACCEPTABLE_TYPE, Octets.EMPTY)));
        automaton.receive(bad);
        assertThat(automaton.state()).isEqualTo(State.REQ_SENT);
        recorder.clear();

        automaton.receive(new ConfigureRequest(20, List.of(new LcpOption.MaximumReceiveUnit(1500))));
        assertThat(recorder.visible).as("RCR+ in Req-Sent").containsExactly(Action.SCA);
        assertThat(automaton.state()).isEqualTo(State.ACK_SENT);
    }
}
