package net.pptpgw.gateway;

import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.channel.IoEventLoop;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import net.pptpgw.concentrator.ConcentratorConfig;
import net.pptpgw.concentrator.ConcentratorServer;
import net.pptpgw.concentrator.Ipv4;
import net.pptpgw.concentrator.auth.ChapSecrets;
import net.pptpgw.concentrator.call.CallListener;
import net.pptpgw.concentrator.data.GreConfig;
import net.pptpgw.concentrator.ip.IpDataPlane;
import net.pptpgw.concentrator.pool.AddressPool;
import net.pptpgw.concentrator.session.SessionFactory;
import net.pptpgw.concentrator.session.SessionPolicy;
import net.pptpgw.concentrator.session.Sessions;
import net.pptpgw.gateway.admin.AdminEndpoint;
import net.pptpgw.protocol.ppp.fsm.AuthenticationMethod;
import net.pptpgw.protocol.ppp.fsm.CcpSettings;
import net.pptpgw.protocol.ppp.fsm.MppeStrength;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine;

/**
 * {@code pptp-gateway concentrator}: the PPTP server (PAC role, RFC 2637). Runs the control plane
 * on TCP and the GRE data plane on a raw socket until SIGTERM or SIGINT, then shuts down as a PAC
 * should: Call-Disconnect-Notify for every call and Stop-Control-Connection-Request to every peer.
 *
 * <p>Every call gets a PPP session in the server role ({@link SessionFactory}): authentication
 * against {@code --secrets}, an address from {@code --pool} (or the user's fixed one), MPPE as
 * {@code --mppe} says, and its IP through one TUN ({@code --tun}) the pool is routed to.
 */
@Command(
        name = "concentrator",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Terminates PPTP tunnels: answers Start-Control-Connection and Outgoing-Call requests on TCP, "
                    + "gives every call a call ID and carries its enhanced GRE on one raw socket. "
                    + "Runs until SIGTERM/SIGINT, then ends every call and control connection.",
            "",
            "Every call gets a PPP session: the client authenticates against --secrets (--auth), gets an "
                    + "address from --pool (or its fixed one from --secrets), MPPE as --mppe says, and its IP "
                    + "goes through the TUN --tun, to which the pool is routed.",
            "",
            "Needs CAP_NET_RAW for the GRE socket and CAP_NET_ADMIN for the TUN (or --no-gre: control plane "
                    + "only), and CAP_NET_BIND_SERVICE for port 1723.",
            ""},
        footer = {"", "Exit status: 2 for a configuration error; after SIGTERM/SIGINT the JVM's 143/130, "
                + "once every peer has been sent its Stop-Control-Connection-Request.",
            "", "Example: pptp-gateway concentrator --listen 198.18.0.1 --pool 10.0.0.10-10.0.0.250 "
                + "--pool 10.1.0.0/24 --secrets /etc/ppp/chap-secrets --metrics 127.0.0.1:9724"})
public final class ConcentratorCommand implements Callable<Integer> {

    private static final System.Logger LOG = System.getLogger(ConcentratorCommand.class.getName());
    private static final ConcentratorConfig DEFAULTS = ConcentratorConfig.defaults();

    @Spec
    CommandSpec spec;

    @Option(names = "--listen", paramLabel = "ADDR[:PORT]", defaultValue = "0.0.0.0:1723",
            description = "IPv4 address (and TCP port) of the control listener; GRE is received on the "
                    + "same address (default: ${DEFAULT-VALUE}).")
    String listen;

    @Option(names = "--pool", paramLabel = "RANGE",
            description = "Addresses for the clients: A.B.C.D-A.B.C.D, A.B.C.D/N (without network and "
                    + "broadcast address) or A.B.C.D. Repeat for several ranges.")
    List<String> pools = List.of();

    @Option(names = "--secrets", paramLabel = "FILE",
            description = "Users, secrets and fixed addresses in pppd's chap-secrets format.")
    Path secrets;

    @Option(names = "--name", paramLabel = "NAME", defaultValue = "pptpd",
            description = "Our name: the server column of --secrets, and the host name sent in "
                    + "Start-Control-Connection-Reply (default: ${DEFAULT-VALUE}, as pptpd).")
    String name;

    @Option(names = "--metrics", paramLabel = "HOST:PORT", converter = NatHelperCommand.SocketAddressConverter.class,
            description = "Serve Prometheus metrics on http://HOST:PORT/metrics.")
    InetSocketAddress metrics;

