package net.pptpgw.gateway;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.function.UnaryOperator;
import net.pptpgw.concentrator.ConcentratorConfig;
import net.pptpgw.concentrator.auth.ChapSecrets;
import net.pptpgw.concentrator.ip.IpDataPlane;
import net.pptpgw.concentrator.pool.AddressPool;
import net.pptpgw.concentrator.session.SessionPolicy;
import net.pptpgw.gateway.admin.AdminEndpoint;
import net.pptpgw.gateway.config.ConfigSection;
import net.pptpgw.gateway.config.ConfigValues;
import net.pptpgw.gateway.config.SettingException;
import net.pptpgw.protocol.ppp.fsm.AuthenticationMethod;
import net.pptpgw.protocol.ppp.fsm.CcpSettings;
import net.pptpgw.protocol.ppp.fsm.MppeStrength;
import net.pptpgw.protocol.pptp.ControlMessages;

/**
 * The {@code concentrator} settings as written: one component per flag of
 * {@link ConcentratorCommand} and per key of a configuration file's {@code concentrator} section,
 * with the same names ({@code --max-calls} / {@code max-calls}; a repeatable flag is a list:
 * {@code pool: [10.0.0.10-10.0.0.250, 10.1.0.0/24]}). Null means "not given", so that flags can
 * be laid over the file ({@link ConfigSection#overlay}) before {@link #resolve} fills in the
 * defaults and checks everything.
 *
 * <p>{@link #resolve} reports a bad value as a {@link SettingException} naming the key (and the
 * list item), not the flag or the file line: whoever merged the settings knows which of them gave
 * the key and words the error for it.
 */
