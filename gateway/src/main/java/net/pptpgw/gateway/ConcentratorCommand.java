package net.pptpgw.gateway;

import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import net.pptpgw.concentrator.ConcentratorConfig;
import net.pptpgw.concentrator.auth.ChapSecrets;
import net.pptpgw.concentrator.pool.AddressPool;
import net.pptpgw.concentrator.session.SessionFactory;
import net.pptpgw.concentrator.session.Sessions;
import net.pptpgw.gateway.admin.AdminEndpoint;
import net.pptpgw.gateway.config.ConfigException;
import net.pptpgw.gateway.config.ConfigSection;
import net.pptpgw.gateway.config.FlagConverters.DurationConverter;
import net.pptpgw.gateway.config.FlagConverters.Ipv4Converter;
import net.pptpgw.gateway.config.FlagConverters.SocketAddressConverter;
import net.pptpgw.gateway.config.SettingException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code pptp-gateway concentrator}: the PPTP server (PAC role, RFC 2637). Runs the control plane
 * on TCP and the GRE data plane on a raw socket until SIGTERM or SIGINT, then shuts down as a PAC
 * should: an LCP Terminate-Request to every PPP peer (a short grace for the acknowledgments), then
 * Call-Disconnect-Notify for every call and Stop-Control-Connection-Request to every peer.
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
            "", "Every flag is also a key of the configuration file's concentrator section, spelled without "
                + "the dashes (max-calls: 1000; a repeatable flag as a list: pool: [10.0.0.10-10.0.0.250, "
                + "10.1.0.0/24]); flags override the file key by key.",
            "", "Example: pptp-gateway concentrator --listen 198.18.0.1 --pool 10.0.0.10-10.0.0.250 "
                + "--pool 10.1.0.0/24 --secrets /etc/ppp/chap-secrets --metrics 127.0.0.1:9724",
            "         pptp-gateway concentrator --config /etc/pptp-gateway/concentrator.yaml"})
public final class ConcentratorCommand implements Callable<Integer> {

    private static final System.Logger LOG = System.getLogger(ConcentratorCommand.class.getName());

    @Spec
    CommandSpec spec;

    // No picocli defaults below: a flag left out must be told apart from one given, so that the
    // configuration file can fill it (ConcentratorSettings.resolve applies the defaults last).

    @Option(names = "--config", paramLabel = "FILE",
            description = "YAML configuration file; its concentrator section gives any of the flags below "
                    + "(see samples/concentrator.yaml). Flags given as well override it.")
    Path configFile;

    @Option(names = "--listen", paramLabel = "ADDR[:PORT]",
            description = "IPv4 address (and TCP port) of the control listener; GRE is received on the "
                    + "same address (default: " + ConcentratorSettings.DEFAULT_LISTEN + ").")
    String listen;

    @Option(names = "--pool", paramLabel = "RANGE",
            description = "Addresses for the clients: A.B.C.D-A.B.C.D, A.B.C.D/N (without network and "
                    + "broadcast address) or A.B.C.D. Repeat for several ranges.")
    List<String> pool;

    @Option(names = "--secrets", paramLabel = "FILE",
            description = "Users, secrets and fixed addresses in pppd's chap-secrets format.")
    Path secrets;

    @Option(names = "--name", paramLabel = "NAME",
            description = "Our name: the server column of --secrets, and the host name sent in "
                    + "Start-Control-Connection-Reply (default: " + ConcentratorSettings.DEFAULT_NAME + ", as pptpd).")
    String name;

    @Option(names = "--metrics", paramLabel = "HOST:PORT", converter = SocketAddressConverter.class,
            description = "Serve Prometheus metrics on http://HOST:PORT/metrics.")
    InetSocketAddress metrics;

    @Option(names = "--admin", paramLabel = "HOST:PORT|none",
            description = "Serve the admin endpoint that 'pptp-gateway sessions' talks to (default: "
                    + AdminEndpoint.DEFAULT_ADDRESS + "; it has no authentication of its own: keep it on "
                    + "loopback), or 'none'.")
    String admin;

    @Option(names = "--no-gre", description = "Run the control plane alone, without the raw GRE socket.")
    Boolean noGre;

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

    @Option(names = "--echo-interval", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Control connection silence before an Echo-Request, and then the time to answer it "
                    + "(default: 60s, RFC 2637 §2.4).")
    Duration echoInterval;

