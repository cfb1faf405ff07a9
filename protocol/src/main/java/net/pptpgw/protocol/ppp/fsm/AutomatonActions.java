package net.pptpgw.protocol.ppp.fsm;

import java.time.Duration;
import net.pptpgw.protocol.ppp.cp.ControlPacket;

/**
 * What the automaton asks of its caller (RFC 1661 §4.4 actions that leave the automaton). The
 * caller owns transport and time: it frames and sends packets, runs one timer, and calls
 * {@link OptionNegotiationAutomaton#timeout()} when that timer expires.
 *
 * <p>Calls arrive synchronously from within the automaton's event methods, in the order the
 * RFC's table lists the actions. An implementation must not call back into the same automaton
 * from inside these methods; it may queue events instead.
 */
public interface AutomatonActions {

    /** Sends a packet of this automaton's protocol to the peer (scr, sca, scn, str, sta, scj, ser). */
    void send(ControlPacket packet);

    /** This-Layer-Up: the layer entered Opened with the agreement the policy now holds. */
    void thisLayerUp();

    /** This-Layer-Down: the layer left Opened; upper layers must stop using it. */
    void thisLayerDown();

    /** This-Layer-Started: the layer needs the lower layer; the caller should bring it Up. */
    void thisLayerStarted();

    /** This-Layer-Finished: the layer no longer needs the lower layer, for {@code reason}. */
    void thisLayerFinished(Termination reason);

    /** (Re)starts the Restart timer: after {@code timeout}, call {@code timeout()} once. */
    void startRestartTimer(Duration timeout);

    /** Stops the Restart timer; a late expiry is then ignored by the automaton anyway. */
    void stopRestartTimer();

    /**
     * A received packet was silently discarded, as the RFC asks (wrong identifier, invalid
     * reply, illegal in this state). For logs and counters; the default ignores it.
     */
    default void discarded(ControlPacket packet, String reason) {}
}
