package net.pptpgw.protocol.ppp.fsm;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import net.pptpgw.protocol.ppp.cp.ConfigurationOption;
import net.pptpgw.protocol.ppp.cp.ProtocolKind;
import net.pptpgw.protocol.ppp.ipcp.IpcpOption;
import net.pptpgw.protocol.ppp.ipcp.IpcpOption.IpAddress;
import net.pptpgw.protocol.ppp.ipcp.IpcpOption.PrimaryDnsServer;
import net.pptpgw.protocol.ppp.ipcp.IpcpOption.PrimaryNbnsServer;
import net.pptpgw.protocol.ppp.ipcp.IpcpOption.SecondaryDnsServer;
import net.pptpgw.protocol.ppp.ipcp.IpcpOption.SecondaryNbnsServer;

/**
 * IPCP negotiation (RFC 1332 §3.3, RFC 1877) by {@link IpcpSettings}.
 *
 * <p>Server side: the peer's IP-Address is Nak'ed to the assigned address unless it already is
 * that address (a Windows client asks with 0.0.0.0), and a request without IP-Address gets the
 * assigned address as a Nak hint (RFC 1661 §5.3), as pppd does. A name server the peer asks for
 * (with 0.0.0.0 or a stale address) is Nak'ed to ours, or rejected when we have none to offer.
 * IP-Compression-Protocol (Van Jacobson or other), the deprecated IP-Addresses and unknown
 * options are rejected: this concentrator compresses nothing.
 *
 * <p>Client side: we request IP-Address 0.0.0.0 (or our fixed address) and the name servers we
 * want with 0.0.0.0, and adopt the peer's Naks. The peer rejecting our 0.0.0.0 IP-Address
 * means it will not give us one: cause {@code no-ip-address}.
 *
 * <p>Every session keeps one for as long as it lives (issue 5: 60,000 sessions), so it keeps
 * addresses, not option lists: of each acknowledged request the IP-Address and the servers, and
 * wherever an address equals one it already holds (the {@link IpcpSettings}', with their
 * {@code Optional}s, or our request's) it is that instance which is kept, not the copy decoded
 * from the peer's packet (56 bytes each).
 */
public final class IpcpPolicy implements NegotiationPolicy {

    public static final String NO_IP_ADDRESS = "no-ip-address";

    /** The four RFC 1877 server options, which negotiate alike; in type order (129-132), as Windows sends them. */
    private enum NameServer {
        PRIMARY_DNS(PrimaryDnsServer.class, PrimaryDnsServer::new, IpcpSettings::primaryDns),
        PRIMARY_NBNS(PrimaryNbnsServer.class, PrimaryNbnsServer::new, IpcpSettings::primaryNbns),
        SECONDARY_DNS(SecondaryDnsServer.class, SecondaryDnsServer::new, IpcpSettings::secondaryDns),
        SECONDARY_NBNS(SecondaryNbnsServer.class, SecondaryNbnsServer::new, IpcpSettings::secondaryNbns);

        final Class<? extends IpcpOption> type;
        final Function<Inet4Address, IpcpOption> option;
        final Function<IpcpSettings, Optional<Inet4Address>> offered;

        NameServer(Class<? extends IpcpOption> type, Function<Inet4Address, IpcpOption> option,
                Function<IpcpSettings, Optional<Inet4Address>> offered) {
            this.type = type;
            this.option = option;
            this.offered = offered;
        }

        static Optional<NameServer> of(ConfigurationOption option) {
            for (NameServer server : values()) {
                if (server.type.isInstance(option)) {
                    return Optional.of(server);
                }
            }
            return Optional.empty();
        }

        boolean isDns() {
            return this == PRIMARY_DNS || this == SECONDARY_DNS;
        }

        static final NameServer[] ALL = values();
    }

    private static final Inet4Address UNSPECIFIED = address(new byte[4]);

    private final IpcpSettings settings;

    // What we request: the address (0.0.0.0 until the peer Naks one), and the servers still
    // asked for, by NameServer ordinal (null: not asked for); no array when we ask for none.
    private Inet4Address localAddress;
    private boolean requestAddress;
    private final Inet4Address[] serversRequested;

    // The two acknowledged requests: the IP-Address (null if absent) and the servers (by
    // NameServer ordinal; no array if none). "ByPeer" is our request, "ByUs" the peer's.
    private Inet4Address addressAcknowledgedByPeer;
    private Inet4Address[] serversAcknowledgedByPeer;
    private Inet4Address addressAcknowledgedByUs;
    private Inet4Address[] serversAcknowledgedByUs;

