package net.pptpgw.gateway.inspect;

import java.time.Duration;
import java.time.Instant;
import net.pptpgw.gateway.inspect.ControlFlow.Direction;
import net.pptpgw.gateway.inspect.InspectionReport.Call;

/**
 * One call on a control connection (RFC 2637 §2.7-§2.13): its call IDs as the messages announce
 * them, its state, its GRE per direction and its PPP session.
 */
final class CallTracker {

    /** A Call-Clear-Request normally gets its Call-Disconnect-Notify at once; allow for a slow PAC. */
    private static final Duration CDN_WAIT = Duration.ofSeconds(5);

    enum Kind {
        OUTGOING,
        INCOMING
    }

    enum State {
        REQUESTED,
        CONNECTED,
        FAILED,
        CLEARED,
        DISCONNECTED
    }

    final Kind kind;
    final long startFrame;
    final Instant start;
    final PppTracker ppp;
    Integer pnsCallId;
    Integer pacCallId;
    State state = State.REQUESTED;
    /** The Outgoing-Call-Reply's or Incoming-Call-Reply's result, with the error when there is one. */
    String replyResult;
    /** The Call-Disconnect-Notify's result, with the error when there is one. */
    String disconnectResult;
    /** The Outgoing-Call-Reply or Incoming-Call-Connected that let GRE flow. */
    long connectFrame = -1;
    Instant connectTime;
    long clearFrame = -1;
    Instant clearTime;
    long endFrame = -1;
    Instant end;
    GreFlowTracker clientToServer;
    GreFlowTracker serverToClient;

    CallTracker(Kind kind, long startFrame, Instant start, Findings findings, String place) {
        this.kind = kind;
        this.startFrame = startFrame;
        this.start = start;
        this.ppp = new PppTracker(findings, place);
    }

    /** Whether the call still holds its call IDs: not failed, not disconnected. */
    boolean active() {
        return state == State.REQUESTED || state == State.CONNECTED || state == State.CLEARED;
    }

    void connected(long frame, Instant timestamp) {
        state = State.CONNECTED;
        connectFrame = frame;
        connectTime = timestamp;
    }

    void cleared(long frame, Instant timestamp) {
        if (state == State.CONNECTED || state == State.REQUESTED) {
            state = State.CLEARED;
        }
        clearFrame = frame;
        clearTime = timestamp;
        ended(frame, timestamp);
    }

    /** A Call-Disconnect-Notify: the call is over, whether or not a Call-Clear-Request asked for it. */
    void disconnected(long frame, Instant timestamp, String result) {
        state = State.DISCONNECTED;
        disconnectResult = result;
        endFrame = frame;
        end = timestamp;
    }

    void ended(long frame, Instant timestamp) {
        if (endFrame < 0) {
            endFrame = frame;
            end = timestamp;
        }
    }

    GreFlowTracker flow(Direction sender) {
        return sender == Direction.CLIENT_TO_SERVER ? clientToServer : serverToClient;
    }

    /**
     * Whether a Call-Clear-Request went unanswered: the control connection closed, or the capture
     * went on well past it, without a Call-Disconnect-Notify (RFC 2637 §2.12: the PAC answers one).
     */
    boolean clearedWithoutDisconnect(boolean connectionClosed, Instant captureEnd) {
        return state == State.CLEARED && (connectionClosed
                || (captureEnd != null && Duration.between(clearTime, captureEnd).compareTo(CDN_WAIT) >= 0));
    }

    Call report(CaptureClock clock, Instant captureEnd) {
        return new Call(kind.name().toLowerCase(), pnsCallId, pacCallId, state.name().toLowerCase(), replyResult,
                disconnectResult,
                startFrame, clock.seconds(start), endFrame < 0 ? null : endFrame, end == null ? null : clock.seconds(end),
                clientToServer == null ? null : clientToServer.report(),
                serverToClient == null ? null : serverToClient.report(), ppp.report(clock, captureEnd));
    }
}
