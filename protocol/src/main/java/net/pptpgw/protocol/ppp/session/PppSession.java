package net.pptpgw.protocol.ppp.session;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Objects;
import java.util.Optional;
import java.util.random.RandomGenerator;
import net.pptpgw.protocol.MalformedPacketException;
import net.pptpgw.protocol.Octets;
import net.pptpgw.protocol.ppp.PppDecodeStatus;
import net.pptpgw.protocol.ppp.PppHeader;
import net.pptpgw.protocol.ppp.PppProtocol;
import net.pptpgw.protocol.ppp.auth.ChapCodec;
import net.pptpgw.protocol.ppp.auth.ChapPacket;
import net.pptpgw.protocol.ppp.auth.PapCodec;
import net.pptpgw.protocol.ppp.auth.PapPacket;
import net.pptpgw.protocol.ppp.cp.ControlPacket;
import net.pptpgw.protocol.ppp.cp.ControlPacket.EchoReply;
import net.pptpgw.protocol.ppp.cp.ControlPacket.EchoRequest;
import net.pptpgw.protocol.ppp.cp.ControlPacket.ProtocolReject;
import net.pptpgw.protocol.ppp.cp.ControlPacket.ResetAck;
import net.pptpgw.protocol.ppp.cp.ControlPacket.ResetRequest;
import net.pptpgw.protocol.ppp.cp.ControlPacketCodec;
import net.pptpgw.protocol.ppp.cp.ProtocolKind;
import net.pptpgw.protocol.ppp.fsm.AuthenticationMethod;
import net.pptpgw.protocol.ppp.fsm.AutomatonActions;
import net.pptpgw.protocol.ppp.fsm.CcpPolicy;
import net.pptpgw.protocol.ppp.fsm.CcpSettings;
import net.pptpgw.protocol.ppp.fsm.IpcpAgreement;
import net.pptpgw.protocol.ppp.fsm.IpcpPolicy;
import net.pptpgw.protocol.ppp.fsm.IpcpSettings;
import net.pptpgw.protocol.ppp.fsm.LcpAgreement;
import net.pptpgw.protocol.ppp.fsm.LcpPolicy;
import net.pptpgw.protocol.ppp.fsm.LinkMaintenance;
import net.pptpgw.protocol.ppp.fsm.MppeAgreement;
import net.pptpgw.protocol.ppp.fsm.NegotiationPolicy;
import net.pptpgw.protocol.ppp.fsm.OptionNegotiationAutomaton;
import net.pptpgw.protocol.ppp.fsm.State;
import net.pptpgw.protocol.ppp.fsm.Termination;
import net.pptpgw.protocol.ppp.mppe.MppeHeader;
import net.pptpgw.protocol.ppp.mppe.MppeKeyDerivation.StartKeys;
import net.pptpgw.protocol.ppp.mppe.MppeKeyStrength;

/**
 * One PPP session, either end, over any frame transport (GRE payloads, async HDLC frames).
 *
 * <p>The phases of RFC 1661 §3.2: {@link #start()} leaves Dead for Establish, where LCP
 * negotiates; when LCP is up, Authenticate runs the methods LCP agreed in each direction; then
 * Network opens IPCP and CCP together. IP flows ({@link PppOutput#networkUp}) once IPCP is up
 * and CCP has settled: MPPE on, or off when the policy allows. Termination of LCP, whatever the
 * cause, ends in Dead with one {@link PppOutput#linkDown} carrying the reason. A session is used
 * once.
 *
 * <p>Frames in: {@link #receive}; frames out: {@link PppOutput#sendFrame}. IP in and out goes
 * through the frame buffers themselves: MPPE encrypts and decrypts in place, headers are
 * written into the headroom, so the data path allocates nothing (given
 * {@link #DATA_HEADROOM} octets of headroom on packets passed to {@link #sendIp}).
 *
 * <p>Not thread-safe: every call, timer tasks included, must come from one thread. Events that
 * an automaton's callbacks would feed back into an automaton are queued and run when the
 * outer call returns, as {@link AutomatonActions} requires.
 */
public final class PppSession {

    /** Headroom {@link #sendIp} needs to frame an IP packet without copying: PPP header, MPPE header, protocol. */
    public static final int DATA_HEADROOM = PppHeader.MAX_LENGTH + MppeHeader.LENGTH + 2;
    /** Headroom left before the frames this session allocates (control packets), for the transport's headers. */
    public static final int FRAME_HEADROOM = 32;

