package net.pptpgw.protocol.ppp.fsm;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import net.pptpgw.protocol.ppp.cp.ControlPacket;
import net.pptpgw.protocol.ppp.cp.ControlPacket.ConfigureAck;
import net.pptpgw.protocol.ppp.cp.ControlPacketCodec;
import net.pptpgw.protocol.ppp.cp.ProtocolKind;
import net.pptpgw.protocol.testing.Fuzz;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A hostile peer: random and mutated packets (seeded with a real negotiation, so identifiers
 * and options are often almost right) decoded and fed to a server automaton with its real
 * policy, interleaved with timeouts and restarts. Decoding may reject a packet; the automaton
 * must take every packet that decodes without throwing, and keep wandering through its states.
 */
class AutomatonFuzzTest {

    @ParameterizedTest
    @EnumSource(ProtocolKind.class)
    void automatonTakesAnyDecodablePacket(ProtocolKind kind) {
        BackToBack seedsLink = link(kind).start();
        seedsLink.run(200);
        seedsLink.b.automaton.close(Termination.of(Termination.ADMINISTRATIVE_CLOSE, "User request"));
        seedsLink.run(200);
        List<byte[]> seeds = seedsLink.wire.stream().map(BackToBack.Flight::octets).toList();

        BackToBack target = link(kind);
        OptionNegotiationAutomaton automaton = target.a.automaton;
        Set<State> visited = EnumSet.noneOf(State.class);
        int[] inputs = {0};
        Fuzz.run("fsm-" + kind.label(), seeds, in -> {
            ControlPacket packet = ControlPacketCodec.decode(kind, in);
            automaton.receive(packet);
            visited.add(automaton.state());
            target.inFlight.clear(); // our answers go nowhere
            // Between hostile packets, the events a real link produces: a valid Ack now and then
            // (to reach Ack-Rcvd and Opened), timeouts, an administrative close, restarts.
            int n = ++inputs[0];
            if (n % 8 == 0) {
                automaton.lastRequest().ifPresent(r -> automaton.receive(new ConfigureAck(r.identifier(), r.options())));
            }
            if (n % 16 == 0) {
                automaton.timeout();
            }
            if (n % 97 == 0) {
                automaton.close(Termination.of(Termination.ADMINISTRATIVE_CLOSE, "fuzz"));
            }
            if (automaton.state().quiescent()) {
                automaton.open();
                automaton.up();
            }
            visited.add(automaton.state());
        });
        if (Fuzz.iterations() >= 10_000) {
            assertThat(visited).as("states reached by fuzzing")
                    .contains(State.REQ_SENT, State.ACK_RCVD, State.ACK_SENT, State.OPENED, State.CLOSING, State.STOPPING);
        }
    }

    private static BackToBack link(ProtocolKind kind) {
        return switch (kind) {
            case LCP -> new BackToBack("server", new LcpPolicy(LcpSettings.server(LcpNegotiationTest.ALL), new SplittableRandom(1)),
                    "client", new LcpPolicy(LcpSettings.client(List.of(AuthenticationMethod.PAP)), new SplittableRandom(2)),
                    AutomatonConfig.DEFAULTS);
            case IPCP -> new BackToBack("server", new IpcpPolicy(IpcpNegotiationTest.SERVER_SETTINGS),
                    "client", new IpcpPolicy(IpcpSettings.client(true, true)), AutomatonConfig.DEFAULTS);
            case CCP -> new BackToBack("server", new CcpPolicy(CcpNegotiationTest.SERVER_ALLOWS_ALL, true),
                    "client", new CcpPolicy(CcpSettings.require128Stateless(), true), AutomatonConfig.DEFAULTS);
        };
    }
}
