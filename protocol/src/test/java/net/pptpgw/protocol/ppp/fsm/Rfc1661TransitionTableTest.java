package net.pptpgw.protocol.ppp.fsm;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import net.pptpgw.protocol.ppp.cp.ConfigurationOption;
import net.pptpgw.protocol.ppp.cp.ControlPacket;
import net.pptpgw.protocol.ppp.cp.ControlPacket.CodeReject;
import net.pptpgw.protocol.ppp.cp.ControlPacket.ConfigureAck;
import net.pptpgw.protocol.ppp.cp.ControlPacket.ConfigureNak;
import net.pptpgw.protocol.ppp.cp.ControlPacket.ConfigureReject;
import net.pptpgw.protocol.ppp.cp.ControlPacket.ConfigureRequest;
import net.pptpgw.protocol.ppp.cp.ControlPacket.EchoReply;
import net.pptpgw.protocol.ppp.cp.ControlPacket.EchoRequest;
import net.pptpgw.protocol.ppp.cp.ControlPacket.TerminateAck;
import net.pptpgw.protocol.ppp.cp.ControlPacket.TerminateRequest;
import net.pptpgw.protocol.ppp.cp.ControlPacket.UnknownCode;
import net.pptpgw.protocol.Octets;
import net.pptpgw.protocol.ppp.cp.ProtocolKind;
import net.pptpgw.protocol.ppp.lcp.LcpOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every cell of the RFC 1661 §4.1 state transition table, against the automaton's behaviour.
 *
 * <p>The expected table below is the RFC's, as it prints it (states across, events down,
 * "actions/next-state", footnote letters kept). For each cell the automaton is driven into the
 * state by real events, the event is applied, and what the automaton did is compared with the
 * cell: the actions visible to its caller in order (packets sent, this-layer callbacks), the
 * next state, the Restart counter (which shows irc and zrc: irc sets Max-Configure or
 * Max-Terminate, zrc zero, and every scr or str takes one off) and the Restart timer (running
 * exactly in states 4 to 8, restarted by scr, str and zrc).
 */
class Rfc1661TransitionTableTest {

    static final String RFC_1661_TABLE_STATES_0_TO_5 = """
                  | State
                  |    0         1         2         3         4         5
            Events| Initial   Starting  Closed    Stopped   Closing   Stopping
            ------+-----------------------------------------------------------
             Up   |    2     irc,scr/6     -         -         -         -
             Down |    -         -         0       tls/1       0         1
             Open |  tls/1       1     irc,scr/6     3r        5r        5r
             Close|    0       tlf/0       2         2         4         4
                  |
              TO+ |    -         -         -         -       str/4     str/5
              TO- |    -         -         -         -       tlf/2     tlf/3
                  |
             RCR+ |    -         -       sta/2 irc,scr,sca/8   4         5
             RCR- |    -         -       sta/2 irc,scr,scn/6   4         5
             RCA  |    -         -       sta/2     sta/3       4         5
             RCN  |    -         -       sta/2     sta/3       4         5
                  |
             RTR  |    -         -       sta/2     sta/3     sta/4     sta/5
             RTA  |    -         -         2         3       tlf/2     tlf/3
                  |
             RUC  |    -         -       scj/2     scj/3     scj/4     scj/5
             RXJ+ |    -         -         2         3         4         5
             RXJ- |    -         -       tlf/2     tlf/3     tlf/2     tlf/3
                  |
             RXR  |    -         -         2         3         4         5
            """;

    static final String RFC_1661_TABLE_STATES_6_TO_9 = """
                  | State
                  |    6         7         8           9
            Events| Req-Sent  Ack-Rcvd  Ack-Sent    Opened
            ------+-----------------------------------------
             Up   |    -         -         -           -
             Down |    1         1         1         tld/1
             Open |    6         7         8           9r
             Close|irc,str/4 irc,str/4 irc,str/4 tld,irc,str/4
                  |
              TO+ |  scr/6     scr/6     scr/8         -
              TO- |  tlf/3p    tlf/3p    tlf/3p        -
                  |
             RCR+ |  sca/8   sca,tlu/9   sca/8   tld,scr,sca/8
             RCR- |  scn/6     scn/7     scn/6   tld,scr,scn/6
             RCA  |  irc/7     scr/6x  irc,tlu/9   tld,scr/6x
             RCN  |irc,scr/6   scr/6x  irc,scr/8   tld,scr/6x
                  |
             RTR  |  sta/6     sta/6     sta/6   tld,zrc,sta/5
             RTA  |    6         6         8       tld,scr/6
                  |
             RUC  |  scj/6     scj/7     scj/8       scj/9
             RXJ+ |    6         6         8           9
             RXJ- |  tlf/3     tlf/3     tlf/3   tld,irc,str/5
                  |
             RXR  |    6         7         8         ser/9
            """;