    public IpcpPolicy(IpcpSettings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.serversRequested = settings.requestDns() || settings.requestNbns() ? new Inet4Address[NameServer.ALL.length] : null;
        startNegotiation();
    }

    @Override
    public ProtocolKind protocol() {
        return ProtocolKind.IPCP;
    }

    // ---- what we request -----------------------------------------------------------------

    @Override
    public void startNegotiation() {
        localAddress = settings.localAddress().orElse(UNSPECIFIED);
        requestAddress = true;
        if (serversRequested != null) {
            for (NameServer server : NameServer.ALL) {
                boolean wanted = server.isDns() ? settings.requestDns() : settings.requestNbns();
                serversRequested[server.ordinal()] = wanted ? UNSPECIFIED : null;
            }
        }
    }

    @Override
    public List<ConfigurationOption> requestedOptions() {
        List<ConfigurationOption> options = new ArrayList<>();
        if (requestAddress) {
            options.add(new IpAddress(localAddress));
        }
        if (serversRequested != null) {
            for (NameServer server : NameServer.ALL) {
                Inet4Address address = serversRequested[server.ordinal()];
                if (address != null) {
                    options.add(server.option.apply(address));
                }
            }
        }
        return options;
    }

    @Override
    public void requestAcknowledged(List<ConfigurationOption> options) {
        addressAcknowledgedByPeer = address(options);
        serversAcknowledgedByPeer = servers(options);
    }

    @Override
    public ReplyOutcome nakReceived(List<ConfigurationOption> options) {
        for (ConfigurationOption option : options) {
            if (option instanceof IpAddress suggested) {
                // A fixed address stays ours; an address we asked for is the peer's to give.
                if (settings.localAddress().isEmpty() && !unspecified(suggested.address())) {
                    localAddress = suggested.address();
                    requestAddress = true;
                }
            } else {
                NameServer.of(option).filter(this::requested).ifPresent(server ->
                        serversRequested[server.ordinal()] = addressOf(option));
            }
        }
        return ReplyOutcome.ADOPTED;
    }

    @Override
    public ReplyOutcome rejectReceived(List<ConfigurationOption> options) {
        for (ConfigurationOption option : options) {
            if (option instanceof IpAddress) {
                if (settings.localAddress().isEmpty()) {
                    return ReplyOutcome.failed(NO_IP_ADDRESS,
                            "the peer rejected our IP-Address request: it will not assign us an address");
                }
                requestAddress = false; // RFC 1332 §3.3: it then simply does not learn ours
            } else {
                NameServer.of(option).filter(this::requested).ifPresent(server -> serversRequested[server.ordinal()] = null);
            }
        }
        return ReplyOutcome.ADOPTED;
    }

    // ---- what we accept ------------------------------------------------------------------

    @Override
    public RequestJudgement judgePeerRequest(List<ConfigurationOption> options) {
        RequestJudgement judgement = new RequestJudgement();
        boolean addressSeen = false;
        for (ConfigurationOption option : options) {
            if (option instanceof IpAddress requested) {
                addressSeen = true;
                judgeAddress(requested, judgement);
                continue;
            }
            Optional<NameServer> server = NameServer.of(option);
            if (server.isEmpty()) {
                // VJ and other IP compression, deprecated IP-Addresses, unknown options.
                judgement.reject(option);
                continue;
            }
            Optional<Inet4Address> offered = server.get().offered.apply(settings);
            if (offered.isEmpty()) {
                judgement.reject(option);
            } else if (offered.get().equals(addressOf(option))) {
                judgement.ack(option);
            } else {
                judgement.nak(option, server.get().option.apply(offered.get()));
            }
        }
        if (!addressSeen && settings.peerAddress().isPresent()) {
            judgement.suggest(new IpAddress(settings.peerAddress().get()));
        }
        return judgement;
    }

    private void judgeAddress(IpAddress requested, RequestJudgement judgement) {
        Optional<Inet4Address> assigned = settings.peerAddress();
        if (assigned.isPresent()) {
            if (assigned.get().equals(requested.address())) {
                judgement.ack(requested);
            } else {
                judgement.nak(requested, new IpAddress(assigned.get()));
            }
        } else if (unspecified(requested.address())) {
            judgement.reject(requested); // it asks us for an address, and we have none to give
        } else {
            judgement.ack(requested);
        }
    }

    @Override
    public void peerRequestAcknowledged(List<ConfigurationOption> options) {
        addressAcknowledgedByUs = address(options);
        serversAcknowledgedByUs = servers(options);
    }