    public static final String ECHO_TIMEOUT = "echo-timeout";
    public static final String NETWORK_FAILED = "network-failed";

    private final PppSessionConfig config;
    private final PppOutput output;
    private final PppTimers timers;
    private final RandomGenerator random;
    private final ByteBufAllocator allocator;
    private final PppHeader header = new PppHeader();
    /**
     * Events queued by callbacks, null when there are none: only negotiation queues any, and an
     * idle network-up session then keeps no queue (issue 5).
     */
    private ArrayDeque<Runnable> deferred;
    private boolean dispatching;

    private Phase phase = Phase.DEAD;
    private boolean started;
    private Termination termination;

    private final Layer<LcpPolicy> lcp;
    private LcpAgreement lcpAgreement;
    private boolean transmitAcfc;
    private boolean transmitPfc;
    private int peerMru = LinkMaintenance.DEFAULT_MRU;
    private int nextLcpIdentifier;

    private Authenticator<PapPacket> papAuthenticator;
    private Authenticator<PapPacket> papPeer;
    private Authenticator<ChapPacket> chapAuthenticator;
    private Authenticator<ChapPacket> chapPeer;
    private int authenticationsPending;
    // Nullable rather than Optional fields, one wrapper less each per session (issue 5).
    /** The authenticated peer's name (server side), which the session listing shows. */
    private String peerName;
    /** Kept while the link lives: CCP may renegotiate, and MPPE starts again from these (RFC 3079). */
    private StartKeys mppeKeys;

    private IpcpSettings ipcpSettings;
    private Layer<IpcpPolicy> ipcp;
    private Layer<CcpPolicy> ccp;
    private IpcpAgreement ipcpAgreement;
    private MppeAgreement mppeAgreement;
    private MppeTransmitter transmitter;
    private MppeReceiver receiver;
    private boolean networkUp;
    private PppTimers.Timer resetRequestTimer;
    private int nextCcpIdentifier;

    private PppTimers.Timer echoTimer;
    private boolean receivedSinceEcho;
    private int echoesUnanswered;

    public PppSession(PppSessionConfig config, PppOutput output, PppTimers timers, RandomGenerator random,
            ByteBufAllocator allocator) {
        this.config = Objects.requireNonNull(config, "config");
        this.output = Objects.requireNonNull(output, "output");
        this.timers = Objects.requireNonNull(timers, "timers");
        this.random = Objects.requireNonNull(random, "random");
        this.allocator = Objects.requireNonNull(allocator, "allocator");
        this.lcp = new Layer<>(ProtocolKind.LCP, new LcpPolicy(config.lcp(), random));
        this.ipcpSettings = config.ipcp();
        this.nextLcpIdentifier = random.nextInt(256);
        this.nextCcpIdentifier = random.nextInt(256);
    }

    // ---- the caller's events -------------------------------------------------------------

    /** Open and Up: the transport is ready, LCP starts negotiating (RFC 1661 §3.3 Dead -> Establish). */
    public void start() {
        if (started) {
            throw new IllegalStateException("a PppSession is started once");
        }
        started = true;
        dispatch(() -> {
            phase(Phase.ESTABLISH);
            lcp.automaton.open();
            lcp.automaton.up();
        });
    }

    /** Closes the link for {@code reason}: LCP sends Terminate-Request and the session ends. */
    public void close(Termination reason) {
        dispatch(() -> {
            if (phase != Phase.DEAD) {
                lcp.automaton.close(reason);
            }
        });
    }

    /**
     * The transport is gone (RFC 1661 Down event): the session ends at once. If the peer had
     * asked to terminate (LCP in Stopping, waiting one Restart period after its Ack, §4.6), its
     * reason is the session's: a PAC clears the call right after its Terminate-Request (RFC 2637
     * §2.13), so the transport going is the end of the peer's termination, not another fault.
     */
    public void lowerLayerDown() {
        dispatch(() -> {
            if (phase != Phase.DEAD) {
                Termination peer = lcp.automaton.termination()
                        .filter(reason -> reason.cause().equals(Termination.PEER_TERMINATED))
                        .orElse(null);
                lcp.automaton.down();
                dead(peer != null ? peer
                        : Termination.of(Termination.LOWER_LAYER_DOWN, "the transport under PPP went down"));
            }
        });
    }

