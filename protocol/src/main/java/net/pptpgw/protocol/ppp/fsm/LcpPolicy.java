package net.pptpgw.protocol.ppp.fsm;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
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
 */
public final class LcpPolicy implements NegotiationPolicy {

    public static final String AUTHENTICATION_UNACCEPTABLE = "authentication-unacceptable";
    public static final String AUTHENTICATION_REFUSED = "authentication-refused";
    public static final String LOOPBACK = "loopback";

    private final LcpSettings settings;
    private final RandomGenerator random;

    // What we request in the current negotiation: null or false when not requested.
    private Integer mru;
    private Integer accm;
    private AuthenticationMethod authentication;
    /** An EnumSet (one long) rather than a HashSet (about 200 bytes): every session keeps one. */
    private final Set<AuthenticationMethod> authenticationTried = EnumSet.noneOf(AuthenticationMethod.class);
    private Integer magicNumber;
    private boolean pfc;
    private boolean acfc;
    private int magicNaksInARow;

    private List<ConfigurationOption> acknowledgedByPeer = List.of();
    private List<ConfigurationOption> acknowledgedByUs = List.of();

    /**
     * @param random source of Magic-Numbers (RFC 1661 §6.4 asks for a truly random one); the
     *     first is drawn by {@link #startNegotiation}, which the automaton calls before its first
     *     Configure-Request
     */
    public LcpPolicy(LcpSettings settings, RandomGenerator random) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.random = Objects.requireNonNull(random, "random");
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
        mru = settings.mru() != LcpSettings.DEFAULT_MRU ? settings.mru() : null;
        accm = settings.accm().isPresent() ? settings.accm().getAsInt() : null;
        authenticationTried.clear();
        authentication = settings.authenticatePeerWith().isEmpty() ? null : settings.authenticatePeerWith().getFirst();
        if (authentication != null) {
            authenticationTried.add(authentication);
        }
        magicNumber = settings.magicNumber() ? freshMagicNumber(0) : null;
        pfc = settings.requestPfc();
        acfc = settings.requestAcfc();
        magicNaksInARow = 0;
        // The acknowledged lists stay: each is replaced when this negotiation acknowledges a
        // request, before the layer can come up (and the peer's may be acknowledged just
        // before this call, when a Configure-Request reopens negotiation in Opened).
    }

    /** In type order, as pppd and Windows send them. */
    @Override
    public List<ConfigurationOption> requestedOptions() {
        List<ConfigurationOption> options = new ArrayList<>();
        if (mru != null) {
            options.add(new MaximumReceiveUnit(mru));
        }
        if (accm != null) {
            options.add(new AsyncControlCharacterMap(accm));
        }
        if (authentication != null) {
            options.add(authentication.option());
        }
        if (magicNumber != null) {
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

    @Override
    public void requestAcknowledged(List<ConfigurationOption> options) {
        acknowledgedByPeer = List.copyOf(options);
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
                        mru = value == LcpSettings.DEFAULT_MRU ? null : value;
                    }
                }
                // RFC 1662 §7.1: escape what the peer needs escaped on top of what we need.
                case AsyncControlCharacterMap suggested -> {
                    if (accm != null) {
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
                    if (magicNumber != null) {
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
            authenticationTried.add(authentication);
            return Optional.empty();
        }
        for (AuthenticationMethod next : allowed) {
            if (authenticationTried.add(next)) {
                authentication = next;
                return Optional.empty();
            }
        }
        return Optional.of(ReplyOutcome.failed(AUTHENTICATION_UNACCEPTABLE, "no acceptable authentication method: "
                + "the peer refused " + authenticationTried + " and proposes " + AuthenticationMethod.describe(suggested)
                + "; allowed: " + allowed));
    }

    @Override
    public ReplyOutcome rejectReceived(List<ConfigurationOption> options) {
        for (ConfigurationOption option : options) {
            switch (option) {
                case MaximumReceiveUnit rejected -> mru = null; // the default 1500 then holds
                case AsyncControlCharacterMap rejected -> accm = null;
                case AuthenticationProtocol rejected -> {
                    return ReplyOutcome.failed(AUTHENTICATION_REFUSED, "the peer rejected the Authentication-Protocol "
                            + "option: it will not authenticate; required: one of " + settings.authenticatePeerWith());
                }
                case MagicNumber rejected -> magicNumber = null;
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
                    if (value == 0 || (magicNumber != null && value == magicNumber)) {
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

    @Override
    public void peerRequestAcknowledged(List<ConfigurationOption> options) {
        acknowledgedByUs = List.copyOf(options);
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
        return find(acknowledgedByPeer, MagicNumber.class).map(MagicNumber::magicNumber).orElse(0);
    }

    /** The agreement of the last negotiation, meaningful once the layer is up. */
    public LcpAgreement agreement() {
        int ourMru = find(acknowledgedByPeer, MaximumReceiveUnit.class)
                .map(MaximumReceiveUnit::maximumReceiveUnit).orElse(LcpSettings.DEFAULT_MRU);
        int peerMru = find(acknowledgedByUs, MaximumReceiveUnit.class)
                .map(MaximumReceiveUnit::maximumReceiveUnit).orElse(LcpSettings.DEFAULT_MRU);
        return new LcpAgreement(
                ourMru,
                Math.min(peerMru, settings.maximumMru()),
                find(acknowledgedByPeer, AsyncControlCharacterMap.class).map(AsyncControlCharacterMap::map).orElse(-1),
                find(acknowledgedByUs, AsyncControlCharacterMap.class).map(AsyncControlCharacterMap::map).orElse(-1),
                find(acknowledgedByPeer, AuthenticationProtocol.class).flatMap(AuthenticationMethod::of),
                find(acknowledgedByUs, AuthenticationProtocol.class).flatMap(AuthenticationMethod::of),
                localMagicNumber(),
                find(acknowledgedByUs, MagicNumber.class).map(MagicNumber::magicNumber).orElse(0),
                find(acknowledgedByPeer, ProtocolFieldCompression.class).isPresent(),
                find(acknowledgedByUs, ProtocolFieldCompression.class).isPresent(),
                find(acknowledgedByPeer, AddressControlFieldCompression.class).isPresent(),
                find(acknowledgedByUs, AddressControlFieldCompression.class).isPresent());
    }

    private int freshMagicNumber(int avoid) {
        int value;
        do {
            value = random.nextInt();
        } while (value == 0 || value == avoid);
        return value;
    }

    private static <T> Optional<T> find(List<ConfigurationOption> options, Class<T> type) {
        return options.stream().filter(type::isInstance).map(type::cast).findFirst();
    }
}
