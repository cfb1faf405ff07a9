package net.pptpgw.protocol.ppp.fsm;

import static net.pptpgw.protocol.ppp.fsm.Action.IRC;
import static net.pptpgw.protocol.ppp.fsm.Action.SCA;
import static net.pptpgw.protocol.ppp.fsm.Action.SCJ;
import static net.pptpgw.protocol.ppp.fsm.Action.SCN;
import static net.pptpgw.protocol.ppp.fsm.Action.SCR;
import static net.pptpgw.protocol.ppp.fsm.Action.SER;
import static net.pptpgw.protocol.ppp.fsm.Action.STA;
import static net.pptpgw.protocol.ppp.fsm.Action.STR;
import static net.pptpgw.protocol.ppp.fsm.Action.TLD;
import static net.pptpgw.protocol.ppp.fsm.Action.TLF;
import static net.pptpgw.protocol.ppp.fsm.Action.TLS;
import static net.pptpgw.protocol.ppp.fsm.Action.TLU;
import static net.pptpgw.protocol.ppp.fsm.Action.ZRC;
import static net.pptpgw.protocol.ppp.fsm.State.ACK_RCVD;
import static net.pptpgw.protocol.ppp.fsm.State.ACK_SENT;
import static net.pptpgw.protocol.ppp.fsm.State.CLOSED;
import static net.pptpgw.protocol.ppp.fsm.State.CLOSING;
import static net.pptpgw.protocol.ppp.fsm.State.INITIAL;
import static net.pptpgw.protocol.ppp.fsm.State.OPENED;
import static net.pptpgw.protocol.ppp.fsm.State.REQ_SENT;
import static net.pptpgw.protocol.ppp.fsm.State.STARTING;
import static net.pptpgw.protocol.ppp.fsm.State.STOPPED;
import static net.pptpgw.protocol.ppp.fsm.State.STOPPING;

import java.util.List;
import java.util.Optional;

/**
 * The complete state transition table of RFC 1661 §4.1, one event (one row of the RFC's table)
 * per {@code case}, one state (one column) per inner {@code case}. A missing cell is the RFC's
 * dash: an illegal transition, which the automaton ignores.
 *
 * <p>The footnotes are not options here: "p" (passive Stopped) and "r" (restart on Open) are
 * left to the caller, which can call {@code down()} then {@code up()} to restart; "x" (crossed
 * connection) needs nothing beyond the cell itself.
 */
public final class TransitionTable {

    private TransitionTable() {}

    /** The cell for {@code event} in {@code state}, or empty for the RFC's "-" (illegal transition). */
    public static Optional<Transition> lookup(State state, Event event) {
        return Optional.ofNullable(cell(state, event));
    }

