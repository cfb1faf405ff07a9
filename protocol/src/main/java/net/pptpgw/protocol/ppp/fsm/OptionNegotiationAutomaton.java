package net.pptpgw.protocol.ppp.fsm;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import net.pptpgw.protocol.ppp.cp.ConfigurationOption;
import net.pptpgw.protocol.ppp.cp.ControlCode;
import net.pptpgw.protocol.ppp.cp.ControlPacket;
import net.pptpgw.protocol.ppp.cp.ControlPacket.CodeReject;
import net.pptpgw.protocol.ppp.cp.ControlPacket.ConfigureAck;
import net.pptpgw.protocol.ppp.cp.ControlPacket.ConfigureNak;
import net.pptpgw.protocol.ppp.cp.ControlPacket.ConfigurePacket;
import net.pptpgw.protocol.ppp.cp.ControlPacket.ConfigureReject;
import net.pptpgw.protocol.ppp.cp.ControlPacket.ConfigureRequest;
import net.pptpgw.protocol.ppp.cp.ControlPacket.DiscardRequest;
import net.pptpgw.protocol.ppp.cp.ControlPacket.EchoReply;
import net.pptpgw.protocol.ppp.cp.ControlPacket.EchoRequest;
import net.pptpgw.protocol.ppp.cp.ControlPacket.Identification;
import net.pptpgw.protocol.ppp.cp.ControlPacket.ProtocolReject;
import net.pptpgw.protocol.ppp.cp.ControlPacket.ResetAck;
import net.pptpgw.protocol.ppp.cp.ControlPacket.ResetRequest;
import net.pptpgw.protocol.ppp.cp.ControlPacket.TerminateAck;
import net.pptpgw.protocol.ppp.cp.ControlPacket.TerminateRequest;
import net.pptpgw.protocol.ppp.cp.ControlPacket.TimeRemaining;
import net.pptpgw.protocol.ppp.cp.ControlPacket.UnknownCode;
import net.pptpgw.protocol.ppp.cp.ControlPacketCodec;
import net.pptpgw.protocol.Octets;
import net.pptpgw.protocol.ppp.cp.ProtocolKind;

/**
 * The option negotiation automaton of RFC 1661 §4, shared by LCP, IPCP and CCP: the ten states,
 * the events, and the actions of the §4.1 table ({@link TransitionTable}), with the Restart
 * timer and the Max-Terminate, Max-Configure and Max-Failure counters of §4.6.
 *
 * <p>Pure and single-threaded: the caller feeds events (administrative {@link #open}/{@link
 * #close}, lower layer {@link #up}/{@link #down}, {@link #receive received packets}, {@link
 * #timeout timer expiry}) and carries out what {@link AutomatonActions} asks. Everything
 * protocol-specific, what to request and what to accept, is the {@link NegotiationPolicy}'s.
 *
 * <p>Received packets are classified as the RFC says:
 *
 * <ul>
 *   <li>Configure-Request: the policy judges it (RCR+ if the reply is a Configure-Ack, RCR- if
 *       it is a Nak or Reject), but only in states where the answer matters; in Closed,
 *       Closing and Stopping the table answers (or ignores) it without looking inside.
 *   <li>Configure-Ack/Nak/Reject: silently discarded unless the Identifier is that of our last
 *       Configure-Request (§5.2-5.4), an Ack repeats its options exactly (§5.2) and a Reject's
 *       options are a subsequence of them (§5.4). Duplicates of a valid reply stay valid, as in
 *       the RFC (the "crossed connection" cells handle them).
 *   <li>Code-Reject of Configure-*, Terminate-* or Code-Reject itself is RXJ- (the layer cannot
 *       work); of any other code, RXJ+. Protocol-Reject (LCP only) of LCP itself is RXJ-, of
 *       another protocol RXJ+; the engine then tells that protocol's automaton through {@link
 *       #protocolRejected}.
 *   <li>Echo-Request/Reply, Discard-Request, Identification, Time-Remaining: RXR.
 *   <li>Reset-Request/Reset-Ack (CCP): the compressor's business, ignored here.
 * </ul>
 *
 * <p>One deliberate addition to the table: when a transition would perform This-Layer-Up but
 * {@link NegotiationPolicy#agreementProblem} refuses the agreement, the automaton takes the
 * Close event from the current state instead. That is the RFC's own advice for a failed
 * authentication (§4.3 Close: "simulating a Close event"), applied before the layer is
 * announced up so that no upper layer ever runs on an unacceptable agreement.
 *
 * <p>And one exception: in Opened, a retransmission of the Configure-Request we acknowledged
 * (same Identifier, same options) is acknowledged again instead of restarting the negotiation;
 * see {@code receiveConfigureRequest} for why (a livelock under loss otherwise).
 *
 * <p>What it keeps is sized for the many Opened automata a concentrator holds (issue 5: 60,000
 * sessions of three layers each): our last Configure-Request as its Identifier only (the options
 * are the policy's to rebuild, {@link NegotiationPolicy#requestedOptions}), and the peer's
 * acknowledged one as Identifier and octets.
 */