    private boolean requested(NameServer server) {
        return serversRequested != null && serversRequested[server.ordinal()] != null;
    }

    @Override
    public Optional<Termination> agreementProblem() {
        if (unspecified(agreement().localAddress())) {
            return Optional.of(Termination.of(NO_IP_ADDRESS,
                    "IPCP would come up without a local address: the peer acknowledged 0.0.0.0"));
        }
        return Optional.empty();
    }

    /** The agreement of the last negotiation, meaningful once the layer is up. */
    public IpcpAgreement agreement() {
        Inet4Address local = addressAcknowledgedByPeer != null ? addressAcknowledgedByPeer
                : settings.localAddress().orElse(UNSPECIFIED);
        Optional<Inet4Address> peer = addressAcknowledgedByUs != null ? optional(addressAcknowledgedByUs)
                : settings.peerAddress();
        return new IpcpAgreement(local, peer,
                server(NameServer.PRIMARY_DNS), server(NameServer.SECONDARY_DNS),
                server(NameServer.PRIMARY_NBNS), server(NameServer.SECONDARY_NBNS));
    }

    /** A client learns servers through its acknowledged request, a server hands them out in the peer's. */
    private Optional<Inet4Address> server(NameServer server) {
        Inet4Address address = serversAcknowledgedByPeer != null ? serversAcknowledgedByPeer[server.ordinal()] : null;
        if (address == null && serversAcknowledgedByUs != null) {
            address = serversAcknowledgedByUs[server.ordinal()];
        }
        return address == null || unspecified(address) ? Optional.empty() : optional(address);
    }

    /** The first IP-Address of an acknowledged request, or null. */
    private Inet4Address address(List<ConfigurationOption> options) {
        for (ConfigurationOption option : options) {
            if (option instanceof IpAddress address) {
                return canonical(address.address());
            }
        }
        return null;
    }

    /** The servers of an acknowledged request (the first of each type), or null if it has none. */
    private Inet4Address[] servers(List<ConfigurationOption> options) {
        Inet4Address[] servers = null;
        for (ConfigurationOption option : options) {
            Optional<NameServer> server = NameServer.of(option);
            if (server.isPresent()) {
                if (servers == null) {
                    servers = new Inet4Address[NameServer.ALL.length];
                }
                if (servers[server.get().ordinal()] == null) {
                    servers[server.get().ordinal()] = canonical(addressOf(option));
                }
            }
        }
        return servers;
    }

    /**
     * The instance of {@code address} this policy already holds, if any: the settings' (the usual
     * case for a server) or the one our request carries (a client's, adopted from the peer's Nak).
     */
    private Inet4Address canonical(Inet4Address address) {
        for (Optional<Inet4Address> known : settingsAddresses()) {
            if (known.isPresent() && known.get().equals(address)) {
                return known.get();
            }
        }
        if (address.equals(localAddress)) {
            return localAddress;
        }
        if (serversRequested != null) {
            for (Inet4Address requested : serversRequested) {
                if (address.equals(requested)) {
                    return requested;
                }
            }
        }
        return unspecified(address) ? UNSPECIFIED : address;
    }

    /** The settings' {@code Optional} of {@code address} if it is one of theirs, else a new one. */
    private Optional<Inet4Address> optional(Inet4Address address) {
        for (Optional<Inet4Address> known : settingsAddresses()) {
            if (known.isPresent() && known.get().equals(address)) {
                return known;
            }
        }
        return Optional.of(address);
    }

    private List<Optional<Inet4Address>> settingsAddresses() {
        return List.of(settings.localAddress(), settings.peerAddress(), settings.primaryDns(), settings.secondaryDns(),
                settings.primaryNbns(), settings.secondaryNbns());
    }

    static boolean unspecified(Inet4Address address) {
        return address.equals(UNSPECIFIED);
    }

    private static Inet4Address addressOf(ConfigurationOption option) {
        return switch (option) {
            case IpAddress a -> a.address();
            case PrimaryDnsServer a -> a.address();
            case SecondaryDnsServer a -> a.address();
            case PrimaryNbnsServer a -> a.address();
            case SecondaryNbnsServer a -> a.address();
            default -> throw new IllegalArgumentException("not an address option: " + option);
        };
    }

    private static Inet4Address address(byte[] octets) {
        try {
            return (Inet4Address) InetAddress.getByAddress(octets);
        } catch (UnknownHostException impossible) {
            throw new AssertionError(impossible);
        }
    }
}