    @Option(names = "--admin", paramLabel = "HOST:PORT|none", defaultValue = AdminEndpoint.DEFAULT_ADDRESS,
            description = "Serve the admin endpoint that 'pptp-gateway sessions' talks to (default: ${DEFAULT-VALUE}; "
                    + "it has no authentication of its own: keep it on loopback), or 'none'.")
    String admin;

    @Option(names = "--no-gre", description = "Run the control plane alone, without the raw GRE socket.")
    boolean noGre;

    @Option(names = "--max-connections", paramLabel = "N",
            description = "Established control connections at once (default: 10000).")
    Integer maxConnections;

    @Option(names = "--max-calls", paramLabel = "N",
            description = "Calls across all control connections, at most 65536 (default: 60000).")
    Integer maxCalls;

    @Option(names = "--max-calls-per-connection", paramLabel = "N",
            description = "Calls one control connection may hold (default: 1024).")
    Integer maxCallsPerConnection;

    @Option(names = "--max-half-open", paramLabel = "N",
            description = "Connections waiting for their Start-Control-Connection-Request; a new one "
                    + "beyond it pushes out the oldest (default: 256).")
    Integer maxHalfOpen;

    @Option(names = "--connection-rate", paramLabel = "PER_SECOND",
            description = "Sustained TCP connections per second allowed from one source address (default: 5).")
    Double connectionRate;

    @Option(names = "--connection-burst", paramLabel = "N",
            description = "Connections one source may open at once before --connection-rate applies (default: 20).")
    Integer connectionBurst;

    @Option(names = "--echo-interval", paramLabel = "DURATION", converter = NatHelperCommand.DurationConverter.class,
            description = "Control connection silence before an Echo-Request, and then the time to answer it "
                    + "(default: 60s, RFC 2637 §2.4).")
    Duration echoInterval;

    @Option(names = "--tun", paramLabel = "NAME", defaultValue = "pptpgw%d",
            description = "TUN interface every session's IP goes through; the pool is routed to it "
                    + "(default: ${DEFAULT-VALUE}).")
    String tun;

    @Option(names = "--tun-mtu", paramLabel = "BYTES",
            description = "MTU of the TUN (default: 1396, a 1400-octet MRU less MPPE's 4).")
    Integer tunMtu;

    @Option(names = "--local-address", paramLabel = "A.B.C.D",
            description = "Our end of every PPP link and the TUN's address (default: the pool's first "
                    + "address, then kept from clients).")
    String localAddress;

    @Option(names = "--auth", paramLabel = "METHOD", split = ",", defaultValue = "mschapv2,mschap",
            description = "Authentication asked of clients, preferred first: mschapv2, mschap, chap, pap "
                    + "(default: ${DEFAULT-VALUE}).")
    List<String> auth;

    @Option(names = "--mppe", paramLabel = "POLICY", defaultValue = "require",
            description = "MPPE encryption: require, allow or deny (default: ${DEFAULT-VALUE}).")
    String mppe;

    @Option(names = "--mppe-bits", paramLabel = "BITS", split = ",", defaultValue = "128",
            description = "MPPE key lengths allowed, strongest preferred: 128, 56, 40 (default: ${DEFAULT-VALUE}).")
    List<String> mppeBits;

    @Option(names = "--mppe-modes", paramLabel = "MODE", split = ",", defaultValue = "stateless",
            description = "MPPE modes allowed, preferred first: stateless, stateful (default: ${DEFAULT-VALUE}, "
                    + "as pppd: stateful mode needs a resynchronisation after every lost packet).")
    List<String> mppeModes;

    @Option(names = "--dns", paramLabel = "A.B.C.D", split = ",",
            description = "DNS servers offered to clients (at most two).")
    List<String> dns = List.of();

    @Option(names = "--wins", paramLabel = "A.B.C.D", split = ",",
            description = "WINS (NBNS) servers offered to clients (at most two).")
    List<String> wins = List.of();

    @Option(names = "--lcp-echo-interval", paramLabel = "DURATION", converter = NatHelperCommand.DurationConverter.class,
            description = "LCP Echo-Request period on a silent PPP link, 0 for none (default: 10s).")
    Duration lcpEchoInterval;