    /**
     * A PPP frame from the peer: Address/Control (if present), Protocol, Information, without
     * HDLC flags, escapes or FCS. Takes ownership. Never throws for bad input: malformed frames
     * are dropped and reported through {@link PppOutput#event}.
     */
    public void receive(ByteBuf frame) {
        if (dispatching) {
            defer(() -> receive(frame)); // only from inside a callback: rare, may allocate
            return;
        }
        // The data path: no lambda per frame, so nothing is allocated here.
        dispatching = true;
        try {
            boolean passedOn = false;
            try {
                passedOn = receiveFrame(frame);
            } catch (MalformedPacketException e) {
                output.event("dropped malformed frame: " + e.getMessage());
            } finally {
                if (!passedOn) {
                    frame.release();
                }
            }
            runDeferred();
        } finally {
            dispatching = false;
        }
    }

    /**
     * Sends an IPv4 packet (its readable bytes) to the peer, encrypted when MPPE is on. Takes
     * ownership. Give it {@link #DATA_HEADROOM} octets of headroom (plus the transport's) and it
     * is framed in place; otherwise it is copied once.
     *
     * @return false when the packet was dropped because the network is not up
     */
    public boolean sendIp(ByteBuf packet) {
        if (!networkUp) {
            packet.release();
            return false;
        }
        ByteBuf frame = packet;
        if (frame.readerIndex() < DATA_HEADROOM) {
            frame = allocator.buffer(FRAME_HEADROOM + packet.readableBytes());
            frame.writerIndex(FRAME_HEADROOM).readerIndex(FRAME_HEADROOM);
            frame.writeBytes(packet);
            packet.release();
        }
        if (transmitter != null) {
            // RFC 3078 §3: the Protocol field and the Information are encrypted, behind the MPPE header.
            int protocolAt = frame.readerIndex() - 2;
            frame.setShort(protocolAt, PppProtocol.IPV4.value());
            int mppeHeader = transmitter.encrypt(frame, protocolAt, frame.writerIndex() - protocolAt);
            frame.setShort(protocolAt - MppeHeader.LENGTH, mppeHeader);
            frame.readerIndex(protocolAt - MppeHeader.LENGTH);
            PppHeader.prependTo(frame, PppProtocol.COMPRESSED_DATAGRAM.value(), transmitAcfc, transmitPfc);
        } else {
            PppHeader.prependTo(frame, PppProtocol.IPV4.value(), transmitAcfc, transmitPfc);
        }
        output.sendFrame(frame);
        return true;
    }

    /**
     * Replaces the IPCP settings of {@link PppSessionConfig#ipcp()} for this session. IPCP starts
     * in the Network phase (RFC 1661 §3.6), so this takes effect when called before then, at the
     * latest from {@link PppOutput#authenticated}: a concentrator picks the peer's address once
     * it knows who the peer is (a user's fixed address, pppd's chap-secrets fourth column).
     */
    public void ipcpSettings(IpcpSettings settings) {
        if (ipcp != null) {
            throw new IllegalStateException("IPCP has started; its settings are fixed");
        }
        this.ipcpSettings = Objects.requireNonNull(settings, "settings");
    }

    public Phase phase() {
        return phase;
    }

    /** Why the session ended, once {@link #phase()} is back to Dead after a start. */
    public Optional<Termination> termination() {
        return Optional.ofNullable(termination);
    }

    public Optional<LcpAgreement> lcpAgreement() {
        return Optional.ofNullable(lcpAgreement);
    }

    public Optional<IpcpAgreement> ipcpAgreement() {
        return Optional.ofNullable(ipcpAgreement);
    }

    public Optional<MppeAgreement> mppeAgreement() {
        return Optional.ofNullable(mppeAgreement);
    }

    /** The authenticated peer's name (server side). */
    public Optional<String> peerName() {
        return Optional.ofNullable(peerName);
    }

    public boolean isNetworkUp() {
        return networkUp;
    }

    /** The state of LCP, IPCP or CCP's automaton, for tests and status pages. */
    public Optional<State> state(ProtocolKind kind) {
        Layer<?> layer = switch (kind) {
            case LCP -> lcp;
            case IPCP -> ipcp;
            case CCP -> ccp;
        };
        return Optional.ofNullable(layer).map(l -> l.automaton.state());
    }

    /** Current MPPE session keys (transmit, receive), for RFC 3079 vector tests. */
    Optional<byte[][]> mppeSessionKeys() {
        return transmitter == null ? Optional.empty()
                : Optional.of(new byte[][] {transmitter.currentKey(), receiver.currentKey()});
    }