    static final int MAX_CONFIGURE = 4;
    static final int MAX_TERMINATE = 3;
    static final AutomatonConfig CONFIG = new AutomatonConfig(Duration.ofSeconds(3), MAX_TERMINATE, MAX_CONFIGURE, 5);

    /** A cell as the RFC prints it: null for "-", else the actions and the next state. */
    record Cell(List<Action> actions, State next) {
        static Cell parse(String text) {
            if (text.equals("-")) {
                return null;
            }
            int slash = text.lastIndexOf('/');
            String stateText = text.substring(slash + 1).replaceAll("[a-z]$", ""); // footnotes p, r, x
            List<Action> actions = new ArrayList<>();
            if (slash > 0) {
                for (String name : text.substring(0, slash).split(",")) {
                    actions.add(Arrays.stream(Action.values()).filter(a -> a.rfcName().equals(name)).findFirst()
                            .orElseThrow(() -> new IllegalArgumentException("unknown action " + name)));
                }
            }
            return new Cell(actions, State.values()[Integer.parseInt(stateText)]);
        }
    }

    static Map<State, Map<Event, String>> rfcTable() {
        Map<State, Map<Event, String>> table = new EnumMap<>(State.class);
        parseHalf(RFC_1661_TABLE_STATES_0_TO_5, 0, table);
        parseHalf(RFC_1661_TABLE_STATES_6_TO_9, 6, table);
        return table;
    }

    private static void parseHalf(String text, int firstState, Map<State, Map<Event, String>> table) {
        for (String line : text.split("\n")) {
            String[] parts = line.split("\\|", 2);
            String eventName = parts[0].trim();
            Event event = Arrays.stream(Event.values()).filter(e -> e.rfcName().equals(eventName)).findFirst().orElse(null);
            if (event == null) {
                continue; // headings and blank rows
            }
            String[] cells = parts[1].trim().split("\\s+");
            for (int i = 0; i < cells.length; i++) {
                table.computeIfAbsent(State.values()[firstState + i], s -> new EnumMap<>(Event.class)).put(event, cells[i]);
            }
        }
    }

    static Stream<Arguments> cells() {
        List<Arguments> arguments = new ArrayList<>();
        rfcTable().forEach((state, row) -> row.forEach((event, cell) -> arguments.add(Arguments.of(state, event, cell))));
        return arguments.stream();
    }

    @Test
    void theTableHasAllTenStatesAndSixteenEvents() {
        Map<State, Map<Event, String>> table = rfcTable();
        assertThat(table).hasSize(10);
        table.values().forEach(row -> assertThat(row).hasSize(16));
    }

    @Test
    void theImplementationTableEqualsTheRfcTable() {
        rfcTable().forEach((state, row) -> row.forEach((event, text) -> {
            Cell cell = Cell.parse(text);
            assertThat(TransitionTable.lookup(state, event).map(t -> new Cell(t.actions(), t.next())).orElse(null))
                    .as("%s in %s: RFC says %s", event, state, text).isEqualTo(cell);
        }));
    }