    @Option(names = "--lcp-echo-failures", paramLabel = "N",
            description = "Unanswered LCP Echo-Requests that end a session (default: 3).")
    Integer lcpEchoFailures;

    @Option(names = "--auth-attempts", paramLabel = "N",
            description = "MS-CHAPv2 responses judged before a session ends (default: 1).")
    Integer authAttempts;

    /** SIGTERM/SIGINT through a shutdown hook; the tests stop a running command with it too. */
    private final StopSignal stop = new StopSignal("concentrator");
    private volatile InetSocketAddress boundAddress;
    private volatile MetricsEndpoint metricsEndpoint;
    private volatile AdminEndpoint adminEndpoint;
    private volatile SessionFactory sessions;
    private final CountDownLatch running = new CountDownLatch(1);

    /** The control plane's settings from the flags; a bad value is a {@link ParameterException} naming its flag. */
    public ConcentratorConfig config() {
        InetSocketAddress address = listenAddress();
        ConcentratorConfig config = DEFAULTS.withListen(address.getAddress(), address.getPort());
        config = apply("--name", config, c -> c.withHostName(name));
        config = apply("--max-half-open", config, c -> c.withLimits(or(maxHalfOpen, c.maxHalfOpen()),
                c.maxControlConnections(), c.maxCallsPerConnection(), c.maxCalls()));
        config = apply("--max-connections", config, c -> c.withLimits(c.maxHalfOpen(),
                or(maxConnections, c.maxControlConnections()), c.maxCallsPerConnection(), c.maxCalls()));
        config = apply("--max-calls-per-connection", config, c -> c.withLimits(c.maxHalfOpen(),
                c.maxControlConnections(), or(maxCallsPerConnection, c.maxCallsPerConnection()), c.maxCalls()));
        config = apply("--max-calls", config, c -> c.withLimits(c.maxHalfOpen(), c.maxControlConnections(),
                c.maxCallsPerConnection(), or(maxCalls, c.maxCalls())));
        config = apply("--connection-rate", config, c -> c.withSourceRate(
                connectionRate == null ? c.connectionsPerSecondPerSource() : connectionRate,
                c.connectionBurstPerSource()));
        config = apply("--connection-burst", config, c -> c.withSourceRate(c.connectionsPerSecondPerSource(),
                or(connectionBurst, c.connectionBurstPerSource())));
        config = apply("--echo-interval", config, c -> c.withTimeouts(
                echoInterval == null ? c.echoInterval() : echoInterval, c.halfOpenTimeout(), c.stopReplyTimeout(),
                c.shutdownStopReplyTimeout()));
        return config;
    }

    /** The pool from {@code --pool}, or null when none is given. */
    public AddressPool pool() {
        if (pools.isEmpty()) {
            return null;
        }
        try {
            return AddressPool.parse(pools);
        } catch (IllegalArgumentException e) {
            throw error("--pool", e.getMessage());
        }
    }

    /** The secrets from {@code --secrets}, or null when none is given. */
    public ChapSecrets secrets() {
        if (secrets == null) {
            return null;
        }
        try {
            return ChapSecrets.load(secrets);
        } catch (ChapSecrets.ParseException e) {
            throw error("--secrets", e.getMessage());
        } catch (IOException e) {
            throw error("--secrets", "cannot read " + secrets + ": " + e);
        }
    }

    /** The PPP session policy from the flags; needs the pool for its default local address. */
    public SessionPolicy sessionPolicy(AddressPool pool) {
        Inet4Address local;
        if (localAddress != null) {
            local = Ipv4.parse(localAddress);
            if (local == null) {
                throw error("--local-address", "'" + localAddress + "' is not an IPv4 address");
            }
        } else {
            local = pool.address(0);
        }
        List<AuthenticationMethod> methods = auth.stream().map(this::method).toList();
        CcpSettings ccp = ccp();
        SessionPolicy defaults = SessionPolicy.defaults(name, local);
        List<Inet4Address> dnsServers = addresses("--dns", dns);
        List<Inet4Address> winsServers = addresses("--wins", wins);
        try {
            return new SessionPolicy(name, local, methods, ccp, dnsServers, winsServers,
                    lcpEchoInterval == null ? defaults.echoInterval() : lcpEchoInterval,
                    lcpEchoFailures == null ? defaults.echoFailures() : lcpEchoFailures,
                    authAttempts == null ? defaults.authenticationAttempts() : authAttempts);
        } catch (IllegalArgumentException e) {
            String message = e.getMessage();
            String flag = message.contains("MPPE") ? "--mppe" : message.contains("DNS") ? "--dns/--wins"
                    : message.contains("authentication method") ? "--auth" : "--lcp-echo-failures/--auth-attempts";
            throw error(flag, message);
        }
    }

