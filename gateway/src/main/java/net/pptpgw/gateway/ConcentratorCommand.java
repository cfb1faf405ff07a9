package net.pptpgw.gateway;

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
import net.pptpgw.concentrator.ConcentratorServer;
import net.pptpgw.concentrator.auth.ChapSecrets;
import net.pptpgw.concentrator.Ipv4;
import net.pptpgw.concentrator.call.CallListener;
import net.pptpgw.concentrator.data.GreConfig;
import net.pptpgw.concentrator.data.PppLinkFactory;
import net.pptpgw.concentrator.pool.AddressPool;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code pptp-gateway concentrator}: the PPTP server (PAC role, RFC 2637). Runs the control plane
 * on TCP and the GRE data plane on a raw socket until SIGTERM or SIGINT, then shuts down as a PAC
 * should: Call-Disconnect-Notify for every call and Stop-Control-Connection-Request to every peer.
 *
 * <p>The PPP engine is not plugged in yet: GRE frames of established calls reach
 * {@link PppLinkFactory#DISCARD}. The address pool and the secrets file are read and checked at
 * start so that a broken configuration fails now, not at the first session.
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
            "PPP sessions: next release. Calls are set up and their GRE is received and acknowledged, "
                    + "but PPP frames are discarded: no client gets a working tunnel yet. --pool and "
                    + "--secrets are read and checked at start for the sessions to come.",
            "",
            "Needs CAP_NET_RAW for the GRE socket (or --no-gre), and CAP_NET_BIND_SERVICE for port 1723.",
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

    /** SIGTERM/SIGINT through a shutdown hook; the tests stop a running command with it too. */
    private final StopSignal stop = new StopSignal("concentrator");
    private volatile InetSocketAddress boundAddress;
    private volatile MetricsEndpoint metricsEndpoint;
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

    @Override
    public Integer call() throws Exception {
        ConcentratorConfig config = config();
        AddressPool pool = pool();
        ChapSecrets users = secrets();
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        stop.arm();
        ConcentratorServer server = noGre ? new ConcentratorServer(config, registry, CallListener.NONE)
                : new ConcentratorServer(config, registry, CallListener.NONE, GreConfig.defaults(),
                        PppLinkFactory.DISCARD);
        try (MetricsEndpoint endpoint = metrics == null ? null : MetricsEndpoint.start(metrics, registry)) {
            metricsEndpoint = endpoint;
            boundAddress = server.start();
            LOG.log(System.Logger.Level.INFO, "concentrator on {0} ({1}); pool {2}; {3}{4}; stop with SIGTERM or SIGINT",
                    boundAddress, noGre ? "control plane only" : "control and GRE",
                    pool == null ? "none" : pool.size() + " addresses",
                    users == null ? "no secrets" : users.entries().size() + " secrets",
                    endpoint == null ? "" : ", metrics on http://" + endpoint.address().getHostString() + ":"
                            + endpoint.address().getPort() + MetricsEndpoint.PATH);
            running.countDown();
            stop.awaitStopRequest();
            LOG.log(System.Logger.Level.INFO, "concentrator stopping");
        } finally {
            // CDN + StopCCRQ to every peer before the metrics go away.
            server.close();
            running.countDown(); // a failed start must not leave awaitRunning waiting
            stop.stopped();
        }
        return 0;
    }

    /** Waits until the listener is bound; the bound address, or null if the start failed or timed out. */
    InetSocketAddress awaitRunning(Duration timeout) throws InterruptedException {
        return running.await(timeout.toMillis(), TimeUnit.MILLISECONDS) ? boundAddress : null;
    }

    MetricsEndpoint metricsEndpoint() {
        return metricsEndpoint;
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