public final class OptionNegotiationAutomaton {

    private final NegotiationPolicy policy;
    private final AutomatonActions actions;
    private final AutomatonConfig config;

    private State state = State.INITIAL;
    private int restartCounter;
    private boolean timerRunning;
    private int nextIdentifier;
    /**
     * The Identifier of our last Configure-Request, which replies must match; -1 before the
     * first. Its options are not kept: the policy gives the same ones until it adopts a reply or
     * starts a new negotiation (the {@link NegotiationPolicy#requestedOptions} contract), and
     * either is followed by a new request here (or, for a reply that fails the negotiation, by
     * Close, where replies change nothing). See {@link #lastRequest()}.
     */
    private int lastRequestIdentifier = NONE;
    /** Whether a valid reply to our last request arrived, after which its Identifier must change (§5.1). */
    private boolean lastRequestAnswered;
    /**
     * The peer's Configure-Request our last Configure-Ack answered, -1 once we answered another
     * with a Nak or Reject: in Opened it is the request the agreement rests on, which {@code
     * receiveConfigureRequest} re-acknowledges if the peer sends it again. Its options are kept
     * as octets (one array of 24-48 bytes for what PPTP peers send, rather than a packet, a list
     * and an object per option, 100-200 bytes): the comparison is octet for octet anyway, and an
     * exact copy, unlike a hash, can never let a different request through unjudged.
     */
    private int acknowledgedIdentifier = NONE;
    private byte[] acknowledgedOptions;
    /** Configure-Naks sent since the last Configure-Ack we sent (Max-Failure, §4.6). */
    private int naksSent;
    /** Why the layer is closing or finished; reported with This-Layer-Finished. */
    private Termination termination;
    private String peerTerminateReason;
    private int peerMru = LinkMaintenance.DEFAULT_MRU;

    private static final int NONE = -1;

    /**
     * @param firstIdentifier the Identifier of the first packet this automaton sends (0..255);
     *     a random one makes stale replies from an earlier session unlikely to match
     */
    public OptionNegotiationAutomaton(
            NegotiationPolicy policy, AutomatonActions actions, AutomatonConfig config, int firstIdentifier) {
        this.policy = Objects.requireNonNull(policy, "policy");
        this.actions = Objects.requireNonNull(actions, "actions");
        this.config = Objects.requireNonNull(config, "config");
        this.nextIdentifier = firstIdentifier & 0xff;
    }

    public State state() {
        return state;
    }

    public ProtocolKind protocol() {
        return policy.protocol();
    }

    public NegotiationPolicy policy() {
        return policy;
    }

    /** The Restart counter: Configure- or Terminate-Requests still to send before TO- (§4.6). */
    public int restartCounter() {
        return restartCounter;
    }

    /** Whether this automaton wants the Restart timer running (it started and did not stop it). */
    public boolean restartTimerRunning() {
        return timerRunning;
    }

    /** Why the layer is closing or finished, when known. */
    public Optional<Termination> termination() {
        return Optional.ofNullable(termination);
    }

