package net.pptpgw.protocol.ppp.fsm;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.random.RandomGenerator;
import net.pptpgw.protocol.ppp.cp.ConfigurationOption;
import net.pptpgw.protocol.ppp.cp.ProtocolKind;
import net.pptpgw.protocol.ppp.lcp.LcpOption.AddressControlFieldCompression;
import net.pptpgw.protocol.ppp.lcp.LcpOption.AsyncControlCharacterMap;
import net.pptpgw.protocol.ppp.lcp.LcpOption.AuthenticationProtocol;
import net.pptpgw.protocol.ppp.lcp.LcpOption.MagicNumber;
import net.pptpgw.protocol.ppp.lcp.LcpOption.MaximumReceiveUnit;
import net.pptpgw.protocol.ppp.lcp.LcpOption.ProtocolFieldCompression;

/**
 * LCP negotiation (RFC 1661 §6, RFC 1662 §7.1) for either end of a PPTP link, by
 * {@link LcpSettings}. What we request: MRU, ACCM (async links only), Authentication-Protocol
 * (authenticator side), Magic-Number, PFC, ACFC. What we accept: any MRU from the minimum up,
 * any ACCM, an allowed authentication method (else a Nak with our preferred one, or a Reject
 * if we authenticate with nothing), the peer's Magic-Number unless it is zero or equals ours,
 * PFC/ACFC as configured. Everything else (Quality-Protocol, Callback, Multilink, unknown
 * options) is rejected verbatim.
 *
 * <p>Authenticator side, a Nak of our Authentication-Protocol is followed when it names a
 * method we allow; otherwise we fall back to our next untried method, and fail with cause
 * {@code authentication-unacceptable} when none is left. A Reject of it (the peer will not
 * authenticate) fails with {@code authentication-refused}.
 *
 * <p>Magic-Number (§6.4): a request carrying our own number is Nak'ed with a fresh random one;
 * a Nak of ours makes us pick a fresh one, and {@code loopbackLimit} such Naks in a row mean
 * the link is looped back (cause {@code loopback}), as pppd concludes.
 *
 * <p>Every session keeps one for as long as it lives (issue 5: 60,000 sessions), so the state is
 * primitives rather than boxes, sets and option lists: what we request as fields, and what was
 * acknowledged straight as the {@link LcpAgreement}, each direction replaced when its request is
 * acknowledged.
 */
public final class LcpPolicy implements NegotiationPolicy {

    public static final String AUTHENTICATION_UNACCEPTABLE = "authentication-unacceptable";
    public static final String AUTHENTICATION_REFUSED = "authentication-refused";
    public static final String LOOPBACK = "loopback";

    private final LcpSettings settings;
    private final RandomGenerator random;

    // What we request in the current negotiation; each value counts only if its flag is set
    // (an MRU of 0 is not requested: the smallest we accept is 1).
    private int mru;
    private boolean requestAccm;
    private int accm;
    /** Null when not requested. */
    private AuthenticationMethod authentication;
    /** The methods requested in this negotiation, a bit per {@link AuthenticationMethod#ordinal()}. */
    private int authenticationTried;
    private boolean requestMagicNumber;
    private int magicNumber;
    private boolean pfc;
    private boolean acfc;
    private int magicNaksInARow;

    /** Each direction as last acknowledged; the defaults of RFC 1661 §6 until then. */
    private LcpAgreement agreement;

