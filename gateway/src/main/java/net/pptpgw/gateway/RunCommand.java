package net.pptpgw.gateway;

import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import net.pptpgw.gateway.config.ConfigException;
import net.pptpgw.gateway.config.ConfigSection;
import net.pptpgw.gateway.config.SettingException;
import net.pptpgw.nathelper.NatHelper;
import net.pptpgw.nathelper.NatHelperConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code pptp-gateway run --config FILE}: every job the file configures in one process, with one
 * metrics endpoint: a gateway that terminates some tunnels (the {@code concentrator} section, the
 * same keys and the same {@link ConcentratorRuntime} as {@code pptp-gateway concentrator})
 * and passes others through to servers beyond it (the {@code nat-helper} section). Each keeps
 * its own threads, sockets and addresses; they share the JVM and the meter registry, whose
 * meter names do not overlap ({@code pptp.nat.*} against the concentrator's).
 */
@Command(
        name = "run",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Runs every section of a configuration file in one process: nat-helper (PPTP passthrough), "
                    + "concentrator (PPTP server), one Prometheus endpoint for both (top-level metrics: "
                    + "HOST:PORT). Runs until SIGTERM/SIGINT.",
            ""},
        footer = {"", "Exit status: 2 for a configuration error.",
            "", "Example: pptp-gateway run --config /etc/pptp-gateway/gateway.yaml (see samples/gateway.yaml)"})
public final class RunCommand implements Callable<Integer> {

    private static final System.Logger LOG = System.getLogger(RunCommand.class.getName());

    @Spec
    CommandSpec spec;

    @Option(names = "--config", paramLabel = "FILE", required = true,
            description = "YAML configuration file with a nat-helper section, a concentrator section or both.")
    Path configFile;

    private final StopSignal stop = new StopSignal("run");
    private final CountDownLatch running = new CountDownLatch(1);
    private volatile Services services;

    /** What the file asks for; a section left out is empty. */
    record Plan(Optional<NatHelperConfig> natHelper, Optional<ConcentratorSetup> concentrator,
                InetSocketAddress metrics) {}

    /** Reads and checks the whole file before anything starts; a bad file is a {@link ParameterException}. */
    Plan plan() {
        ConfigFile file = new ConfigFile(spec, configFile);
        ConfigSection root = file.root();
        try {
            Optional<NatHelperConfig> natHelper = Optional.empty();
            Optional<ConfigSection> nat = root.section(NatHelperSettings.SECTION);
            if (nat.isPresent()) {
                NatHelperSettings settings = nat.get().bind(NatHelperSettings.class);
                if (settings.metrics() != null) {
                    throw nat.get().error("metrics", "one endpoint serves every section under `run`: "
                            + "set the top-level metrics key instead");
                }
                try {
                    natHelper = Optional.of(settings.toConfig());
                } catch (IllegalArgumentException e) {
                    throw nat.get().error(null, e.getMessage());
                }
            }
            Optional<ConcentratorSetup> concentrator = Optional.empty();
            Optional<ConfigSection> conc = root.section(ConcentratorSettings.SECTION);
            if (conc.isPresent()) {
                ConcentratorSettings settings = conc.get().bind(ConcentratorSettings.class);
                if (settings.metrics() != null) {
                    throw conc.get().error("metrics", "one endpoint serves every section under `run`: "
                            + "set the top-level metrics key instead");
                }
                try {
                    concentrator = Optional.of(settings.resolve());
                } catch (SettingException e) {
                    throw conc.get().error(e);
                }
            }
            if (natHelper.isEmpty() && concentrator.isEmpty()) {
                throw root.error(null, "nothing to run: add a " + NatHelperSettings.SECTION + " or a "
                        + ConcentratorSettings.SECTION + " section");
            }
            return new Plan(natHelper, concentrator, root.value(GatewayConfig.METRICS, InetSocketAddress.class));
        } catch (ConfigException e) {
            throw file.error(e);
        }
    }

    @Override
    public Integer call() throws Exception {
        Plan plan = plan();
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new JvmMemoryMetrics().bindTo(registry); // jvm_memory_used_bytes, as 'concentrator' serves it
        stop.arm();
        try (Services started = start(plan, registry)) {
            services = started;
            LOG.log(System.Logger.Level.INFO, "running {0}; stop with SIGTERM or SIGINT", started.describe());
            running.countDown();
            stop.awaitStopRequest();
            LOG.log(System.Logger.Level.INFO, "stopping");
        } finally {
            running.countDown(); // a failed start must not leave awaitRunning waiting
            stop.stopped();
        }
        return 0;
    }

    private Services start(Plan plan, PrometheusMeterRegistry registry) throws Exception {
        try {
            return Services.start(plan, registry);
        } catch (SettingException e) { // the TUN or the local address, found out only when set up
            throw new ParameterException(spec.commandLine(), configFile.getFileName() + ": "
                    + ConcentratorSettings.SECTION + "." + e.getMessage());
        }
    }

    /** Waits until every section has started; what runs, or null if the start failed or timed out. */
    Services awaitRunning(Duration timeout) throws InterruptedException {
        return running.await(timeout.toMillis(), TimeUnit.MILLISECONDS) ? services : null;
    }

    /** Ends {@link #call}: what SIGTERM/SIGINT do through the shutdown hook. */
    void requestStop() {
        stop.requestStop();
    }

    /**
     * The started sections, closed in reverse order of starting. Started on the calling thread:
     * sockets open in its network namespace.
     */
    static final class Services implements AutoCloseable {
        private ConcentratorRuntime concentrator;
        private NatHelper natHelper;
        private MetricsEndpoint metrics;

        static Services start(Plan plan, PrometheusMeterRegistry registry) throws Exception {
            Services s = new Services();
            try {
                if (plan.concentrator().isPresent()) {
                    s.concentrator = ConcentratorRuntime.start(plan.concentrator().get(), registry);
                }
                if (plan.natHelper().isPresent()) {
                    s.natHelper = new NatHelper(plan.natHelper().get(), registry).start();
                }
                if (plan.metrics() != null) {
                    s.metrics = MetricsEndpoint.start(plan.metrics(), registry);
                }
                return s;
            } catch (Exception | Error e) {
                s.close();
                throw e;
            }
        }

        NatHelper natHelper() {
            return natHelper;
        }

        /** The concentrator section, or null if the file has none. */
        ConcentratorRuntime concentrator() {
            return concentrator;
        }

        InetSocketAddress concentratorAddress() {
            return concentrator == null ? null : concentrator.address();
        }

        MetricsEndpoint metrics() {
            return metrics;
        }

        String describe() {
            StringBuilder b = new StringBuilder();
            if (concentrator != null) {
                b.append("concentrator on ").append(concentrator.address());
                if (concentrator.tunName() != null) {
                    b.append(" (TUN ").append(concentrator.tunName()).append(')');
                }
            }
            if (natHelper != null) {
                b.append(b.isEmpty() ? "" : ", ").append("nat-helper (WAN address ")
                        .append(natHelper.config().wanAddress().getHostAddress()).append(", control proxy on ")
                        .append(natHelper.controlAddress()).append(')');
            }
            if (metrics != null) {
                b.append(", metrics on ").append(metrics.url());
            }
            return b.toString();
        }

        @Override
        public void close() {
            if (metrics != null) {
                metrics.close();
            }
            if (natHelper != null) {
                natHelper.close();
            }
            if (concentrator != null) {
                concentrator.close(); // Call-Disconnect-Notify and Stop-Control-Connection-Request to every peer
            }
        }
    }
}