    /**
     * Our last Configure-Request, if one was sent: its Identifier with the options the policy
     * requests, which are those of that request (see {@link #lastRequestIdentifier}).
     */
    public Optional<ConfigureRequest> lastRequest() {
        return lastRequestIdentifier == NONE ? Optional.empty()
                : Optional.of(new ConfigureRequest(lastRequestIdentifier, policy.requestedOptions()));
    }

    /**
     * The peer's MRU once LCP agreed on it: Code-Rejects are truncated to fit (RFC 1661 §5.6).
     * Defaults to 1500.
     */
    public void peerMaximumReceiveUnit(int peerMru) {
        this.peerMru = peerMru;
    }

    /**
     * Tests only. The RFC's counter rules cannot produce TO- in some states (Ack-Rcvd is always
     * entered through irc), yet the §4.1 table defines the cell; the table test sets the counter.
     */
    void forceRestartCounter(int value) {
        restartCounter = value;
    }

    // ---- events from the caller ----------------------------------------------------------

    /** Up: the lower layer can carry packets. */
    public void up() {
        fire(Event.UP, null, null);
    }

    /** Down: the lower layer is gone. */
    public void down() {
        termination = Termination.of(Termination.LOWER_LAYER_DOWN, policy.protocol().label() + " lower layer went down");
        fire(Event.DOWN, null, null);
    }

    /** Open: the layer may be opened. */
    public void open() {
        fire(Event.OPEN, null, null);
    }

    /** Close: terminate the layer for {@code reason}, which the Terminate-Request carries. */
    public void close(Termination reason) {
        termination = Objects.requireNonNull(reason, "reason");
        fire(Event.CLOSE, null, null);
    }

    /** The Restart timer expired. Ignored unless the timer is running (a late expiry after a stop). */
    public void timeout() {
        if (!timerRunning) {
            return;
        }
        timerRunning = false;
        if (restartCounter > 0) {
            fire(Event.TIMEOUT_WITH_COUNTER, null, null);
            return;
        }
        if (state.negotiating()) {
            termination = Termination.of(Termination.NO_RESPONSE, "no acceptable reply to "
                    + config.maxConfigure() + " " + policy.protocol().label() + " Configure-Requests"
                    + (peerTerminateReason != null ? "; the peer asked to terminate: " + peerTerminateReason : ""));
        }
        fire(Event.TIMEOUT_EXPIRED, null, null);
    }

    /**
     * RXJ- from outside: LCP received a Protocol-Reject of this automaton's protocol (RFC 1661
     * §5.7: the peer does not speak it).
     */
    public void protocolRejected(String detail) {
        termination = Termination.of(Termination.PEER_REJECTED_PROTOCOL, detail);
        fire(Event.RECEIVE_REJECT_CATASTROPHIC, null, null);
    }

    /** A packet of this automaton's protocol, decoded by {@link ControlPacketCodec} with {@link #protocol()}. */
    public void receive(ControlPacket packet) {
        switch (packet) {
            case ConfigureRequest request -> receiveConfigureRequest(request);
            case ConfigureAck ack -> receiveConfigureAck(ack);
            case ConfigureNak nak -> receiveNakOrReject(nak);
            case ConfigureReject reject -> receiveNakOrReject(reject);
            case TerminateRequest request -> {
                peerTerminateReason = printable(request.data());
                if (state == State.OPENED) {
                    termination = Termination.of(Termination.PEER_TERMINATED, "peer sent " + policy.protocol().label()
                            + " Terminate-Request: " + peerTerminateReason);
                }
                fire(Event.RECEIVE_TERMINATE_REQUEST, packet, null);
            }
            case TerminateAck ack -> fire(Event.RECEIVE_TERMINATE_ACK, packet, null);
            case CodeReject reject -> receiveCodeReject(reject);
            case ProtocolReject reject -> {
                if (reject.rejectedProtocol() == policy.protocol().protocol().value()) {
                    termination = Termination.of(Termination.PEER_REJECTED_PROTOCOL,
                            "peer Protocol-Rejected " + policy.protocol().label() + " itself");
                    fire(Event.RECEIVE_REJECT_CATASTROPHIC, packet, null);
                } else {
                    fire(Event.RECEIVE_REJECT_PERMITTED, packet, null);
                }
            }
            case EchoRequest echo -> fire(Event.RECEIVE_ECHO_OR_DISCARD, packet, null);
            case EchoReply echo -> fire(Event.RECEIVE_ECHO_OR_DISCARD, packet, null);
            case DiscardRequest discard -> fire(Event.RECEIVE_ECHO_OR_DISCARD, packet, null);
            case Identification identification -> fire(Event.RECEIVE_ECHO_OR_DISCARD, packet, null);
            case TimeRemaining remaining -> fire(Event.RECEIVE_ECHO_OR_DISCARD, packet, null);
            case ResetRequest reset -> {} // RFC 1962 §5: the decompressor's business, not negotiation's
            case ResetAck reset -> {}
            case UnknownCode unknown -> fire(Event.RECEIVE_UNKNOWN_CODE, packet, null);
        }
    }