    private AuthenticationMethod method(String text) {
        return switch (text.strip().toLowerCase(Locale.ROOT)) {
            case "mschapv2", "ms-chap-v2" -> AuthenticationMethod.MS_CHAP_V2;
            case "mschap", "ms-chap" -> AuthenticationMethod.MS_CHAP;
            case "chap", "chap-md5" -> AuthenticationMethod.CHAP_MD5;
            case "pap" -> AuthenticationMethod.PAP;
            default -> throw error("--auth", "'" + text + "' is not one of mschapv2, mschap, chap, pap");
        };
    }

    private CcpSettings ccp() {
        CcpSettings.Mppe policy = switch (mppe.strip().toLowerCase(Locale.ROOT)) {
            case "require" -> CcpSettings.Mppe.REQUIRE;
            case "allow" -> CcpSettings.Mppe.ALLOW;
            case "deny" -> CcpSettings.Mppe.DENY;
            default -> throw error("--mppe", "'" + mppe + "' is not one of require, allow, deny");
        };
        if (policy == CcpSettings.Mppe.DENY) {
            return CcpSettings.deny();
        }
        List<MppeStrength> strengths = mppeBits.stream().map(bits -> switch (bits.strip()) {
            case "128" -> MppeStrength.BITS_128;
            case "56" -> MppeStrength.BITS_56;
            case "40" -> MppeStrength.BITS_40;
            default -> throw error("--mppe-bits", "'" + bits + "' is not one of 128, 56, 40");
        }).toList();
        List<CcpSettings.Mode> modes = mppeModes.stream().map(mode -> switch (mode.strip().toLowerCase(Locale.ROOT)) {
            case "stateless" -> CcpSettings.Mode.STATELESS;
            case "stateful" -> CcpSettings.Mode.STATEFUL;
            default -> throw error("--mppe-modes", "'" + mode + "' is not one of stateless, stateful");
        }).toList();
        try {
            return new CcpSettings(policy, strengths, modes);
        } catch (IllegalArgumentException e) {
            throw error("--mppe-bits/--mppe-modes", e.getMessage());
        }
    }

    private List<Inet4Address> addresses(String flag, List<String> texts) {
        return texts.stream().map(text -> {
            Inet4Address address = Ipv4.parse(text.strip());
            if (address == null) {
                throw error(flag, "'" + text + "' is not an IPv4 address");
            }
            return address;
        }).toList();
    }

