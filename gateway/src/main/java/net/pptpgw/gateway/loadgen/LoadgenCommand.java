package net.pptpgw.gateway.loadgen;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.IntFunction;
import net.pptpgw.client.ClientConfig;
import net.pptpgw.concentrator.data.GreConfig;
import net.pptpgw.gateway.JsonWriter;
import net.pptpgw.gateway.config.FlagConverters.DurationConverter;
import net.pptpgw.gateway.ppp.PppSessionOptions;
import net.pptpgw.protocol.ppp.fsm.AuthenticationMethod;
import net.pptpgw.protocol.ppp.fsm.AutomatonConfig;
import net.pptpgw.protocol.ppp.fsm.CcpSettings;
import net.pptpgw.protocol.ppp.fsm.IpcpSettings;
import net.pptpgw.protocol.ppp.fsm.LcpSettings;
import net.pptpgw.protocol.ppp.session.PppSessionConfig;
import net.pptpgw.protocol.ppp.session.Role;
import net.pptpgw.protocol.pptp.ControlMessages;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code pptp-gateway loadgen}: the PPTP client role at scale, for benchmarks and soak tests.
 * See {@link LoadGenerator} for what a run does and {@link LoadReport} for what it reports.
 */
@Command(
        name = "loadgen",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Opens N PPTP client sessions (control connection, Outgoing-Call, GRE, PPP client with "
                    + "MS-CHAPv2 + MPPE-128 by default) at a target rate, holds them, optionally sends ICMP echo "
                    + "inside every tunnel, then tears them all down and reports setup latency percentiles, "
                    + "failures by reason and the achieved rate.",
            "",
            "Needs root (CAP_NET_RAW) for the raw GRE socket (not with --stage control or call, which carry no PPP). "
                    + "One process holds at most as many sockets as its open-file limit allows: beyond that, place "
                    + "several calls on each control connection (--calls-per-connection).",
            ""},
        footer = {"", "Exit status: 0 when every session was set up, held and torn down; 1 otherwise; "
                + "2 for a usage error.",
            "", "Example: pptp-gateway loadgen --server 192.0.2.1 --sessions 1000 --rate 200 --hold 60s "
                + "--user 'user%%d' --password-file pw --source 10.1.0.0/22 --json"})