    // ---- receiving -----------------------------------------------------------------------

    /** @return whether the frame's buffer was handed on (so must not be released here) */
    private boolean receiveFrame(ByteBuf frame) {
        if (phase == Phase.DEAD) {
            return false;
        }
        PppDecodeStatus status = header.decode(frame);
        if (!status.isOk()) {
            output.event("dropped frame: " + PppHeader.detail(status, frame.readableBytes()));
            return false;
        }
        receivedSinceEcho = true;
        int protocol = header.protocol();
        int start = header.payloadOffset();
        int length = header.payloadLength();
        if (protocol == PppProtocol.COMPRESSED_DATAGRAM.value()) {
            return receiveMppe(frame, start, length);
        }
        if (protocol == PppProtocol.IPV4.value()) {
            if (!networkUp || receiver != null) {
                // Before IPCP is up the datagram has nowhere to go; with MPPE on, clear text must not pass.
                output.event(networkUp ? "dropped an unencrypted IPv4 packet: MPPE is on" : "dropped IPv4 before IPCP is up");
                return false;
            }
            frame.setIndex(start, start + length);
            output.ipPacketReceived(frame);
            return true;
        }
        ByteBuf information = frame.slice(start, length);
        if (protocol == PppProtocol.LCP.value()) {
            receiveLcp(ControlPacketCodec.decode(ProtocolKind.LCP, information));
        } else if (protocol == PppProtocol.PAP.value() && lcpOpened()) {
            receivePap(PapCodec.decode(information));
        } else if (protocol == PppProtocol.CHAP.value() && lcpOpened()) {
            receiveChap(ChapCodec.decode(information));
        } else if (protocol == PppProtocol.IPCP.value() && ipcp != null) {
            ipcp.automaton.receive(ControlPacketCodec.decode(ProtocolKind.IPCP, information));
        } else if (protocol == PppProtocol.CCP.value() && ccp != null) {
            receiveCcp(ControlPacketCodec.decode(ProtocolKind.CCP, information));
        } else if (lcpOpened() && !(phase == Phase.AUTHENTICATE && isNetworkProtocol(protocol))) {
            // RFC 1661 §5.7: a protocol we do not run. (An NCP packet during authentication is
            // merely early, §3.5, and silently discarded.)
            sendControl(PppProtocol.LCP.value(), LinkMaintenance.protocolReject(takeLcpIdentifier(), protocol,
                    information, peerMru));
        } else {
            output.event(String.format("dropped protocol 0x%04x in phase %s", protocol, phase));
        }
        return false;
    }

    private static boolean isNetworkProtocol(int protocol) {
        return protocol == PppProtocol.IPCP.value() || protocol == PppProtocol.CCP.value();
    }

    private void receiveLcp(ControlPacket packet) {
        switch (packet) {
            case EchoReply reply -> echoesUnanswered = 0;
            case ProtocolReject reject when lcpOpened() -> {
                Layer<?> layer = reject.rejectedProtocol() == PppProtocol.IPCP.value() ? ipcp
                        : reject.rejectedProtocol() == PppProtocol.CCP.value() ? ccp : null;
                if (layer != null) {
                    String detail = String.format("peer Protocol-Rejected %s", layer.kind.label());
                    defer(() -> layer.automaton.protocolRejected(detail));
                }
            }
            case EchoRequest request when LinkMaintenance.loopedBack(request, lcp.policy.localMagicNumber()) -> {
                output.event("LCP Echo-Request with our own Magic-Number: the link is looped back");
                return;
            }
            default -> {}
        }
        lcp.automaton.receive(packet);
    }

    private void receivePap(PapPacket packet) {
        Authenticator<PapPacket> side = packet instanceof PapPacket.AuthenticateRequest ? papAuthenticator : papPeer;
        if (side == null) {
            output.event("no PAP exchange for " + packet);
            return;
        }
        side.receive(packet);
    }

    private void receiveChap(ChapPacket packet) {
        Authenticator<ChapPacket> side = packet instanceof ChapPacket.Response ? chapAuthenticator : chapPeer;
        if (side == null) {
            output.event("no CHAP exchange for " + packet);
            return;
        }
        side.receive(packet);
    }