    // ---- classifying received packets ----------------------------------------------------

    /**
     * RCR+ or RCR-, with one exception to the table: in Opened, a retransmission of the very
     * Configure-Request we acknowledged to get there is answered with the same Configure-Ack and
     * the layer stays up.
     *
     * <p>Why: RFC 1661 §5.1 lets a peer retransmit a Configure-Request with the same Identifier
     * only while it has no valid reply, and requires a new Identifier once it has one; so an
     * identical request (same Identifier, same options octet for octet) in Opened can only mean
     * our Configure-Ack was lost (or the request was duplicated in the network). The table's
     * RCR+ cell for Opened (tld, scr, sca/8) is written for a peer that renegotiates; applied to
     * a lost Ack, it tears the layer down and restarts both ends' negotiation from scratch, and
     * the next lost Ack does it again. Under heavy loss (30 %) the two ends then never get to
     * Opened together within minutes, while each reply that does arrive re-initialises the
     * Restart counter (irc in the RCA and RCN cells), so Max-Configure never ends it either:
     * a livelock (IPCP Req-Sent/Ack-Sent). Re-acknowledging gives the peer the Ack it missed and
     * leaves both ends on the same agreement. A real renegotiation carries a new Identifier and
     * takes the table's cell as before.
     */
    private void receiveConfigureRequest(ConfigureRequest request) {
        if (state == State.OPENED && request.identifier() == acknowledgedIdentifier
                && Arrays.equals(octets(request.options()), acknowledgedOptions)) {
            actions.discarded(request, "a retransmission of the Configure-Request we acknowledged: "
                    + "our Configure-Ack was lost, sent again (RFC 1661 §5.1)");
            actions.send(new ConfigureAck(request.identifier(), request.options()));
            return;
        }
        ConfigurePacket reply = null;
        boolean good = true;
        if (state == State.STOPPED || state.negotiating() || state == State.OPENED) {
            if (!state.negotiating()) {
                naksSent = 0; // the transition starts a new negotiation
            }
            reply = policy.judgePeerRequest(request.options())
                    .reply(request.identifier(), request.options(), naksSent >= config.maxFailure());
            good = reply instanceof ConfigureAck;
            if (good) {
                // Every RCR+ cell in these states sends the Configure-Ack: the peer's options hold.
                policy.peerRequestAcknowledged(request.options());
            }
        }
        fire(good ? Event.RECEIVE_CONFIGURE_REQUEST_GOOD : Event.RECEIVE_CONFIGURE_REQUEST_BAD, request, reply);
    }

    private void receiveConfigureAck(ConfigureAck ack) {
        if (!answersLastRequest(ack)) {
            return;
        }
        if (!Arrays.equals(octets(ack.options()), octets(policy.requestedOptions()))) {
            actions.discarded(ack, "Configure-Ack options differ from our Configure-Request (RFC 1661 §5.2)");
            return;
        }
        lastRequestAnswered = true;
        if (state == State.REQ_SENT || state == State.ACK_SENT) {
            policy.requestAcknowledged(ack.options());
        }
        fire(Event.RECEIVE_CONFIGURE_ACK, ack, null);
    }