public final class LoadgenCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--server", required = true, paramLabel = "ADDR[:PORT]",
            description = "The PAC: IPv4 address and TCP port (default port 1723).")
    String server;

    @Option(names = "--sessions", defaultValue = "1", description = "Sessions to open (default ${DEFAULT-VALUE}).")
    int sessions;

    @Option(names = "--rate", defaultValue = "10", paramLabel = "PER_SECOND",
            description = "Sessions started per second (default ${DEFAULT-VALUE}).")
    double rate;

    @Option(names = "--hold", defaultValue = "0s", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "How long to hold the sessions once set up (default ${DEFAULT-VALUE}).")
    Duration hold;

    @Option(names = "--timeout", defaultValue = "30s", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Setup time allowed per session; also bounds each control reply (default ${DEFAULT-VALUE}).")
    Duration timeout;

    @Option(names = "--user", defaultValue = "user%d", paramLabel = "NAME",
            description = "User name; %%d becomes the session's number from 0 (default ${DEFAULT-VALUE}).")
    String user;

    @Option(names = "--password-file", paramLabel = "FILE",
            description = "File whose first line is the password (%%d in it becomes the session's number).")
    Path passwordFile;

    @Option(names = "--source", paramLabel = "RANGE",
            description = "Local addresses for the control connections and their GRE, round-robin: A.B.C.D, "
                    + "A.B.C.D-E.F.G.H or A.B.C.D/N.")
    String source;

    @Mixin
    PppSessionOptions ppp;

    @Option(names = "--traffic", defaultValue = "0", paramLabel = "PPS",
            description = "ICMP Echo Requests per second per session to the server's tunnel address (default none).")
    int traffic;

    @Option(names = "--stage", defaultValue = "network",
            description = "Where a session counts as set up: control, call or network (PPP up; default ${DEFAULT-VALUE}).")
    LoadGenerator.Stage stage;

    @Option(names = "--calls-per-connection", defaultValue = "1", paramLabel = "K",
            description = "Calls placed on each control connection (default ${DEFAULT-VALUE}).")
    int callsPerConnection;

    @Option(names = "--receive-window", defaultValue = "256", paramLabel = "PACKETS",
            description = "Packet Receive Window Size each call advertises in its Outgoing-Call-Request (RFC 2637 "
                    + "§2.7), 1-65535: the data packets the server may have unacknowledged towards us; 64 behaves "
                    + "like Windows clients (default ${DEFAULT-VALUE}).")
    int receiveWindow;

    @Option(names = "--threads", defaultValue = "0", description = "Event loops (default: Netty's, 2 x cores).")
    int threads;

    @Option(names = "--progress", defaultValue = "5s", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Progress line interval on standard error (default ${DEFAULT-VALUE}).")
    Duration progress;

    @Option(names = "--tun", paramLabel = "NAME",
            description = "Bridge session 0's IP to a TUN interface of this name (or pattern, e.g. lg%%d) with the "
                    + "server's tunnel address as its peer, so the kernel can route through the tunnel (e.g. "
                    + "iperf3 through one tunnel). Needs CAP_NET_ADMIN.")
    String tun;

    @Option(names = "--warmup", defaultValue = "0", paramLabel = "N",
            description = "First open and tear down N sessions at the same rate, unreported (but for a line on standard "
                    + "error), so that the measured run finds this JVM's code compiled (default none).")
    int warmup;

    @Option(names = "--json", description = "Print the summary as JSON.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        LoadGenerator.Settings settings = settings();
        if (warmup > 0) {
            LoadReport warm = new LoadGenerator(settings.warmUp(warmup)).run();
            System.err.printf(Locale.ROOT, "loadgen warm-up: %d of %d sessions up at %.1f/s, %d failed%n",
                    warm.established(), warm.requested(), warm.achievedRate(), warm.failed());
        }
        LoadReport report = new LoadGenerator(settings).run();
        PrintStream out = System.out;
        out.print(json ? JsonWriter.write(report, true) + System.lineSeparator() : report.text());
        out.flush();
        return report.success() ? 0 : 1;
    }

    LoadGenerator.Settings settings() throws IOException {
        InetSocketAddress pac = parseServer(server);
        String password = passwordFile == null ? null
                : Files.readAllLines(passwordFile, StandardCharsets.UTF_8).stream().findFirst().orElse("");
        if (stage == LoadGenerator.Stage.NETWORK && password == null) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--password-file is needed to authenticate (or --stage control|call)");
        }
        PppSessionConfig base = pppConfig(password == null ? "" : password);
        String secret = base.credentials().orElseThrow().password();
        IntFunction<PppSessionConfig> ppp = i -> base.withCredentials(new PppSessionConfig.Credentials(
                user.replace("%d", Integer.toString(i)), secret.replace("%d", Integer.toString(i))));
        SourceRange sources = source == null ? null : SourceRange.parse(source);
        ClientConfig client = ClientConfig.defaults()
                .withControl(ClientConfig.defaults().control().withReplyTimeout(timeout).withReceiveWindowSize(receiveWindow))
                .withStampSourceAddresses(sources != null)
                .withIoThreads(threads);
        if (sources != null && sources.size() == 1) {
            // One source address: the raw GRE socket takes only GRE sent to it. Unbound it reads every
            // GRE the host receives, and other PPTP clients' calls (another loadgen on the same host,
            // as in bin/demo) showed up as unknown-call drops.
            GreConfig gre = client.gre();
            client = client.withGre(gre.withSocket(gre.socket().withBindAddress(sources.get(0))));
        }
        return new LoadGenerator.Settings(pac, sessions, rate, hold, timeout, ppp, sources, callsPerConnection, traffic, stage,
                progress.isZero() ? null : progress, System.err, client, tun);
    }

    private PppSessionConfig pppConfig(String password) {
        List<AuthenticationMethod> methods = ppp.authenticationMethods();
        // Echo off: thousands of idle sessions each sending LCP echoes would be load the operator did not ask for.
        // Both MPPE modes allowed, stateful preferred: the server chooses.
        CcpSettings ccp = ppp.ccp(List.of(CcpSettings.Mode.STATEFUL, CcpSettings.Mode.STATELESS));
        return new PppSessionConfig(Role.CLIENT, LcpSettings.client(methods), IpcpSettings.client(false, false), ccp,
                AutomatonConfig.DEFAULTS, "loadgen", Optional.of(new PppSessionConfig.Credentials("user", password)),
                Optional.empty(), 1, Duration.ZERO, 3);
    }

    static InetSocketAddress parseServer(String text) throws IOException {
        int colon = text.lastIndexOf(':');
        String host = colon > 0 ? text.substring(0, colon) : text;
        int port = colon > 0 ? Integer.parseInt(text.substring(colon + 1)) : ControlMessages.PPTP_PORT;
        return new InetSocketAddress(InetAddress.getByName(host), port);
    }
}