    /**
     * @param random source of Magic-Numbers (RFC 1661 §6.4 asks for a truly random one); the
     *     first is drawn by {@link #startNegotiation}, which the automaton calls before its first
     *     Configure-Request
     */
    public LcpPolicy(LcpSettings settings, RandomGenerator random) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.random = Objects.requireNonNull(random, "random");
        this.agreement = new LcpAgreement(LcpSettings.DEFAULT_MRU, Math.min(LcpSettings.DEFAULT_MRU, settings.maximumMru()),
                -1, -1, Optional.empty(), Optional.empty(), 0, 0, false, false, false, false);
    }

    @Override
    public ProtocolKind protocol() {
        return ProtocolKind.LCP;
    }

    public LcpSettings settings() {
        return settings;
    }

    // ---- what we request -----------------------------------------------------------------

    @Override
    public void startNegotiation() {
        mru = settings.mru() != LcpSettings.DEFAULT_MRU ? settings.mru() : 0;
        requestAccm = settings.accm().isPresent();
        accm = settings.accm().orElse(0);
        authenticationTried = 0;
        authentication = settings.authenticatePeerWith().isEmpty() ? null : settings.authenticatePeerWith().getFirst();
        if (authentication != null) {
            tried(authentication);
        }
        requestMagicNumber = settings.magicNumber();
        magicNumber = requestMagicNumber ? freshMagicNumber(0) : 0;
        pfc = settings.requestPfc();
        acfc = settings.requestAcfc();
        magicNaksInARow = 0;
        // The agreement stays: each direction is replaced when this negotiation acknowledges a
        // request, before the layer can come up (and the peer's may be acknowledged just
        // before this call, when a Configure-Request reopens negotiation in Opened).
    }

    /** Marks {@code method} as requested in this negotiation; false if it already was. */
    private boolean tried(AuthenticationMethod method) {
        int bit = 1 << method.ordinal();
        boolean first = (authenticationTried & bit) == 0;
        authenticationTried |= bit;
        return first;
    }

    /** In type order, as pppd and Windows send them. */
    @Override
    public List<ConfigurationOption> requestedOptions() {
        List<ConfigurationOption> options = new ArrayList<>();
        if (mru != 0) {
            options.add(new MaximumReceiveUnit(mru));
        }
        if (requestAccm) {
            options.add(new AsyncControlCharacterMap(accm));
        }
        if (authentication != null) {
            options.add(authentication.option());
        }
        if (requestMagicNumber) {
            options.add(new MagicNumber(magicNumber));
        }
        if (pfc) {
            options.add(new ProtocolFieldCompression());
        }
        if (acfc) {
            options.add(new AddressControlFieldCompression());
        }
        return options;
    }

    /** Our receive side: what the peer must respect when it sends to us. */
    @Override
    public void requestAcknowledged(List<ConfigurationOption> options) {
        Direction receive = Direction.of(options);
        LcpAgreement old = agreement;
        agreement = new LcpAgreement(receive.mru, old.peerMru(), receive.accm, old.transmitAccm(),
                receive.authentication, old.authenticateToPeerWith(), receive.magicNumber, old.peerMagicNumber(),
                receive.pfc, old.transmitPfc(), receive.acfc, old.transmitAcfc());
    }

    @Override
    public ReplyOutcome nakReceived(List<ConfigurationOption> options) {
        boolean magicNaked = false;
        for (ConfigurationOption option : options) {
            switch (option) {
                // RFC 1661 §6.1: a smaller MRU suggested by the peer is adopted within our limits;
                // a Nak may also ask us to include an MRU we did not request.
                case MaximumReceiveUnit suggested -> {
                    int value = suggested.maximumReceiveUnit();
                    if (value >= settings.minimumMru() && value <= settings.maximumMru()) {
                        mru = value == LcpSettings.DEFAULT_MRU ? 0 : value;
                    }
                }
                // RFC 1662 §7.1: escape what the peer needs escaped on top of what we need.
                case AsyncControlCharacterMap suggested -> {
                    if (requestAccm) {
                        accm |= suggested.map();
                    }
                }
                case AuthenticationProtocol suggested -> {
                    if (authentication != null) {
                        Optional<ReplyOutcome> failure = followAuthenticationNak(suggested);
                        if (failure.isPresent()) {
                            return failure.get();
                        }
                    }
                }
                case MagicNumber suggested -> {
                    if (requestMagicNumber) {
                        magicNaked = true;
                        // §6.4: choose a new random number whatever the peer suggested.
                        magicNumber = freshMagicNumber(magicNumber);
                    }
                }
                default -> {} // PFC/ACFC carry no value to Nak; unknown hints are ignored
            }
        }
        if (!magicNaked) {
            magicNaksInARow = 0;
        } else if (++magicNaksInARow >= settings.loopbackLimit()) {
            return ReplyOutcome.failed(LOOPBACK, "the link appears looped back: " + magicNaksInARow
                    + " Configure-Naks of our Magic-Number in a row (RFC 1661 §6.4)");
        }
        return ReplyOutcome.ADOPTED;
    }

    private Optional<ReplyOutcome> followAuthenticationNak(AuthenticationProtocol suggested) {
        List<AuthenticationMethod> allowed = settings.authenticatePeerWith();
        Optional<AuthenticationMethod> method = AuthenticationMethod.of(suggested);
        if (method.isPresent() && allowed.contains(method.get())) {
            authentication = method.get();
            tried(authentication);
            return Optional.empty();
        }
        for (AuthenticationMethod next : allowed) {
            if (tried(next)) {
                authentication = next;
                return Optional.empty();
            }
        }
        List<AuthenticationMethod> refused = new ArrayList<>();
        for (AuthenticationMethod tried : AuthenticationMethod.values()) {
            if ((authenticationTried & 1 << tried.ordinal()) != 0) {
                refused.add(tried);
            }
        }
        return Optional.of(ReplyOutcome.failed(AUTHENTICATION_UNACCEPTABLE, "no acceptable authentication method: "
                + "the peer refused " + refused + " and proposes " + AuthenticationMethod.describe(suggested)
                + "; allowed: " + allowed));
    }

    @Override
    public ReplyOutcome rejectReceived(List<ConfigurationOption> options) {
        for (ConfigurationOption option : options) {
            switch (option) {
                case MaximumReceiveUnit rejected -> mru = 0; // the default 1500 then holds
                case AsyncControlCharacterMap rejected -> requestAccm = false;
                case AuthenticationProtocol rejected -> {
                    return ReplyOutcome.failed(AUTHENTICATION_REFUSED, "the peer rejected the Authentication-Protocol "
                            + "option: it will not authenticate; required: one of " + settings.authenticatePeerWith());
                }
                case MagicNumber rejected -> requestMagicNumber = false;
                case ProtocolFieldCompression rejected -> pfc = false;
                case AddressControlFieldCompression rejected -> acfc = false;
                default -> {} // the automaton checked it is one of ours; nothing else is requested
            }
        }
        return ReplyOutcome.ADOPTED;
    }

    // ---- what we accept ------------------------------------------------------------------

    @Override
    public RequestJudgement judgePeerRequest(List<ConfigurationOption> options) {
        RequestJudgement judgement = new RequestJudgement();
        for (ConfigurationOption option : options) {
            switch (option) {
                case MaximumReceiveUnit requested -> {
                    if (requested.maximumReceiveUnit() < settings.minimumMru()) {
                        judgement.nak(option, new MaximumReceiveUnit(settings.minimumMru()));
                    } else {
                        judgement.ack(option);
                    }
                }
                // Any map: on a synchronous link the option means nothing but peers send it anyway.
                case AsyncControlCharacterMap requested -> judgement.ack(option);
                case AuthenticationProtocol requested -> judgeAuthentication(requested, judgement);
                case MagicNumber requested -> {
                    int value = requested.magicNumber();
                    if (value == 0 || (requestMagicNumber && value == magicNumber)) {
                        // §6.4: zero is illegal and MUST be Nak'ed; our own number means a
                        // possible loop. Either way suggest a fresh random number.
                        judgement.nakAlways(option, new MagicNumber(freshMagicNumber(value)));
                    } else {
                        judgement.ack(option);
                    }
                }
                case ProtocolFieldCompression requested -> {
                    if (settings.acceptPfc()) {
                        judgement.ack(option);
                    } else {
                        judgement.reject(option);
                    }
                }
                case AddressControlFieldCompression requested -> {
                    if (settings.acceptAcfc()) {
                        judgement.ack(option);
                    } else {
                        judgement.reject(option);
                    }
                }
                // Quality-Protocol, Callback (Windows' CBCP), Multilink, unknown: not offered.
                default -> judgement.reject(option);
            }
        }
        return judgement;
    }

    private void judgeAuthentication(AuthenticationProtocol requested, RequestJudgement judgement) {
        List<AuthenticationMethod> allowed = settings.authenticateToPeerWith();
        if (allowed.isEmpty()) {
            judgement.reject(requested);
        } else if (AuthenticationMethod.of(requested).filter(allowed::contains).isPresent()) {
            judgement.ack(requested);
        } else {
            judgement.nak(requested, allowed.getFirst().option());
        }
    }

    /** Our transmit side: what we respect when sending to the peer. */
    @Override
    public void peerRequestAcknowledged(List<ConfigurationOption> options) {
        Direction transmit = Direction.of(options);
        LcpAgreement old = agreement;
        agreement = new LcpAgreement(old.ourMru(), Math.min(transmit.mru, settings.maximumMru()), old.receiveAccm(),
                transmit.accm, old.authenticatePeerWith(), transmit.authentication, old.ourMagicNumber(),
                transmit.magicNumber, old.receivePfc(), transmit.pfc, old.receiveAcfc(), transmit.acfc);
    }

    /**
     * An authenticator never comes up without authentication: our request always carries the
     * option, and a Reject of it fails the negotiation; this guards the invariant.
     */
    @Override
    public Optional<Termination> agreementProblem() {
        if (!settings.authenticatePeerWith().isEmpty() && agreement().authenticatePeerWith().isEmpty()) {
            return Optional.of(Termination.of(AUTHENTICATION_REFUSED,
                    "LCP would come up without authenticating the peer; required: one of " + settings.authenticatePeerWith()));
        }
        return Optional.empty();
    }

    @Override
    public int localMagicNumber() {
        return agreement.ourMagicNumber();
    }

    /** The agreement of the last negotiation, meaningful once the layer is up. */
    public LcpAgreement agreement() {
        return agreement;
    }

    private int freshMagicNumber(int avoid) {
        int value;
        do {
            value = random.nextInt();
        } while (value == 0 || value == avoid);
        return value;
    }

    /**
     * What one acknowledged Configure-Request says about its direction, with RFC 1661's defaults
     * for what it leaves out (MRU 1500, ACCM -1 for all escaped, no authentication, no
     * Magic-Number); the first option of each type counts.
     */
    private record Direction(int mru, int accm, Optional<AuthenticationMethod> authentication, int magicNumber,
            boolean pfc, boolean acfc) {

        static Direction of(List<ConfigurationOption> options) {
            MaximumReceiveUnit mru = first(options, MaximumReceiveUnit.class);
            AsyncControlCharacterMap accm = first(options, AsyncControlCharacterMap.class);
            AuthenticationProtocol authentication = first(options, AuthenticationProtocol.class);
            MagicNumber magicNumber = first(options, MagicNumber.class);
            return new Direction(
                    mru == null ? LcpSettings.DEFAULT_MRU : mru.maximumReceiveUnit(),
                    accm == null ? -1 : accm.map(),
                    authentication == null ? Optional.empty() : AuthenticationMethod.of(authentication),
                    magicNumber == null ? 0 : magicNumber.magicNumber(),
                    first(options, ProtocolFieldCompression.class) != null,
                    first(options, AddressControlFieldCompression.class) != null);
        }

        private static <T> T first(List<ConfigurationOption> options, Class<T> type) {
            for (ConfigurationOption option : options) {
                if (type.isInstance(option)) {
                    return type.cast(option);
                }
            }
            return null;
        }
    }
}