    @Option(names = "--shutdown-grace", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "At SIGTERM/SIGINT, how long the PPP sessions have to finish the LCP Terminate "
                    + "exchange (every client is sent a Terminate-Request at once) before the calls are "
                    + "disconnected; 0s disconnects at once (default: 1s).")
    Duration shutdownGrace;

    @Option(names = "--tun", paramLabel = "NAME",
            description = "TUN interface every session's IP goes through; the pool is routed to it "
                    + "(default: pptpgw%%d, the kernel numbering it).") // %% : picocli formats descriptions
    String tun;

    @Option(names = "--tun-mtu", paramLabel = "BYTES",
            description = "MTU of the TUN (default: 1396, a 1400-octet MRU less MPPE's 4).")
    Integer tunMtu;

    @Option(names = "--local-address", paramLabel = "A.B.C.D", converter = Ipv4Converter.class,
            description = "Our end of every PPP link and the TUN's address (default: the pool's first "
                    + "address, then kept from clients).")
    Inet4Address localAddress;

    @Option(names = "--auth", paramLabel = "METHOD", split = ",",
            description = "Authentication asked of clients, preferred first: mschapv2, mschap, chap, pap "
                    + "(default: " + ConcentratorSettings.DEFAULT_AUTH + ").")
    List<String> auth;

    @Option(names = "--mppe", paramLabel = "POLICY",
            description = "MPPE encryption: require, allow or deny (default: " + ConcentratorSettings.DEFAULT_MPPE + ").")
    String mppe;

    @Option(names = "--mppe-bits", paramLabel = "BITS", split = ",",
            description = "MPPE key lengths allowed, strongest preferred: 128, 56, 40 (default: "
                    + ConcentratorSettings.DEFAULT_MPPE_BITS + ").")
    List<String> mppeBits;

    @Option(names = "--mppe-modes", paramLabel = "MODE", split = ",",
            description = "MPPE modes allowed, preferred first: stateless, stateful (default: "
                    + ConcentratorSettings.DEFAULT_MPPE_MODES + ", as pppd: stateful mode needs a "
                    + "resynchronisation after every lost packet).")
    List<String> mppeModes;

    @Option(names = "--dns", paramLabel = "A.B.C.D", split = ",", converter = Ipv4Converter.class,
            description = "DNS servers offered to clients (at most two).")
    List<Inet4Address> dns;

    @Option(names = "--wins", paramLabel = "A.B.C.D", split = ",", converter = Ipv4Converter.class,
            description = "WINS (NBNS) servers offered to clients (at most two).")
    List<Inet4Address> wins;

