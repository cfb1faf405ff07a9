package net.pptpgw.gateway;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.pptpgw.nathelper.NatHelper;
import net.pptpgw.nathelper.NatHelperConfig;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code pptp-gateway nat-helper}: runs the PPTP passthrough ALG ({@link NatHelper}) until
 * SIGTERM or SIGINT, then stops it cleanly (control connections closed, GRE sockets closed, the
 * ICMP filter removed).
 */
@Command(
        name = "nat-helper",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Lets many LAN clients reach PPTP servers through one WAN address: proxies their TCP 1723 "
                    + "control connections, gives every call a gateway call ID unique per server, and "
                    + "relays their GRE on raw sockets. Runs until SIGTERM/SIGINT.",
            "",
            "Needs CAP_NET_ADMIN and CAP_NET_RAW, and the host's plumbing: LAN TCP 1723 TPROXY'd to "
                    + "--listen-port (with --transparent), LAN GRE marked and delivered locally "
                    + "(ip rule fwmark M lookup T; ip route add local 0.0.0.0/0 dev lo table T), and "
                    + "no kernel forwarding or NAT of TCP 1723 and GRE.",
            ""},
        footer = {"", "Example: pptp-gateway nat-helper --transparent --lan-interface br0 --wan-address 198.18.0.1 "
                + "--listen-port 1723 --metrics 127.0.0.1:9723"})
public final class NatHelperCommand implements Callable<Integer> {

    private static final System.Logger LOG = System.getLogger(NatHelperCommand.class.getName());

    @Option(names = "--lan-interface", paramLabel = "IF", description = "LAN interface the clients are on.")
    String lanInterface;

    @Option(names = "--lan-address", paramLabel = "ADDR", converter = Ipv4Converter.class,
            description = "The gateway's address on the LAN.")
    Inet4Address lanAddress;

    @Option(names = "--wan-address", paramLabel = "ADDR", required = true, converter = Ipv4Converter.class,
            description = "The one address all control connections and GRE toward servers leave from.")
    Inet4Address wanAddress;

    @Option(names = "--listen-port", paramLabel = "PORT", defaultValue = "1723",
            description = "TCP port the control proxy listens on (default: ${DEFAULT-VALUE}).")
    int listenPort;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Mode mode;

    static final class Mode {
        @Option(names = "--transparent", required = true,
                description = "Accept TPROXY'd connections (IP_TRANSPARENT): a connection's original "
                        + "destination is its server.")
        boolean transparent;

        @Option(names = "--explicit", paramLabel = "SERVER", required = true, converter = Ipv4Converter.class,
                description = "Relay every connection to this one server.")
        Inet4Address explicitServer;
    }

    @Option(names = "--server-port", paramLabel = "PORT", defaultValue = "1723",
            description = "The server's PPTP port with --explicit (default: ${DEFAULT-VALUE}).")
    int serverPort;

    @Option(names = "--unreplied-timeout", paramLabel = "DURATION", defaultValue = "30s",
            converter = DurationConverter.class,
            description = "Idle lifetime of a call until GRE has gone both ways (default: ${DEFAULT-VALUE}, "
                    + "the kernel's GRE unreplied timeout).")
    Duration unrepliedTimeout;

    @Option(names = "--stream-timeout", paramLabel = "DURATION", defaultValue = "180s",
            converter = DurationConverter.class,
            description = "Idle lifetime of a call once GRE has gone both ways (default: ${DEFAULT-VALUE}, "
                    + "the kernel's GRE stream timeout).")
    Duration streamTimeout;

    @Option(names = "--quarantine", paramLabel = "DURATION", defaultValue = "30s",
            converter = DurationConverter.class,
            description = "How long a released gateway call ID stays unused, so late GRE of the old call "
                    + "cannot reach a new one (default: ${DEFAULT-VALUE}).")
    Duration quarantine;

    @Option(names = "--metrics", paramLabel = "HOST:PORT", converter = SocketAddressConverter.class,
            description = "Serve Prometheus metrics on http://HOST:PORT/metrics.")
    InetSocketAddress metrics;

    /** SIGTERM/SIGINT through a shutdown hook; the tests stop a running command with it too. */
    private final StopSignal stop = new StopSignal("nat-helper");

    /** The helper's configuration from the parsed options. */
    public NatHelperConfig config() {
        return new NatHelperConfig(lanInterface, lanAddress, wanAddress, listenPort,
                mode.transparent ? null : mode.explicitServer, serverPort,
                new NatHelperConfig.Timeouts(unrepliedTimeout, streamTimeout, quarantine));
    }

    @Override
    public Integer call() throws Exception {
        NatHelperConfig config = config();
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        stop.arm();
        try (NatHelper helper = new NatHelper(config, registry).start();
                MetricsEndpoint endpoint = metrics == null ? null : MetricsEndpoint.start(metrics, registry)) {
            LOG.log(System.Logger.Level.INFO, "nat-helper running ({0} mode){1}; stop with SIGTERM or SIGINT",
                    config.transparent() ? "transparent" : "explicit to " + config.explicitServer().getHostAddress(),
                    endpoint == null ? "" : ", metrics on http://" + endpoint.address().getHostString() + ":"
                            + endpoint.address().getPort() + MetricsEndpoint.PATH);
            stop.awaitStopRequest();
            LOG.log(System.Logger.Level.INFO, "nat-helper stopping");
        } finally {
            stop.stopped();
        }
        return 0;
    }

    /** Ends {@link #call}: what SIGTERM/SIGINT do through the shutdown hook. */
    void requestStop() {
        stop.requestStop();
    }

    /** A literal dotted-quad IPv4 address (no name lookup). */
    static final class Ipv4Converter implements CommandLine.ITypeConverter<Inet4Address> {
        private static final Pattern DOTTED_QUAD = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

        @Override
        public Inet4Address convert(String value) throws UnknownHostException {
            if (!DOTTED_QUAD.matcher(value).matches()) {
                throw new CommandLine.TypeConversionException("'" + value + "' is not an IPv4 address");
            }
            return (Inet4Address) InetAddress.getByName(value);
        }
    }

    /** {@code 500ms}, {@code 30s}, {@code 3m}, {@code 1h}, or an ISO-8601 duration ({@code PT30S}). */
    static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
        private static final Pattern SIMPLE = Pattern.compile("(\\d+)(ms|s|m|h)");

        @Override
        public Duration convert(String value) {
            Matcher m = SIMPLE.matcher(value);
            if (m.matches()) {
                long n = Long.parseLong(m.group(1));
                return switch (m.group(2)) {
                    case "ms" -> Duration.ofMillis(n);
                    case "s" -> Duration.ofSeconds(n);
                    case "m" -> Duration.ofMinutes(n);
                    default -> Duration.ofHours(n);
                };
            }
            try {
                return Duration.parse(value);
            } catch (java.time.format.DateTimeParseException e) {
                throw new CommandLine.TypeConversionException(
                        "'" + value + "' is not a duration (e.g. 30s, 500ms, 3m, PT30S)");
            }
        }
    }

    static final class SocketAddressConverter implements CommandLine.ITypeConverter<InetSocketAddress> {
        @Override
        public InetSocketAddress convert(String value) {
            try {
                return MetricsEndpoint.parseAddress(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }
}
