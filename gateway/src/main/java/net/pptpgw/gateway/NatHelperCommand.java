package net.pptpgw.gateway;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import net.pptpgw.gateway.config.ConfigException;
import net.pptpgw.gateway.config.ConfigSection;
import net.pptpgw.gateway.config.FlagConverters.DurationConverter;
import net.pptpgw.gateway.config.FlagConverters.Ipv4Converter;
import net.pptpgw.gateway.config.FlagConverters.SocketAddressConverter;
import net.pptpgw.nathelper.NatHelper;
import net.pptpgw.nathelper.NatHelperConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

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
        footer = {"", "Every flag is also a key of the configuration file's nat-helper section, spelled "
                + "without the dashes (wan-address: 198.18.0.1, transparent: true); flags override the file.",
            "", "Example: pptp-gateway nat-helper --transparent --lan-interface br0 --wan-address 198.18.0.1 "
                + "--listen-port 1723 --realtime-priority 10 --metrics 127.0.0.1:9723",
            "         pptp-gateway nat-helper --config /etc/pptp-gateway/gateway.yaml"})
public final class NatHelperCommand implements Callable<Integer> {

    private static final System.Logger LOG = System.getLogger(NatHelperCommand.class.getName());

    @Spec
    CommandSpec spec;

    // No picocli defaults below: a flag left out must be told apart from one given, so that the
    // configuration file can fill it (NatHelperSettings.toConfig applies the defaults last).

    @Option(names = "--config", paramLabel = "FILE",
            description = "YAML configuration file; its nat-helper section gives any of the flags below "
                    + "(see samples/gateway.yaml). Flags given as well override it.")
    Path configFile;

    @Option(names = "--lan-interface", paramLabel = "IF", description = "LAN interface the clients are on.")
    String lanInterface;

    @Option(names = "--lan-address", paramLabel = "ADDR", converter = Ipv4Converter.class,
            description = "The gateway's address on the LAN.")
    Inet4Address lanAddress;

    @Option(names = "--wan-address", paramLabel = "ADDR", converter = Ipv4Converter.class,
            description = "The one address all control connections and GRE toward servers leave from (required).")
    Inet4Address wanAddress;

    @Option(names = "--listen-port", paramLabel = "PORT",
            description = "TCP port the control proxy listens on (default: 1723).")
    Integer listenPort;

    @Option(names = "--transparent",
            description = "Accept TPROXY'd connections (IP_TRANSPARENT): a connection's original "
                    + "destination is its server. This or --explicit is required.")
    Boolean transparent;

    @Option(names = "--explicit", paramLabel = "SERVER", converter = Ipv4Converter.class,
            description = "Relay every connection to this one server.")
    Inet4Address explicitServer;

    @Option(names = "--server-port", paramLabel = "PORT",
            description = "The server's PPTP port with --explicit (default: 1723).")
    Integer serverPort;