    @Option(names = "--lcp-echo-interval", paramLabel = "DURATION", converter = DurationConverter.class,
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
    private volatile ConcentratorRuntime runtime;
    private volatile MetricsEndpoint metricsEndpoint;
    private final CountDownLatch running = new CountDownLatch(1);

    /** The settings the flags give, null where a flag is absent. */
    ConcentratorSettings flags() {
        return new ConcentratorSettings(listen, pool, secrets, name, metrics, admin, noGre, maxConnections, maxCalls,
                maxCallsPerConnection, maxHalfOpen, connectionRate, connectionBurst, echoInterval, shutdownGrace, tun,
                tunMtu, localAddress, auth, mppe, mppeBits, mppeModes, dns, wins, lcpEchoInterval, lcpEchoFailures,
                authAttempts);
    }

    /** The flags laid over the configuration file's {@code concentrator} section (if {@code --config}), key by key. */
    ConcentratorSettings settings() {
        return ConfigSection.overlay(flags(), fileSettings());
    }

    /**
     * Defaults filled in and everything checked: the settings as the concentrator will run. A bad
     * value is a {@link ParameterException} naming the flag if one gave the key ({@code --pool: ...}),
     * else the file, line and key ({@code concentrator.yaml line 5: concentrator.pool[1]: ...}).
     */
    ConcentratorSetup setup() {
        return checked(settings(), ConcentratorSettings::resolve);
    }

    /** The control plane's configuration alone; a bad value is a {@link ParameterException} naming its flag or key. */
    public ConcentratorConfig config() {
        return checked(settings(), ConcentratorSettings::control);
    }

    /** The pool, or null when none is given. */
    public AddressPool pool() {
        return setup().pool();
    }

    /** The secrets, or null when none are given. */
    public ChapSecrets secrets() {
        return setup().secrets();
    }

    /** {@code step} of resolving the settings, a {@link SettingException} worded for where its key came from. */
    private <T> T checked(ConcentratorSettings settings, java.util.function.Function<ConcentratorSettings, T> step) {
        try {
            return step.apply(settings);
        } catch (SettingException e) {
            throw error(e);
        }
    }

    @Override
    public Integer call() throws Exception {
        ConcentratorSettings settings = settings();
        ConcentratorSetup setup = checked(settings, ConcentratorSettings::resolve);
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        // jvm_memory_used_bytes by area and pool, and jvm_buffer_memory_used_bytes (direct buffers):
        // what an operator sizes the heap by, and what the heap-per-session benchmark reads.
        new JvmMemoryMetrics().bindTo(registry);
        stop.arm();
        try {
            // The runtime closes last: Call-Disconnect-Notify and Stop-Control-Connection-Request to every peer.
            try (ConcentratorRuntime started = start(setup, registry);
                    MetricsEndpoint endpoint = settings.metrics() == null ? null
                            : MetricsEndpoint.start(settings.metrics(), registry)) {
                runtime = started;
                metricsEndpoint = endpoint;
                LOG.log(System.Logger.Level.INFO, "concentrator on {0} ({1}); pool {2}; {3}{4}; stop with SIGTERM or SIGINT",
                        started.address(), setup.gre() ? "control and GRE, TUN " + started.tunName() : "control plane only",
                        setup.pool() == null ? "none" : setup.pool().size() + " addresses",
                        setup.secrets() == null ? "no secrets" : setup.secrets().entries().size() + " secrets",
                        endpoint == null ? "" : ", metrics on " + endpoint.url());
                if (started.admin() != null) {
                    LOG.log(System.Logger.Level.INFO, "admin endpoint on {0}:{1,number,#} (pptp-gateway sessions --admin ...)",
                            started.admin().address().getHostString(), started.admin().address().getPort());
                }
                running.countDown();
                stop.awaitStopRequest();
                LOG.log(System.Logger.Level.INFO, "concentrator stopping");
            }
        } finally {
            running.countDown(); // a failed start must not leave awaitRunning waiting
            stop.stopped();
        }
        return 0;
    }

    private ConcentratorRuntime start(ConcentratorSetup setup, PrometheusMeterRegistry registry)
            throws IOException, InterruptedException {
        try {
            return ConcentratorRuntime.start(setup, registry);
        } catch (SettingException e) {
            throw error(e);
        }
    }

    /** The file's {@code concentrator} section, its metrics defaulting to the file's top-level endpoint; NONE without {@code --config}. */
    private ConcentratorSettings fileSettings() {
        if (configFile == null) {
            return ConcentratorSettings.NONE;
        }
        ConfigFile file = new ConfigFile(spec, configFile);
        ConfigSection root = file.root();
        try {
            ConcentratorSettings settings = ConfigFile.section(root, ConcentratorSettings.SECTION)
                    .bind(ConcentratorSettings.class);
            if (settings.metrics() == null) { // the file's shared endpoint, as `run` would serve it
                settings = settings.withMetrics(root.value(GatewayConfig.METRICS, InetSocketAddress.class));
            }
            return settings;
        } catch (ConfigException e) {
            throw file.error(e);
        }
    }

    /** A bad setting worded for where it came from: the flag if one was given, else the file's key. */
    private ParameterException error(SettingException e) {
        if (configFile == null || ConfigSection.isSet(flags(), e.key())) {
            return new ParameterException(spec.commandLine(), e.flagMessage());
        }
        ConfigFile file = new ConfigFile(spec, configFile);
        try {
            return file.error(ConfigFile.section(file.root(), ConcentratorSettings.SECTION).error(e));
        } catch (ConfigException noSection) { // read a moment ago: cannot happen unless the file changed since
            return file.error(noSection);
        }
    }

    /** Waits until the listener is bound; the bound address, or null if the start failed or timed out. */
    InetSocketAddress awaitRunning(Duration timeout) throws InterruptedException {
        if (!running.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            return null;
        }
        ConcentratorRuntime started = runtime;
        return started == null ? null : started.address();
    }

    /** The live sessions once running; null with --no-gre. */
    Sessions sessions() {
        ConcentratorRuntime started = runtime;
        return started == null ? null : started.sessions();
    }

    MetricsEndpoint metricsEndpoint() {
        return metricsEndpoint;
    }

    /** The admin endpoint once running; null with --admin none or --no-gre. */
    AdminEndpoint adminEndpoint() {
        ConcentratorRuntime started = runtime;
        return started == null ? null : started.admin();
    }

    /** Ends {@link #call}: what SIGTERM/SIGINT do through the shutdown hook. */
    void requestStop() {
        stop.requestStop();
    }
}