    private void receiveNakOrReject(ConfigurePacket reply) {
        if (!answersLastRequest(reply)) {
            return;
        }
        boolean reject = reply instanceof ConfigureReject;
        if (reply.options().isEmpty()) {
            actions.discarded(reply, ControlCode.name(reply.code()) + " without options");
            return;
        }
        if (reject && !isSubsequence(reply.options(), policy.requestedOptions())) {
            actions.discarded(reply, "Configure-Reject options are not a subset of our Configure-Request (RFC 1661 §5.4)");
            return;
        }
        if (state.negotiating()) {
            // The reply shapes our next Configure-Request (the scr of the RCN cell).
            ReplyOutcome outcome = reject ? policy.rejectReceived(reply.options()) : policy.nakReceived(reply.options());
            switch (outcome) {
                case ReplyOutcome.Invalid invalid -> {
                    actions.discarded(reply, invalid.reason());
                    return;
                }
                case ReplyOutcome.Failed failed -> {
                    lastRequestAnswered = true;
                    close(failed.reason());
                    return;
                }
                case ReplyOutcome.Adopted adopted -> {}
            }
        }
        lastRequestAnswered = true;
        fire(Event.RECEIVE_CONFIGURE_NAK, reply, null);
    }

    private boolean answersLastRequest(ConfigurePacket reply) {
        if (reply.identifier() != lastRequestIdentifier) {
            actions.discarded(reply, ControlCode.name(reply.code()) + " Identifier " + reply.identifier()
                    + " does not match our last Configure-Request"
                    + (lastRequestIdentifier == NONE ? " (none sent)" : " (" + lastRequestIdentifier + ")"));
            return false;
        }
        return true;
    }

    /**
     * RFC 1661 §4.3: RXJ- when the rejected code is one the layer cannot work without (the
     * configure and terminate codes, and Code-Reject itself: every protocol must speak codes
     * 1-7); RXJ+ for the optional codes (echo, discard, reset...) and unknown ones.
     */
    private void receiveCodeReject(CodeReject reject) {
        Octets rejected = reject.rejectedPacket();
        int code = rejected.isEmpty() ? 0 : rejected.get(0);
        if (code >= ControlCode.CONFIGURE_REQUEST && code <= ControlCode.CODE_REJECT) {
            termination = Termination.of(Termination.PEER_REJECTED_PROTOCOL,
                    "peer Code-Rejected " + policy.protocol().label() + " " + ControlCode.name(code));
            fire(Event.RECEIVE_REJECT_CATASTROPHIC, reject, null);
        } else {
            fire(Event.RECEIVE_REJECT_PERMITTED, reject, null);
        }
    }

    // ---- the table -----------------------------------------------------------------------

    /**
     * Takes the table's cell for {@code event}: the state changes first, so that callbacks see
     * the new state, then the actions run in the RFC's order.
     *
     * @param received the packet that caused the event, if any
     * @param reply the Configure-Ack/Nak/Reject prepared for an RCR event
     */
    private void fire(Event event, ControlPacket received, ConfigurePacket reply) {
        Optional<Transition> cell = TransitionTable.lookup(state, event);
        if (cell.isEmpty()) {
            if (received != null) {
                actions.discarded(received, event + " is illegal in state " + state + " (RFC 1661 §4.1)");
            }
            return;
        }
        Transition transition = cell.get();
        if (transition.has(Action.TLU)) {
            Optional<Termination> problem = policy.agreementProblem();
            if (problem.isPresent()) {
                close(problem.get());
                return;
            }
        }
        State from = state;
        state = transition.next();
        for (Action action : transition.actions()) {
            perform(action, from, event, transition, received, reply);
        }
        if (timerRunning && !state.restartTimerRuns()) {
            timerRunning = false;
            actions.stopRestartTimer();
        }
    }