    @ParameterizedTest(name = "{1} in {0}: {2}")
    @MethodSource("cells")
    void automatonBehavesAsTheCellSays(State state, Event event, String text) {
        Recorder recorder = new Recorder();
        OptionNegotiationAutomaton automaton = new OptionNegotiationAutomaton(new ScriptedPolicy(), recorder, CONFIG, 0x40);
        driveTo(automaton, state);
        assertThat(automaton.state()).as("prepared state").isEqualTo(state);
        if (event == Event.TIMEOUT_WITH_COUNTER) {
            automaton.forceRestartCounter(1);
        } else if (event == Event.TIMEOUT_EXPIRED) {
            automaton.forceRestartCounter(0);
        }
        int counterBefore = automaton.restartCounter();
        boolean timerBefore = recorder.timerRunning;
        recorder.clear();
        if (event == Event.TIMEOUT_WITH_COUNTER || event == Event.TIMEOUT_EXPIRED) {
            recorder.timerRunning = false; // the timer fires once: expiry ends it
        }

        apply(automaton, event);

        Cell cell = Cell.parse(text);
        if (cell == null) {
            assertThat(recorder.visible).as("an illegal transition does nothing").isEmpty();
            assertThat(automaton.state()).isEqualTo(state);
            assertThat(automaton.restartCounter()).isEqualTo(counterBefore);
            assertThat(recorder.timerRunning).isEqualTo(timerBefore && !isTimeout(event));
            return;
        }
        assertThat(recorder.visible).as("visible actions").isEqualTo(cell.actions().stream()
                .filter(a -> a != Action.IRC && a != Action.ZRC).toList());
        assertThat(automaton.state()).as("next state").isEqualTo(cell.next());

        boolean sends = cell.actions().contains(Action.SCR) || cell.actions().contains(Action.STR);
        int expectedCounter = cell.actions().contains(Action.IRC)
                ? (cell.actions().contains(Action.STR) ? MAX_TERMINATE : MAX_CONFIGURE)
                : cell.actions().contains(Action.ZRC) ? 0 : counterBefore;
        assertThat(automaton.restartCounter()).as("restart counter (irc/zrc/scr/str)")
                .isEqualTo(expectedCounter - (sends ? 1 : 0));

        assertThat(recorder.timerRunning).as("restart timer runs in states 4-8 only")
                .isEqualTo(cell.next().restartTimerRuns());
        if (sends || cell.actions().contains(Action.ZRC)) {
            assertThat(recorder.timerStarts).as("scr, str and zrc start the timer").isPositive();
        }
    }

    private static boolean isTimeout(Event event) {
        return event == Event.TIMEOUT_WITH_COUNTER || event == Event.TIMEOUT_EXPIRED;
    }

    /** Real events from a fresh automaton to {@code target}, so every prepared state is one the automaton can be in. */
    static void driveTo(OptionNegotiationAutomaton automaton, State target) {
        switch (target) {
            case INITIAL -> {}
            case STARTING -> automaton.open();
            case CLOSED -> {
                reqSent(automaton);
                automaton.close(Termination.of(Termination.ADMINISTRATIVE_CLOSE, "test"));
                automaton.receive(new TerminateAck(0, Octets.EMPTY));
            }
            case STOPPED -> {
                reqSent(automaton);
                automaton.receive(codeReject(1));
            }
            case CLOSING -> {
                reqSent(automaton);
                automaton.close(Termination.of(Termination.ADMINISTRATIVE_CLOSE, "test"));
            }
            case STOPPING -> {
                driveTo(automaton, State.OPENED);
                automaton.receive(new TerminateRequest(9, Octets.EMPTY));
            }
            case REQ_SENT -> reqSent(automaton);
            case ACK_RCVD -> {
                reqSent(automaton);
                automaton.receive(ackOfLastRequest(automaton));
            }
            case ACK_SENT -> {
                reqSent(automaton);
                automaton.receive(goodRequest());
            }
            case OPENED -> {
                driveTo(automaton, State.ACK_RCVD);
                automaton.receive(goodRequest());
            }
        }
    }

    private static void reqSent(OptionNegotiationAutomaton automaton) {
        automaton.up();
        automaton.open();
    }

    static void apply(OptionNegotiationAutomaton automaton, Event event) {
        switch (event) {
            case UP -> automaton.up();
            case DOWN -> automaton.down();
            case OPEN -> automaton.open();
            case CLOSE -> automaton.close(Termination.of(Termination.ADMINISTRATIVE_CLOSE, "test"));
            case TIMEOUT_WITH_COUNTER, TIMEOUT_EXPIRED -> automaton.timeout();
            // A new Identifier: the same request again would be a retransmission, which Opened re-acknowledges.
            case RECEIVE_CONFIGURE_REQUEST_GOOD -> automaton.receive(goodRequest(26));
            case RECEIVE_CONFIGURE_REQUEST_BAD -> automaton.receive(new ConfigureRequest(21,
                    List.of(new LcpOption.Raw(ScriptedPolicy.UNACCEPTABLE_TYPE, Octets.EMPTY))));
            case RECEIVE_CONFIGURE_ACK -> automaton.receive(ackOfLastRequest(automaton));
            case RECEIVE_CONFIGURE_NAK -> automaton.receive(new ConfigureNak(lastIdentifier(automaton),
                    List.of(new LcpOption.MaximumReceiveUnit(1300))));
            case RECEIVE_TERMINATE_REQUEST -> automaton.receive(new TerminateRequest(22, Octets.EMPTY));
            case RECEIVE_TERMINATE_ACK -> automaton.receive(new TerminateAck(23, Octets.EMPTY));
            case RECEIVE_UNKNOWN_CODE -> automaton.receive(new UnknownCode(0x30, 24, Octets.fromHex("abcd")));
            case RECEIVE_REJECT_PERMITTED -> automaton.receive(codeReject(9)); // Echo-Request: optional
            case RECEIVE_REJECT_CATASTROPHIC -> automaton.receive(codeReject(1)); // Configure-Request
            case RECEIVE_ECHO_OR_DISCARD -> automaton.receive(new EchoRequest(25, 0x1234, Octets.fromHex("00")));
        }
    }