    private void receiveCcp(ControlPacket packet) {
        switch (packet) {
            case ResetRequest request -> {
                // RFC 1962 §5 and RFC 3078 §8.2: flush (re-key) the next packet, and acknowledge.
                if (transmitter != null) {
                    transmitter.resetRequested();
                    sendControl(PppProtocol.CCP.value(), new ResetAck(request.identifier(), Octets.EMPTY));
                }
            }
            case ResetAck ack -> {}
            default -> {}
        }
        ccp.automaton.receive(packet);
    }

    private boolean receiveMppe(ByteBuf frame, int start, int length) {
        if (receiver == null || !networkUp || length < MppeHeader.LENGTH + 1) {
            output.event("dropped MPPE packet: " + (receiver == null ? "CCP has not agreed MPPE" : "too short"));
            return false;
        }
        int mppeHeader = frame.getUnsignedShort(start);
        int payload = start + MppeHeader.LENGTH;
        int end = start + length;
        switch (receiver.decrypt(mppeHeader, frame, payload, end - payload)) {
            case DROPPED -> {
                return false;
            }
            case DROPPED_RESET_NEEDED -> {
                output.event("MPPE packet loss before " + MppeHeader.toString(mppeHeader) + ": CCP Reset-Request");
                sendResetRequest();
                return false;
            }
            case DECRYPTED -> {
                if (resetRequestTimer != null) {
                    resetRequestTimer.cancel(); // resynchronised: the next loss asks again at once
                    resetRequestTimer = null;
                }
            }
        }
        // The decrypted data starts with the Protocol field, one octet if odd (PFC), else two.
        int first = frame.getUnsignedByte(payload);
        int protocol;
        int ip;
        if ((first & 1) != 0) {
            protocol = first;
            ip = payload + 1;
        } else if (end - payload >= 2) {
            protocol = frame.getUnsignedShort(payload);
            ip = payload + 2;
        } else {
            return false;
        }
        if (protocol != PppProtocol.IPV4.value()) {
            output.event(String.format("dropped encrypted protocol 0x%04x", protocol));
            return false;
        }
        frame.setIndex(ip, end);
        output.ipPacketReceived(frame);
        return true;
    }

    /** Asks the peer to flush, and asks again every Restart timer while the receiver still discards. */
    private void sendResetRequest() {
        if (resetRequestTimer != null) {
            return;
        }
        sendControl(PppProtocol.CCP.value(), new ResetRequest(takeCcpIdentifier(), Octets.EMPTY));
        resetRequestTimer = timers.schedule(config.automaton().restartTimer(), () -> dispatch(() -> {
            resetRequestTimer = null;
            if (receiver != null && receiver.discarding()) {
                sendResetRequest();
            }
        }));
    }

    // ---- phases --------------------------------------------------------------------------

    private boolean lcpOpened() {
        return lcp.automaton.state() == State.OPENED;
    }

    private void phase(Phase next) {
        if (phase != next) {
            Phase previous = phase;
            phase = next;
            output.phaseChanged(previous, next);
        }
    }

    /** LCP is up: RFC 1661 §3.5, authentication in each direction LCP agreed. */
    private void linkUp() {
        lcpAgreement = lcp.policy.agreement();
        transmitAcfc = lcpAgreement.transmitAcfc();
        transmitPfc = lcpAgreement.transmitPfc();
        peerMru = lcpAgreement.peerMru();
        lcp.automaton.peerMaximumReceiveUnit(peerMru);
        output.linkUp(lcpAgreement);
        phase(Phase.AUTHENTICATE);
        startEcho();
        AuthContext context = new SessionAuthContext();
        authenticationsPending = 0;
        // MPPE keys come from this authentication, not an earlier one (LCP renegotiated): the
        // peer derives its keys from the new exchange too (RFC 3079 §3).
        mppeKeys = null;
        lcpAgreement.authenticatePeerWith().ifPresent(method -> {
            authenticationsPending++;
            if (method == AuthenticationMethod.PAP) {
                papAuthenticator = new PapAuthenticator(context, config.secrets().orElseThrow(),
                        config.authenticationAttempts());
            } else {
                chapAuthenticator = new ChapAuthenticator(context, ChapVariant.of(method), config.localName(),
                        config.secrets().orElseThrow(), config.authenticationAttempts());
            }
        });
        lcpAgreement.authenticateToPeerWith().ifPresent(method -> {
            authenticationsPending++;
            if (method == AuthenticationMethod.PAP) {
                papPeer = new PapPeer(context, config.credentials().orElseThrow());
            } else {
                chapPeer = new ChapPeer(context, ChapVariant.of(method), config.credentials().orElseThrow());
            }
        });
        if (authenticationsPending == 0) {
            defer(this::authenticated);
            return;
        }
        for (Authenticator<?> side : new Authenticator<?>[] {papAuthenticator, chapAuthenticator, papPeer, chapPeer}) {
            if (side != null) {
                side.start();
            }
        }
    }