public record ConcentratorSettings(
        String listen,
        List<String> pool,
        Path secrets,
        String name,
        InetSocketAddress metrics,
        String admin,
        Boolean noGre,
        Integer maxConnections,
        Integer maxCalls,
        Integer maxCallsPerConnection,
        Integer maxHalfOpen,
        Double connectionRate,
        Integer connectionBurst,
        Duration echoInterval,
        Duration shutdownGrace,
        String tun,
        Integer tunMtu,
        Inet4Address localAddress,
        List<String> auth,
        String mppe,
        List<String> mppeBits,
        List<String> mppeModes,
        List<Inet4Address> dns,
        List<Inet4Address> wins,
        Duration lcpEchoInterval,
        Integer lcpEchoFailures,
        Integer authAttempts) {

    /** The configuration file's section for these settings. */
    public static final String SECTION = "concentrator";

    // Defaults of the keys whose default is not the concentrator modules' own (ConcentratorConfig,
    // SessionPolicy): the command's help quotes these.
    static final String DEFAULT_LISTEN = "0.0.0.0:1723";
    static final String DEFAULT_NAME = "pptpd"; // as pptpd, whose clients may expect it
    static final String DEFAULT_TUN = "pptpgw%d";
    static final String DEFAULT_AUTH = "mschapv2,mschap";
    static final String DEFAULT_MPPE = "require";
    static final String DEFAULT_MPPE_BITS = "128";
    // As pppd: stateful MPPE needs a resynchronisation after every lost packet (RFC 3078 §3.4).
    static final String DEFAULT_MPPE_MODES = "stateless";

    /** No setting given: every key at its default. */
    public static final ConcentratorSettings NONE = new ConcentratorSettings(null, null, null, null, null, null, null,
            null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null,
            null, null, null);

    /** These settings with only the metrics endpoint changed (the file's top-level one, under a command). */
    ConcentratorSettings withMetrics(InetSocketAddress endpoint) {
        return new ConcentratorSettings(listen, pool, secrets, name, endpoint, admin, noGre, maxConnections, maxCalls,
                maxCallsPerConnection, maxHalfOpen, connectionRate, connectionBurst, echoInterval, shutdownGrace, tun,
                tunMtu, localAddress, auth, mppe, mppeBits, mppeModes, dns, wins, lcpEchoInterval, lcpEchoFailures,
                authAttempts);
    }

    public boolean gre() {
        return !Boolean.TRUE.equals(noGre);
    }

    /**
     * Defaults filled in, every value checked, the pool built and the secrets file read: what
     * {@link ConcentratorRuntime#start} needs. Nothing is opened or bound.
     *
     * @throws SettingException naming the key at fault
     */
    public ConcentratorSetup resolve() {
        ConcentratorConfig control = control();
        AddressPool addresses = pool == null || pool.isEmpty() ? null : pool(pool);
        ChapSecrets users = secrets == null ? null : secrets(secrets);
        String tunName = or(tun, DEFAULT_TUN);
        int mtu = or(tunMtu, IpDataPlane.DEFAULT_MTU);
        if (mtu < 576 || mtu > 1500) {
            throw new SettingException("tun-mtu", mtu + " is not in 576..1500");
        }
        InetSocketAddress adminAddress = adminAddress(or(admin, AdminEndpoint.DEFAULT_ADDRESS));
        SessionPolicy policy = null;
        if (gre()) {
            if (addresses == null) {
                throw new SettingException("pool", "PPP sessions need addresses: give at least one range "
                        + "(or no-gre for the control plane alone)");
            }
            if (users == null) {
                throw new SettingException("secrets", "PPP sessions need a chap-secrets file "
                        + "(or no-gre for the control plane alone)");
            }
            policy = sessionPolicy(addresses);
        }
        return new ConcentratorSetup(control, gre(), addresses, users, policy, tunName, mtu, adminAddress);
    }

    /** The control plane's configuration alone (listener, host name, limits, echo interval, shutdown grace), as {@link #resolve} makes it. */
    ConcentratorConfig control() {
        InetSocketAddress address = listenAddress(or(listen, DEFAULT_LISTEN));
        ConcentratorConfig config = ConcentratorConfig.defaults().withListen(address.getAddress(), address.getPort());
        String hostName = or(name, DEFAULT_NAME);
        config = apply("name", config, c -> c.withHostName(hostName));
        config = apply("max-half-open", config, c -> c.withLimits(or(maxHalfOpen, c.maxHalfOpen()),
                c.maxControlConnections(), c.maxCallsPerConnection(), c.maxCalls()));
        config = apply("max-connections", config, c -> c.withLimits(c.maxHalfOpen(),
                or(maxConnections, c.maxControlConnections()), c.maxCallsPerConnection(), c.maxCalls()));
        config = apply("max-calls-per-connection", config, c -> c.withLimits(c.maxHalfOpen(),
                c.maxControlConnections(), or(maxCallsPerConnection, c.maxCallsPerConnection()), c.maxCalls()));
        config = apply("max-calls", config, c -> c.withLimits(c.maxHalfOpen(), c.maxControlConnections(),
                c.maxCallsPerConnection(), or(maxCalls, c.maxCalls())));
        config = apply("connection-rate", config, c -> c.withSourceRate(
                or(connectionRate, c.connectionsPerSecondPerSource()), c.connectionBurstPerSource()));
        config = apply("connection-burst", config, c -> c.withSourceRate(c.connectionsPerSecondPerSource(),
                or(connectionBurst, c.connectionBurstPerSource())));
        config = apply("echo-interval", config, c -> c.withTimeouts(or(echoInterval, c.echoInterval()),
                c.halfOpenTimeout(), c.stopReplyTimeout(), c.shutdownStopReplyTimeout()));
        return apply("shutdown-grace", config, c -> c.withShutdownGrace(or(shutdownGrace, c.shutdownGrace())));
    }

    /** The pool, built range by range so that an error names the range at fault (an overlap: the later one). */
    private static AddressPool pool(List<String> ranges) {
        for (int i = 0; i < ranges.size(); i++) {
            try {
                AddressPool.parse(ranges.subList(0, i + 1));
            } catch (IllegalArgumentException e) {
                throw new SettingException("pool", ranges.size() > 1 ? i : -1, e.getMessage());
            }
        }
        try {
            return AddressPool.parse(ranges);
        } catch (IllegalArgumentException e) {
            throw new SettingException("pool", e.getMessage());
        }
    }

    private static ChapSecrets secrets(Path file) {
        try {
            return ChapSecrets.load(file);
        } catch (ChapSecrets.ParseException e) {
            throw new SettingException("secrets", e.getMessage());
        } catch (IOException e) {
            throw new SettingException("secrets", "cannot read " + file + ": " + e);
        }
    }

    /** PPP in the server role; its local address defaults to the pool's first. */
    private SessionPolicy sessionPolicy(AddressPool addresses) {
        Inet4Address local = localAddress != null ? localAddress : addresses.address(0);
        List<AuthenticationMethod> methods = each("auth", or(auth, List.of(DEFAULT_AUTH.split(","))),
                ConfigValues::authenticationMethod);
        if (methods.isEmpty()) {
            throw new SettingException("auth", "at least one authentication method is needed");
        }
        unique("auth", methods);
        CcpSettings ccp = ccp();
        List<Inet4Address> dnsServers = or(dns, List.of());
        List<Inet4Address> winsServers = or(wins, List.of());
        // RFC 1877: IPCP's options carry a primary and a secondary server, no more.
        if (dnsServers.size() > 2) {
            throw new SettingException("dns", "at most two servers (RFC 1877), got " + dnsServers.size());
        }
        if (winsServers.size() > 2) {
            throw new SettingException("wins", "at most two servers (RFC 1877), got " + winsServers.size());
        }
        SessionPolicy defaults = SessionPolicy.defaults(or(name, DEFAULT_NAME), local);
        Duration lcpEcho = or(lcpEchoInterval, defaults.echoInterval());
        if (lcpEcho.isNegative()) {
            throw new SettingException("lcp-echo-interval", lcpEcho + " is negative (0 for no LCP echo)");
        }
        int echoFailures = or(lcpEchoFailures, defaults.echoFailures());
        if (echoFailures < 1) {
            throw new SettingException("lcp-echo-failures", echoFailures + " is below 1");
        }
        int attempts = or(authAttempts, defaults.authenticationAttempts());
        if (attempts < 1) {
            throw new SettingException("auth-attempts", attempts + " is below 1");
        }
        try {
            return new SessionPolicy(defaults.serverName(), local, methods, ccp, dnsServers, winsServers, lcpEcho,
                    echoFailures, attempts);
        } catch (IllegalArgumentException e) {
            // What remains is the one check across keys: MPPE required, but no method derives its keys.
            throw new SettingException("mppe", e.getMessage());
        }
    }

    private CcpSettings ccp() {
        String policyText = or(mppe, DEFAULT_MPPE);
        CcpSettings.Mppe policy;
        try {
            policy = ConfigValues.mppePolicy(policyText);
        } catch (IllegalArgumentException e) {
            throw new SettingException("mppe", e.getMessage());
        }
        List<MppeStrength> strengths = each("mppe-bits", or(mppeBits, List.of(DEFAULT_MPPE_BITS)),
                ConfigValues::mppeStrength);
        List<CcpSettings.Mode> modes = each("mppe-modes", or(mppeModes, List.of(DEFAULT_MPPE_MODES)),
                ConfigValues::mppeMode);
        if (policy == CcpSettings.Mppe.DENY) {
            return CcpSettings.deny();
        }
        if (strengths.isEmpty()) {
            throw new SettingException("mppe-bits", "MPPE " + policyText + " needs at least one key length");
        }
        if (modes.isEmpty()) {
            throw new SettingException("mppe-modes", "MPPE " + policyText + " needs at least one mode");
        }
        unique("mppe-bits", strengths);
        unique("mppe-modes", modes);
        return new CcpSettings(policy, strengths, modes);
    }

    /** Every item of list-valued {@code key} parsed; a bad one is a {@link SettingException} naming its index. */
    private static <T> List<T> each(String key, List<String> items, java.util.function.Function<String, T> parser) {
        List<T> parsed = new ArrayList<>(items.size());
        for (int i = 0; i < items.size(); i++) {
            try {
                parsed.add(parser.apply(items.get(i)));
            } catch (IllegalArgumentException e) {
                throw new SettingException(key, items.size() > 1 ? i : -1, e.getMessage());
            }
        }
        return parsed;
    }

    private static void unique(String key, List<?> items) {
        var seen = new HashSet<>();
        for (int i = 0; i < items.size(); i++) {
            if (!seen.add(items.get(i))) {
                throw new SettingException(key, i, items.get(i) + " is listed twice");
            }
        }
    }

    private static InetSocketAddress listenAddress(String value) {
        int colon = value.indexOf(':');
        String host = colon < 0 ? value : value.substring(0, colon);
        int port = ControlMessages.PPTP_PORT;
        if (colon >= 0) {
            String digits = value.substring(colon + 1);
            if (!digits.matches("\\d{1,5}") || Integer.parseInt(digits) > 0xFFFF) {
                throw new SettingException("listen", "'" + value + "': port must be 0..65535");
            }
            port = Integer.parseInt(digits);
        }
        try {
            return new InetSocketAddress(ConfigValues.ipv4(host), port);
        } catch (IllegalArgumentException e) {
            throw new SettingException("listen", "'" + value + "': " + e.getMessage() + " (expected ADDR[:PORT])");
        }
    }

    /** {@code HOST:PORT} to bind, or null for {@code none}. */
    private static InetSocketAddress adminAddress(String value) {
        if (value.equals("none")) {
            return null;
        }
        try {
            return ConfigValues.hostPort(value);
        } catch (IllegalArgumentException e) {
            throw new SettingException("admin", e.getMessage() + " (or none)");
        }
    }

    private static ConcentratorConfig apply(String key, ConcentratorConfig config, UnaryOperator<ConcentratorConfig> change) {
        try {
            return change.apply(config);
        } catch (IllegalArgumentException e) {
            throw new SettingException(key, e.getMessage());
        }
    }

    private static <T> T or(T value, T fallback) {
        return value != null ? value : fallback;
    }
}
