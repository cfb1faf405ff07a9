package net.pptpgw.protocol.ppp.fsm;

import java.util.List;
import java.util.Objects;

/**
 * One cell of the RFC 1661 §4.1 table: the actions to take, in order, and the next state.
 *
 * @param actions what to do, in the order the RFC lists them
 * @param next the state after the actions
 */
public record Transition(List<Action> actions, State next) {

    public Transition {
        actions = List.copyOf(actions);
        Objects.requireNonNull(next, "next");
    }

    public boolean has(Action action) {
        return actions.contains(action);
    }

    @Override
    public String toString() {
        StringBuilder cell = new StringBuilder();
        for (Action action : actions) {
            cell.append(cell.isEmpty() ? "" : ",").append(action.rfcName());
        }
        return cell.append(cell.isEmpty() ? "" : "/").append(next.number()).toString();
    }
}