    /** Authentication done: RFC 1661 §3.6, the Network phase with IPCP and CCP side by side. */
    private void authenticated() {
        if (phase != Phase.AUTHENTICATE) {
            return;
        }
        output.authenticated(peerName());
        if (config.ccp().mppe() == CcpSettings.Mppe.REQUIRE && mppeKeys == null) {
            lcp.automaton.close(Termination.of(CcpPolicy.MPPE_REQUIRED, "MPPE is required but "
                    + describeAuthentication() + " yields no MPPE keys (RFC 3079 derives them from MS-CHAP or MS-CHAPv2)"));
            return;
        }
        phase(Phase.NETWORK);
        ipcp = new Layer<>(ProtocolKind.IPCP, new IpcpPolicy(ipcpSettings));
        if (config.ccp().mppe() != CcpSettings.Mppe.DENY) {
            ccp = new Layer<>(ProtocolKind.CCP, new CcpPolicy(config.ccp(), mppeKeys != null));
        }
        for (Layer<?> layer : new Layer<?>[] {ipcp, ccp}) {
            if (layer != null) {
                layer.automaton.open();
                layer.automaton.up();
            }
        }
    }

    private String describeAuthentication() {
        return lcpAgreement.authenticatePeerWith().or(lcpAgreement::authenticateToPeerWith)
                .map(Enum::name).orElse("no authentication");
    }

    private void maybeNetworkUp() {
        if (networkUp || phase != Phase.NETWORK || ipcp.automaton.state() != State.OPENED) {
            return;
        }
        boolean ccpSettled = ccp == null || ccp.automaton.state() == State.OPENED
                || (ccp.automaton.state().quiescent() && config.ccp().mppe() != CcpSettings.Mppe.REQUIRE);
        if (!ccpSettled) {
            return;
        }
        if (ccp == null || ccp.automaton.state() != State.OPENED) {
            mppeAgreement = null;
        }
        networkUp = true;
        releaseAuthentication();
        output.networkUp(ipcpAgreement, mppeAgreement());
    }

    private void networkDown() {
        if (networkUp) {
            networkUp = false;
            output.networkDown();
        }
    }

    private void mppeUp() {
        mppeAgreement = ccp.policy.agreement().orElse(null);
        if (mppeAgreement != null) {
            MppeKeyStrength strength = MppeKeyStrength.valueOf(mppeAgreement.strength().name());
            transmitter = new MppeTransmitter(mppeKeys.send(), strength, mppeAgreement.stateless());
            receiver = new MppeReceiver(mppeKeys.receive(), strength, mppeAgreement.stateless());
            output.event("CCP up: " + mppeAgreement);
        }
    }

    private void mppeDown() {
        networkDown();
        transmitter = null;
        receiver = null;
        mppeAgreement = null;
    }

    private void stopAuthentication() {
        for (Authenticator<?> side : new Authenticator<?>[] {papAuthenticator, chapAuthenticator, papPeer, chapPeer}) {
            if (side != null) {
                side.stop();
            }
        }
    }

    /**
     * Once the network is up the authenticators are let go, with their challenges, responses
     * and verdicts (a few hundred bytes per session, issue 5). They only answered duplicates
     * (a repeated Response gets the Success again, RFC 1994 §4.2, in case ours was lost), and
     * by now none can be needed: the peer sent its IPCP Configure-Ack, which it does only in the
     * Network phase, after our verdict reached it. A late duplicate is dropped as any CHAP or PAP
     * packet without an exchange. LCP renegotiation authenticates again with new ones.
     */
    private void releaseAuthentication() {
        stopAuthentication();
        papAuthenticator = null;
        chapAuthenticator = null;
        papPeer = null;
        chapPeer = null;
    }