    private static Transition cell(State state, Event event) {
        return switch (event) {
            case UP -> switch (state) {
                case INITIAL -> to(CLOSED);
                case STARTING -> to(REQ_SENT, IRC, SCR);
                default -> null;
            };
            case DOWN -> switch (state) {
                case CLOSED -> to(INITIAL);
                case STOPPED -> to(STARTING, TLS);
                case CLOSING -> to(INITIAL);
                case STOPPING, REQ_SENT, ACK_RCVD, ACK_SENT -> to(STARTING);
                case OPENED -> to(STARTING, TLD);
                default -> null;
            };
            case OPEN -> switch (state) {
                case INITIAL -> to(STARTING, TLS);
                case STARTING -> to(STARTING);
                case CLOSED -> to(REQ_SENT, IRC, SCR);
                case CLOSING -> to(STOPPING);
                case STOPPED, STOPPING, REQ_SENT, ACK_RCVD, ACK_SENT, OPENED -> stay(state);
            };
            case CLOSE -> switch (state) {
                case INITIAL -> to(INITIAL);
                case STARTING -> to(INITIAL, TLF);
                case CLOSED, STOPPED -> to(CLOSED);
                case CLOSING, STOPPING -> to(CLOSING);
                case REQ_SENT, ACK_RCVD, ACK_SENT -> to(CLOSING, IRC, STR);
                case OPENED -> to(CLOSING, TLD, IRC, STR);
            };
            case TIMEOUT_WITH_COUNTER -> switch (state) {
                case CLOSING -> to(CLOSING, STR);
                case STOPPING -> to(STOPPING, STR);
                case REQ_SENT, ACK_RCVD -> to(REQ_SENT, SCR);
                case ACK_SENT -> to(ACK_SENT, SCR);
                default -> null;
            };
            case TIMEOUT_EXPIRED -> switch (state) {
                case CLOSING -> to(CLOSED, TLF);
                case STOPPING, REQ_SENT, ACK_RCVD, ACK_SENT -> to(STOPPED, TLF);
                default -> null;
            };
            case RECEIVE_CONFIGURE_REQUEST_GOOD -> switch (state) {
                case CLOSED -> to(CLOSED, STA);
                case STOPPED -> to(ACK_SENT, IRC, SCR, SCA);
                case CLOSING, STOPPING -> stay(state);
                case REQ_SENT, ACK_SENT -> to(ACK_SENT, SCA);
                case ACK_RCVD -> to(OPENED, SCA, TLU);
                case OPENED -> to(ACK_SENT, TLD, SCR, SCA);
                default -> null;
            };
            case RECEIVE_CONFIGURE_REQUEST_BAD -> switch (state) {
                case CLOSED -> to(CLOSED, STA);
                case STOPPED -> to(REQ_SENT, IRC, SCR, SCN);
                case CLOSING, STOPPING -> stay(state);
                case REQ_SENT, ACK_SENT -> to(REQ_SENT, SCN);
                case ACK_RCVD -> to(ACK_RCVD, SCN);
                case OPENED -> to(REQ_SENT, TLD, SCR, SCN);
                default -> null;
            };
            case RECEIVE_CONFIGURE_ACK -> switch (state) {
                case CLOSED, STOPPED -> to(state, STA);
                case CLOSING, STOPPING -> stay(state);
                case REQ_SENT -> to(ACK_RCVD, IRC);
                case ACK_RCVD -> to(REQ_SENT, SCR);
                case ACK_SENT -> to(OPENED, IRC, TLU);
                case OPENED -> to(REQ_SENT, TLD, SCR);
                default -> null;
            };
            case RECEIVE_CONFIGURE_NAK -> switch (state) {
                case CLOSED, STOPPED -> to(state, STA);
                case CLOSING, STOPPING -> stay(state);
                case REQ_SENT -> to(REQ_SENT, IRC, SCR);
                case ACK_RCVD -> to(REQ_SENT, SCR);
                case ACK_SENT -> to(ACK_SENT, IRC, SCR);
                case OPENED -> to(REQ_SENT, TLD, SCR);
                default -> null;
            };
            case RECEIVE_TERMINATE_REQUEST -> switch (state) {
                case CLOSED, STOPPED, CLOSING, STOPPING -> to(state, STA);
                case REQ_SENT, ACK_RCVD, ACK_SENT -> to(REQ_SENT, STA);
                case OPENED -> to(STOPPING, TLD, ZRC, STA);
                default -> null;
            };
            case RECEIVE_TERMINATE_ACK -> switch (state) {
                case CLOSED, STOPPED -> stay(state);
                case CLOSING -> to(CLOSED, TLF);
                case STOPPING -> to(STOPPED, TLF);
                case REQ_SENT, ACK_RCVD -> to(REQ_SENT);
                case ACK_SENT -> to(ACK_SENT);
                case OPENED -> to(REQ_SENT, TLD, SCR);
                default -> null;
            };
            case RECEIVE_UNKNOWN_CODE -> switch (state) {
                case INITIAL, STARTING -> null;
                default -> to(state, SCJ);
            };
            case RECEIVE_REJECT_PERMITTED -> switch (state) {
                case INITIAL, STARTING -> null;
                case ACK_RCVD -> to(REQ_SENT);
                default -> stay(state);
            };
            case RECEIVE_REJECT_CATASTROPHIC -> switch (state) {
                case CLOSED, CLOSING -> to(CLOSED, TLF);
                case STOPPED, STOPPING, REQ_SENT, ACK_RCVD, ACK_SENT -> to(STOPPED, TLF);
                case OPENED -> to(STOPPING, TLD, IRC, STR);
                default -> null;
            };
            case RECEIVE_ECHO_OR_DISCARD -> switch (state) {
                case INITIAL, STARTING -> null;
                case OPENED -> to(OPENED, SER);
                default -> stay(state);
            };
        };
    }

    private static Transition to(State next, Action... actions) {
        return new Transition(List.of(actions), next);
    }

    private static Transition stay(State state) {
        return new Transition(List.of(), state);
    }
}