    private static ConfigureRequest goodRequest() {
        return goodRequest(20);
    }

    private static ConfigureRequest goodRequest(int identifier) {
        return new ConfigureRequest(identifier, List.of(new LcpOption.MaximumReceiveUnit(1500)));
    }

    private static ControlPacket ackOfLastRequest(OptionNegotiationAutomaton automaton) {
        ConfigureRequest last = automaton.lastRequest().orElse(new ConfigureRequest(0, List.of()));
        return new ConfigureAck(last.identifier(), last.options());
    }

    private static int lastIdentifier(OptionNegotiationAutomaton automaton) {
        return automaton.lastRequest().map(ConfigureRequest::identifier).orElse(0);
    }

    private static CodeReject codeReject(int rejectedCode) {
        return new CodeReject(26, Octets.of((byte) rejectedCode, (byte) 1, (byte) 0, (byte) 4));
    }

    /** Accepts every option but one type; adopts every Nak and Reject. Just enough to steer RCR+/RCR-. */
    static class ScriptedPolicy implements NegotiationPolicy {
        static final int UNACCEPTABLE_TYPE = 99;

        @Override
        public ProtocolKind protocol() {
            return ProtocolKind.LCP;
        }

        @Override
        public void startNegotiation() {}

        @Override
        public List<ConfigurationOption> requestedOptions() {
            return List.of(new LcpOption.MaximumReceiveUnit(1400));
        }

        @Override
        public void requestAcknowledged(List<ConfigurationOption> options) {}

        @Override
        public ReplyOutcome nakReceived(List<ConfigurationOption> options) {
            return ReplyOutcome.ADOPTED;
        }

        @Override
        public ReplyOutcome rejectReceived(List<ConfigurationOption> options) {
            return ReplyOutcome.ADOPTED;
        }

        @Override
        public RequestJudgement judgePeerRequest(List<ConfigurationOption> options) {
            RequestJudgement judgement = new RequestJudgement();
            for (ConfigurationOption option : options) {
                if (option.type() == UNACCEPTABLE_TYPE) {
                    judgement.reject(option);
                } else {
                    judgement.ack(option);
                }
            }
            return judgement;
        }

        @Override
        public void peerRequestAcknowledged(List<ConfigurationOption> options) {}
    }

    /** Records what the automaton does that its caller can see, in order, by the RFC's action names. */
    static final class Recorder implements AutomatonActions {
        final List<Action> visible = new ArrayList<>();
        final List<ControlPacket> sent = new ArrayList<>();
        boolean timerRunning;
        int timerStarts;

        void clear() {
            visible.clear();
            sent.clear();
            timerStarts = 0;
        }

        @Override
        public void send(ControlPacket packet) {
            sent.add(packet);
            visible.add(switch (packet) {
                case ConfigureRequest p -> Action.SCR;
                case ConfigureAck p -> Action.SCA;
                case ConfigureNak p -> Action.SCN;
                case ConfigureReject p -> Action.SCN;
                case TerminateRequest p -> Action.STR;
                case TerminateAck p -> Action.STA;
                case CodeReject p -> Action.SCJ;
                case EchoReply p -> Action.SER;
                default -> throw new AssertionError("unexpected packet " + packet);
            });
        }

        @Override
        public void thisLayerUp() {
            visible.add(Action.TLU);
        }

        @Override
        public void thisLayerDown() {
            visible.add(Action.TLD);
        }

        @Override
        public void thisLayerStarted() {
            visible.add(Action.TLS);
        }

        @Override
        public void thisLayerFinished(Termination reason) {
            visible.add(Action.TLF);
        }

        @Override
        public void startRestartTimer(Duration timeout) {
            timerRunning = true;
            timerStarts++;
        }

        @Override
        public void stopRestartTimer() {
            timerRunning = false;
        }
    }
}