    private void dead(Termination reason) {
        if (phase == Phase.DEAD) {
            return;
        }
        termination = reason;
        stopAuthentication();
        networkDown();
        for (Layer<?> layer : new Layer<?>[] {lcp, ipcp, ccp}) {
            if (layer != null) {
                layer.stopTimer();
            }
        }
        cancel(echoTimer);
        cancel(resetRequestTimer);
        transmitter = null;
        receiver = null;
        phase(Phase.DEAD);
        output.linkDown(reason);
    }

    private static void cancel(PppTimers.Timer timer) {
        if (timer != null) {
            timer.cancel();
        }
    }

    // ---- LCP echo keepalive --------------------------------------------------------------

    /**
     * RFC 1661 §5.8 Echo-Requests as a keepalive, adaptive: an interval in which any frame
     * arrived proves the peer alive and sends nothing; after {@code echoFailures} unanswered
     * requests in a row the link is closed.
     */
    private void startEcho() {
        if (!config.echoInterval().isZero()) {
            receivedSinceEcho = false;
            echoesUnanswered = 0;
            echoTimer = timers.schedule(config.echoInterval(), () -> dispatch(this::echoTick));
        }
    }

    private void echoTick() {
        if (!lcpOpened()) {
            return;
        }
        if (receivedSinceEcho) {
            receivedSinceEcho = false;
            echoesUnanswered = 0;
        } else if (echoesUnanswered >= config.echoFailures()) {
            lcp.automaton.close(Termination.of(ECHO_TIMEOUT, echoesUnanswered + " LCP Echo-Requests went unanswered, "
                    + config.echoInterval().toMillis() + " ms apart"));
            return;
        } else {
            echoesUnanswered++;
            sendControl(PppProtocol.LCP.value(), new EchoRequest(takeLcpIdentifier(), lcp.policy.localMagicNumber(),
                    Octets.EMPTY));
        }
        echoTimer = timers.schedule(config.echoInterval(), () -> dispatch(this::echoTick));
    }

    // ---- sending -------------------------------------------------------------------------

    private void sendControl(int protocol, ControlPacket packet) {
        ByteBuf frame = newFrame(protocol);
        ControlPacketCodec.encode(packet, frame);
        output.sendFrame(frame);
    }

    private ByteBuf newFrame(int protocol) {
        ByteBuf frame = allocator.buffer(FRAME_HEADROOM + 64);
        frame.writerIndex(FRAME_HEADROOM).readerIndex(FRAME_HEADROOM);
        // RFC 1661 §6.5/6.6: compression only once LCP agreed it, never Address/Control for LCP.
        boolean agreed = lcpAgreement != null && lcpOpened();
        PppHeader.writeTo(frame, protocol, agreed && transmitAcfc, agreed && transmitPfc);
        return frame;
    }

    private int takeLcpIdentifier() {
        int identifier = nextLcpIdentifier;
        nextLcpIdentifier = (nextLcpIdentifier + 1) & 0xff;
        return identifier;
    }

    private int takeCcpIdentifier() {
        int identifier = nextCcpIdentifier;
        nextCcpIdentifier = (nextCcpIdentifier + 1) & 0xff;
        return identifier;
    }

    // ---- event plumbing ------------------------------------------------------------------

    /** Runs an outer event, then whatever the automata's callbacks queued meanwhile. */
    private void dispatch(Runnable event) {
        if (dispatching) {
            defer(event);
            return;
        }
        dispatching = true;
        try {
            event.run();
            runDeferred();
        } finally {
            dispatching = false;
        }
    }

    private void runDeferred() {
        while (deferred != null) {
            Runnable next = deferred.poll();
            if (next == null) {
                deferred = null;
                return;
            }
            next.run();
        }
    }

    private void defer(Runnable event) {
        if (deferred == null) {
            deferred = new ArrayDeque<>(4);
        }
        deferred.add(event);
    }

    /**
     * One control protocol: its policy, its automaton and the session's answers to the
     * automaton's actions. (The policy is held here, not in a field of the session per protocol:
     * it fits in this object's padding, issue 5.)
     */
    private final class Layer<P extends NegotiationPolicy> implements AutomatonActions {
        final ProtocolKind kind;
        final P policy;
        final OptionNegotiationAutomaton automaton;
        private PppTimers.Timer restartTimer;

        Layer(ProtocolKind kind, P policy) {
            this.kind = kind;
            this.policy = policy;
            this.automaton = new OptionNegotiationAutomaton(policy, this, config.automaton(), random.nextInt(256));
            automaton.peerMaximumReceiveUnit(peerMru);
        }