    private void perform(Action action, State from, Event event, Transition transition,
            ControlPacket received, ConfigurePacket reply) {
        switch (action) {
            case TLU -> actions.thisLayerUp();
            case TLD -> actions.thisLayerDown();
            case TLS -> actions.thisLayerStarted();
            case TLF -> actions.thisLayerFinished(termination != null ? termination
                    : Termination.of(Termination.TERMINATED, policy.protocol().label() + " terminated"));
            // §4.4 irc: Max-Terminate before a Terminate-Request, Max-Configure otherwise.
            case IRC -> restartCounter = transition.has(Action.STR) ? config.maxTerminate() : config.maxConfigure();
            case ZRC -> {
                // §4.4 zrc: the counter to zero, and the timer started so the Terminate-Ack can go out
                // before the layer finishes (TO- in Stopping).
                restartCounter = 0;
                startTimer();
            }
            case SCR -> sendConfigureRequest(from, event);
            case SCA -> {
                actions.send(reply);
                naksSent = 0;
                acknowledgedIdentifier = received.identifier();
                acknowledgedOptions = octets(((ConfigureRequest) received).options());
            }
            case SCN -> {
                actions.send(reply);
                acknowledgedIdentifier = NONE;
                acknowledgedOptions = null;
                if (reply instanceof ConfigureNak) {
                    naksSent++;
                }
            }
            case STR -> {
                Termination reason = termination != null ? termination
                        : Termination.of(Termination.ADMINISTRATIVE_CLOSE, "closing");
                actions.send(new TerminateRequest(takeIdentifier(), reason.asTerminateData()));
                restartCounter--;
                startTimer();
            }
            case STA -> actions.send(new TerminateAck(received.identifier(), Octets.EMPTY));
            case SCJ -> actions.send(LinkMaintenance.codeReject(takeIdentifier(), received, peerMru));
            case SER -> LinkMaintenance.answer(received, policy.localMagicNumber()).ifPresent(actions::send);
        }
    }

    /**
     * Send-Configure-Request. From a state that was not negotiating, a new negotiation starts
     * and the policy goes back to its wishes. A timeout retransmits the unanswered request with
     * its Identifier (§5.1 allows it, and a late reply to the first copy then still counts);
     * otherwise the Identifier changes, as §5.1 requires after a valid reply.
     */
    private void sendConfigureRequest(State from, Event event) {
        if (!from.negotiating()) {
            policy.startNegotiation();
            naksSent = 0;
            peerTerminateReason = null;
        }
        boolean retransmission = event == Event.TIMEOUT_WITH_COUNTER && from.negotiating()
                && lastRequestIdentifier != NONE && !lastRequestAnswered;
        if (!retransmission) {
            lastRequestIdentifier = takeIdentifier();
            lastRequestAnswered = false;
        }
        // Unanswered, so the policy adopted nothing since: a retransmission repeats the octets.
        actions.send(new ConfigureRequest(lastRequestIdentifier, policy.requestedOptions()));
        restartCounter--;
        startTimer();
    }

    private void startTimer() {
        timerRunning = true;
        actions.startRestartTimer(config.restartTimer());
    }

    private int takeIdentifier() {
        int identifier = nextIdentifier;
        nextIdentifier = (nextIdentifier + 1) & 0xff;
        return identifier;
    }

    // ---- helpers -------------------------------------------------------------------------

    /** Options compared as octets: the RFC speaks of the options as sent, not of their meaning. */
    private static byte[] octets(List<ConfigurationOption> options) {
        ByteBuf out = Unpooled.buffer();
        try {
            for (ConfigurationOption option : options) {
                ControlPacketCodec.encodeOption(option, out);
            }
            return ByteBufUtil.getBytes(out);
        } finally {
            out.release();
        }
    }

    private static boolean isSubsequence(List<ConfigurationOption> part, List<ConfigurationOption> whole) {
        int next = 0;
        for (ConfigurationOption option : part) {
            byte[] octets = octets(List.of(option));
            while (next < whole.size() && !Arrays.equals(octets(List.of(whole.get(next))), octets)) {
                next++;
            }
            if (next == whole.size()) {
                return false;
            }
            next++;
        }
        return true;
    }

    private static String printable(Octets data) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < data.length() && i < 200; i++) {
            int c = data.get(i);
            text.append(c >= 0x20 && c < 0x7f ? (char) c : '.');
        }
        return text.isEmpty() ? "(no reason given)" : text.toString();
    }

    @Override
    public String toString() {
        return policy.protocol().label() + " automaton[" + state + ", restart counter " + restartCounter + "]";
    }
}