    @Override
    public Integer call() throws Exception {
        ConcentratorConfig config = config();
        AddressPool pool = pool();
        ChapSecrets users = secrets();
        if (!noGre && pool == null) {
            throw error("--pool", "PPP sessions need addresses: give at least one range (or --no-gre)");
        }
        if (!noGre && users == null) {
            throw error("--secrets", "PPP sessions need a chap-secrets file (or --no-gre)");
        }
        SessionPolicy policy = noGre ? null : sessionPolicy(pool);
        int mtu = tunMtu == null ? IpDataPlane.DEFAULT_MTU : tunMtu;
        if (mtu < 576 || mtu > 1500) {
            throw error("--tun-mtu", mtu + " is not in 576..1500");
        }
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        // jvm_memory_used_bytes by area and pool, and jvm_buffer_memory_used_bytes (direct buffers):
        // what an operator sizes the heap by, and what the heap-per-session benchmark reads.
        new JvmMemoryMetrics().bindTo(registry);
        IpDataPlane ip = null;
        SessionFactory sessions = null;
        ConcentratorServer server;
        if (noGre) {
            server = new ConcentratorServer(config, registry, CallListener.NONE);
        } else {
            try {
                ip = IpDataPlane.open(tun, policy.localAddress(), mtu, pool, registry);
            } catch (IOException e) {
                throw error("--tun", "cannot set up TUN '" + tun + "': " + e.getMessage());
            }
            try {
                sessions = new SessionFactory(policy, pool, users, ip, registry);
            } catch (IllegalArgumentException e) {
                ip.close();
                throw error("--local-address", e.getMessage());
            }
            server = new ConcentratorServer(config, registry, sessions, GreConfig.defaults(), sessions);
        }
        this.sessions = sessions;
        InetSocketAddress adminAddress = adminAddress();
        stop.arm();
        try (MetricsEndpoint endpoint = metrics == null ? null : MetricsEndpoint.start(metrics, registry);
                AdminEndpoint adminEndpoint = adminAddress == null || sessions == null ? null
                        : AdminEndpoint.start(adminAddress, sessions.sessions(), Clock.systemUTC())) {
            metricsEndpoint = endpoint;
            this.adminEndpoint = adminEndpoint;
            boundAddress = server.start();
            if (ip != null) {
                ip.start((IoEventLoop) server.dataPlane().eventLoop());
            }
            LOG.log(System.Logger.Level.INFO, "concentrator on {0} ({1}); pool {2}; {3}{4}; stop with SIGTERM or SIGINT",
                    boundAddress, noGre ? "control plane only" : "control and GRE",
                    pool == null ? "none" : pool.size() + " addresses",
                    users == null ? "no secrets" : users.entries().size() + " secrets",
                    endpoint == null ? "" : ", metrics on http://" + endpoint.address().getHostString() + ":"
                            + endpoint.address().getPort() + MetricsEndpoint.PATH);
            if (adminEndpoint != null) {
                LOG.log(System.Logger.Level.INFO, "admin endpoint on {0}:{1,number,#} (pptp-gateway sessions --admin ...)",
                        adminEndpoint.address().getHostString(), adminEndpoint.address().getPort());
            }
            running.countDown();
            stop.awaitStopRequest();
            LOG.log(System.Logger.Level.INFO, "concentrator stopping");
        } finally {
            // CDN + StopCCRQ to every peer before the metrics go away.
            server.close();
            if (ip != null) {
                ip.close();
            }
            running.countDown(); // a failed start must not leave awaitRunning waiting
            stop.stopped();
        }
        return 0;
    }

    /** Waits until the listener is bound; the bound address, or null if the start failed or timed out. */
    InetSocketAddress awaitRunning(Duration timeout) throws InterruptedException {
        return running.await(timeout.toMillis(), TimeUnit.MILLISECONDS) ? boundAddress : null;
    }

    /** The live sessions once running; null with --no-gre. */
    Sessions sessions() {
        SessionFactory factory = sessions;
        return factory == null ? null : factory.sessions();
    }

    MetricsEndpoint metricsEndpoint() {
        return metricsEndpoint;
    }

    /** The admin endpoint once running; null with --admin none or --no-gre. */
    AdminEndpoint adminEndpoint() {
        return adminEndpoint;
    }

    /** {@code --admin} as an address to bind, or null for {@code none}. */
    private InetSocketAddress adminAddress() {
        if (admin.equals("none")) {
            return null;
        }
        try {
            return MetricsEndpoint.parseAddress(admin);
        } catch (IllegalArgumentException e) {
            throw error("--admin", e.getMessage());
        }
    }

    /** Ends {@link #call}: what SIGTERM/SIGINT do through the shutdown hook. */
    void requestStop() {
        stop.requestStop();
    }

    private InetSocketAddress listenAddress() {
        String host = listen;
        int port = ConcentratorConfig.PPTP_PORT;
        int colon = listen.indexOf(':');
        if (colon >= 0) {
            host = listen.substring(0, colon);
            String digits = listen.substring(colon + 1);
            if (!digits.matches("\\d{1,5}") || Integer.parseInt(digits) > 0xFFFF) {
                throw error("--listen", "'" + listen + "': port must be 0..65535");
            }
            port = Integer.parseInt(digits);
        }
        Inet4Address address = Ipv4.parse(host);
        if (address == null) {
            throw error("--listen", "'" + listen + "': '" + host + "' is not an IPv4 address");
        }
        return new InetSocketAddress(address, port);
    }

    private ConcentratorConfig apply(String flag, ConcentratorConfig config,
            java.util.function.UnaryOperator<ConcentratorConfig> change) {
        try {
            return change.apply(config);
        } catch (IllegalArgumentException e) {
            throw error(flag, e.getMessage());
        }
    }

    private static int or(Integer value, int otherwise) {
        return value == null ? otherwise : value;
    }

    private ParameterException error(String flag, String problem) {
        return new ParameterException(spec.commandLine(), flag + ": " + problem);
    }
}