        @Override
        public void send(ControlPacket packet) {
            sendControl(kind.protocol().value(), packet);
        }

        @Override
        public void thisLayerUp() {
            switch (kind) {
                case LCP -> linkUp();
                case IPCP -> {
                    ipcpAgreement = ipcp.policy.agreement();
                    output.event("IPCP up: " + ipcpAgreement);
                    maybeNetworkUp();
                }
                case CCP -> {
                    mppeUp();
                    maybeNetworkUp();
                }
            }
        }

        @Override
        public void thisLayerDown() {
            switch (kind) {
                case LCP -> {
                    // Leaving Opened: back to Establish if the peer renegotiates, else Terminate (§3.7).
                    cancel(echoTimer);
                    stopAuthentication();
                    networkDown();
                    for (Layer<?> layer : new Layer<?>[] {ipcp, ccp}) {
                        if (layer != null) {
                            defer(layer.automaton::down);
                        }
                    }
                    phase(automaton.state().negotiating() ? Phase.ESTABLISH : Phase.TERMINATE);
                }
                case IPCP -> networkDown();
                case CCP -> mppeDown();
            }
        }

        @Override
        public void thisLayerStarted() {}

        @Override
        public void thisLayerFinished(Termination reason) {
            switch (kind) {
                case LCP -> dead(reason);
                case IPCP -> {
                    if (phase == Phase.NETWORK) {
                        defer(() -> lcp.automaton.close(Termination.of(NETWORK_FAILED, "IPCP finished: " + reason)));
                    }
                }
                case CCP -> {
                    if (phase == Phase.NETWORK) {
                        if (config.ccp().mppe() == CcpSettings.Mppe.REQUIRE) {
                            Termination required = reason.cause().equals(CcpPolicy.MPPE_REQUIRED) ? reason
                                    : Termination.of(CcpPolicy.MPPE_REQUIRED, "MPPE is required but CCP finished: " + reason);
                            defer(() -> lcp.automaton.close(required));
                        } else {
                            output.event("CCP finished, no encryption: " + reason);
                            maybeNetworkUp();
                        }
                    }
                }
            }
        }

        @Override
        public void startRestartTimer(Duration timeout) {
            stopTimer();
            restartTimer = timers.schedule(timeout, () -> dispatch(automaton::timeout));
        }

        @Override
        public void stopRestartTimer() {
            stopTimer();
        }

        void stopTimer() {
            cancel(restartTimer);
            restartTimer = null;
        }

        @Override
        public void discarded(ControlPacket packet, String reason) {
            output.event(kind.label() + " discarded " + packet + ": " + reason);
        }
    }

    /** The session as the authentication state machines see it. */
    private final class SessionAuthContext implements AuthContext {

        @Override
        public void send(PapPacket packet) {
            ByteBuf frame = newFrame(PppProtocol.PAP.value());
            PapCodec.encode(packet, frame);
            output.sendFrame(frame);
        }

        @Override
        public void send(ChapPacket packet) {
            ByteBuf frame = newFrame(PppProtocol.CHAP.value());
            ChapCodec.encode(packet, frame);
            output.sendFrame(frame);
        }

        @Override
        public PppTimers.Timer schedule(Duration delay, Runnable task) {
            return timers.schedule(delay, () -> dispatch(task));
        }

        @Override
        public RandomGenerator random() {
            return random;
        }

        @Override
        public Duration restartTimer() {
            return config.automaton().restartTimer();
        }

        @Override
        public int maxTransmissions() {
            return config.automaton().maxConfigure();
        }

        @Override
        public void event(String message) {
            output.event(message);
        }

        @Override
        public void succeeded(Optional<String> name, Optional<StartKeys> keys) {
            if (name.isPresent()) {
                peerName = name.get();
            }
            // The authenticator's keys win when both directions authenticated (RFC 3079 keys the
            // link once); a client-only exchange supplies its own.
            if (mppeKeys == null || name.isPresent()) {
                if (keys.isPresent()) {
                    mppeKeys = keys.get();
                }
            }
            if (--authenticationsPending == 0) {
                defer(PppSession.this::authenticated);
            }
        }

        @Override
        public void failed(Termination reason) {
            output.event("authentication failed: " + reason);
            output.authenticationFailed(reason);
            defer(() -> {
                if (phase != Phase.DEAD) {
                    lcp.automaton.close(reason);
                }
            });
        }
    }
}