    @Option(names = "--unreplied-timeout", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Idle lifetime of a call until GRE has gone both ways (default: 30s, "
                    + "the kernel's GRE unreplied timeout).")
    Duration unrepliedTimeout;

    @Option(names = "--stream-timeout", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Idle lifetime of a call once GRE has gone both ways (default: 180s, "
                    + "the kernel's GRE stream timeout).")
    Duration streamTimeout;

    @Option(names = "--quarantine", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "How long a released gateway call ID stays unused, so late GRE of the old call "
                    + "cannot reach a new one (default: 30s).")
    Duration quarantine;

    @Option(names = "--realtime-priority", paramLabel = "N",
            description = "Run the GRE relay thread SCHED_FIFO at priority N (1-99), ahead of every "
                    + "ordinary process, so that the hosts it forwards for cannot starve it of CPU. "
                    + "Needs CAP_SYS_NICE. Recommended on a busy gateway (e.g. 10).")
    Integer realtimePriority;

    @Option(names = "--relay-nice", paramLabel = "N",
            description = "Instead: the GRE relay thread's nice value (-20..19; below 0 needs CAP_SYS_NICE).")
    Integer relayNice;

    @Option(names = "--kernel-offload",
            description = "Once a call is established, let the kernel forward its GRE: the helper installs "
                    + "the call's translation as elements of its own nftables table (netdev pptp_gateway, "
                    + "ingress of the WAN and LAN interfaces) and removes them with the call; the relay keeps "
                    + "the first packets and everything else. Needs CAP_NET_ADMIN and the nft program.")
    Boolean kernelOffload;

    @Option(names = "--metrics", paramLabel = "HOST:PORT", converter = SocketAddressConverter.class,
            description = "Serve Prometheus metrics on http://HOST:PORT/metrics.")
    InetSocketAddress metrics;

    /** SIGTERM/SIGINT through a shutdown hook; the tests stop a running command with it too. */
    private final StopSignal stop = new StopSignal("nat-helper");

    /** The settings the flags give, null where a flag is absent. */
    NatHelperSettings flags() {
        return new NatHelperSettings(lanInterface, lanAddress, wanAddress, listenPort, transparent, explicitServer,
                serverPort, unrepliedTimeout, streamTimeout, quarantine, realtimePriority, relayNice, kernelOffload, metrics);
    }

    /**
     * The flags laid over the configuration file's {@code nat-helper} section (if {@code --config}).
     * A mode flag replaces the file's mode, a scheduling flag the file's scheduling, rather than
     * clashing with them. A bad file is a {@link ParameterException} naming the file, line and key.
     */
    NatHelperSettings settings() {
        NatHelperSettings flags = flags();
        if (configFile == null) {
            return flags;
        }
        ConfigFile source = new ConfigFile(spec, configFile);
        ConfigSection root = source.root();
        NatHelperSettings file;
        try {
            file = ConfigFile.section(root, NatHelperSettings.SECTION).bind(NatHelperSettings.class);
            if (file.metrics() == null) { // the file's shared endpoint, as `run` would serve it
                file = ConfigSection.overlay(file, onlyMetrics(root.value(GatewayConfig.METRICS, InetSocketAddress.class)));
            }
        } catch (ConfigException e) {
            throw source.error(e);
        }
        if (flags.transparent() != null || flags.explicit() != null) {
            file = file.withoutMode();
        }
        if (flags.realtimePriority() != null || flags.relayNice() != null) {
            file = new NatHelperSettings(file.lanInterface(), file.lanAddress(), file.wanAddress(), file.listenPort(),
                    file.transparent(), file.explicit(), file.serverPort(), file.unrepliedTimeout(),
                    file.streamTimeout(), file.quarantine(), null, null, file.kernelOffload(), file.metrics());
        }
        return ConfigSection.overlay(flags, file);
    }

    private static NatHelperSettings onlyMetrics(InetSocketAddress metrics) {
        return new NatHelperSettings(null, null, null, null, null, null, null, null, null, null, null, null, null, metrics);
    }

    /** The helper's configuration from the flags and the file; a missing or bad setting is a {@link ParameterException}. */
    public NatHelperConfig config() {
        return config(settings());
    }

    private NatHelperConfig config(NatHelperSettings settings) {
        try {
            return settings.toConfig();
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    @Override
    public Integer call() throws Exception {
        NatHelperSettings settings = settings();
        NatHelperConfig config = config(settings);
        InetSocketAddress metricsAddress = settings.metrics();
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        stop.arm();
        try (NatHelper helper = new NatHelper(config, registry).start();
                MetricsEndpoint endpoint = metricsAddress == null ? null : MetricsEndpoint.start(metricsAddress, registry)) {
            LOG.log(System.Logger.Level.INFO, "nat-helper running ({0} mode){1}; stop with SIGTERM or SIGINT",
                    config.transparent() ? "transparent" : "explicit to " + config.explicitServer().getHostAddress(),
                    endpoint == null ? "" : ", metrics on " + endpoint.url());
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
}
