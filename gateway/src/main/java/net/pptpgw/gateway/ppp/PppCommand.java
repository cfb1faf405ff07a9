package net.pptpgw.gateway.ppp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.IoEventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.epoll.EpollIoHandler;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import net.pptpgw.linux.IpCommand;
import net.pptpgw.linux.TunDevice;
import net.pptpgw.linux.TunQueue;
import net.pptpgw.protocol.ppp.fsm.AuthenticationMethod;
import net.pptpgw.protocol.ppp.fsm.AutomatonConfig;
import net.pptpgw.protocol.ppp.fsm.CcpSettings;
import net.pptpgw.protocol.ppp.fsm.IpcpAgreement;
import net.pptpgw.protocol.ppp.fsm.IpcpSettings;
import net.pptpgw.protocol.ppp.fsm.LcpSettings;
import net.pptpgw.protocol.ppp.fsm.MppeAgreement;
import net.pptpgw.protocol.ppp.fsm.Termination;
import net.pptpgw.protocol.ppp.hdlc.HdlcFrameDecoder;
import net.pptpgw.protocol.ppp.hdlc.HdlcFrameEncoder;
import net.pptpgw.protocol.ppp.session.PppSession;
import net.pptpgw.protocol.ppp.session.PppSessionConfig;
import net.pptpgw.protocol.ppp.session.PppSessionEvent;
import net.pptpgw.protocol.ppp.session.PppSessionHandler;
import net.pptpgw.protocol.ppp.session.Role;
import net.pptpgw.concentrator.auth.ChapSecrets;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Unmatched;

/**
 * {@code pptp-gateway ppp}: one PPP endpoint speaking async HDLC (RFC 1662) on standard input
 * and output, a userspace pppd for kernels without {@code /dev/ppp}.
 *
 * <p>As pptpd's {@code ppp} program (server): pptpd starts it as {@code <prog> local file
 * <opts> 115200 <local>:<remote> ipparam .. remotenumber ..} on a cooked pty; the pty is made
 * raw, the addresses come from {@code local:remote}, users from {@code --secrets}. As a client
 * behind {@code pptp --nolaunchpppd}, {@code --pty COMMAND} starts pptp (as pppd's own {@code
 * pty} option does) and speaks HDLC over its standard input and output.
 *
 * <p>When IPCP is up, a TUN interface gets the negotiated addresses and IP flows between it and
 * the link. The link is a pipeline (stream writer, HDLC codec, {@link PppSessionHandler}, TUN
 * side) on an {@link EmbeddedChannel}, driven from one epoll event loop; a platform thread reads
 * the byte stream.
 */
@Command(name = "ppp", mixinStandardHelpOptions = true,
        description = "One PPP endpoint (async HDLC on stdin/stdout, or on --pty's) carrying IP to a TUN interface.")
public final class PppCommand implements Callable<Integer> {

    @Option(names = "--role", description = "server (authenticator) or client; default: server when --secrets is given")
    Role role;

    @Option(names = "--user", description = "client: the user name to authenticate with")
    String user;

    @Option(names = "--password-file", description = "client: file whose first line is the password; "
            + "further lines are tried in order when the server refuses one but allows a retry")
    Path passwordFile;

    @Option(names = "--auth-attempts", defaultValue = "1",
            description = "server: authentication attempts a peer gets (default ${DEFAULT-VALUE}, as pppd; "
                    + "more sends MS-CHAP Failures with R=1)")
    int authAttempts;

    @Mixin
    PppSessionOptions ppp;

    @Option(names = "--stateless", description = "MPPE stateless mode (a key per packet); default stateful")
    boolean stateless;

    @Option(names = "--secrets", description = "server: pppd chap-secrets file")
    Path secrets;

    @Option(names = "--name", defaultValue = "pptp-gateway", description = "our name (CHAP, chap-secrets server column)")
    String name;

    @Option(names = "--local", description = "server: our IP address (else from pppd's local:remote argument)")
    String local;

    @Option(names = "--remote", description = "server: the peer's IP address (else from local:remote)")
    String remote;

    @Option(names = "--dns", split = ",", description = "server: DNS servers to offer")
    List<String> dns = List.of();

    @Option(names = "--tun", defaultValue = "pgppp%d", description = "TUN interface name or pattern (default ${DEFAULT-VALUE})")
    String tun;

    @Option(names = "--pty", description = "run this shell command and speak HDLC on its stdin/stdout instead of ours")
    String pty;

    @Option(names = "--echo-interval", defaultValue = "10", description = "LCP echo interval in seconds, 0 for none")
    int echoInterval;

    @Option(names = "--echo-failures", defaultValue = "3")
    int echoFailures;

    @Option(names = "--log-file", description = "log here instead of standard error")
    Path logFile;

    @Option(names = "--no-raw", description = "do not make a terminal on stdin raw")
    boolean noRaw;

    @Unmatched
    List<String> pppdArguments = new ArrayList<>();

    private PrintStream log;

    @Override
    public Integer call() throws Exception {
        log = logFile != null ? new PrintStream(Files.newOutputStream(logFile, java.nio.file.StandardOpenOption.CREATE,
                java.nio.file.StandardOpenOption.APPEND), true, StandardCharsets.UTF_8) : System.err;
        log("started with " + pppdArguments);
        PppSessionConfig config = config();

        InputStream in;
        OutputStream out;
        Process child = null;
        if (pty != null) {
            child = new ProcessBuilder("/bin/sh", "-c", pty).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            in = child.getInputStream();
            out = child.getOutputStream();
        } else {
            if (!noRaw) {
                makeStdinRaw();
            }
            in = new FileInputStream(FileDescriptor.in);
            out = new FileOutputStream(FileDescriptor.out);
        }

        MultiThreadIoEventLoopGroup group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        IoEventLoop loop = (IoEventLoop) group.next();
        CountDownLatch dead = new CountDownLatch(1);
        Endpoint endpoint = new Endpoint(loop, dead);
        // The HDLC byte stream as a pipeline: stdout writer, HDLC codec, the PPP session, our TUN
        // side. Timers and every call run on the epoll loop; the channel only structures the code.
        PppSessionHandler handler = new PppSessionHandler(config, new SecureRandom(), loop);
        EmbeddedChannel link = loop.submit(() -> new EmbeddedChannel(new StreamWriter(out), new HdlcFrameEncoder(),
                new HdlcFrameDecoder(), handler, endpoint)).sync().getNow();
        endpoint.link = link;

        Thread reader = Thread.ofPlatform().daemon().name("ppp-stdin").start(() -> {
            byte[] chunk = new byte[8192];
            try {
                int n;
                while ((n = in.read(chunk)) > 0) {
                    ByteBuf bytes = Unpooled.copiedBuffer(chunk, 0, n);
                    loop.execute(() -> link.writeInbound(bytes));
                }
            } catch (IOException e) {
                log("reading the link failed: " + e);
            }
            log("the link's byte stream ended");
            loop.execute(() -> handler.session().lowerLayerDown());
        });
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            if (dead.getCount() > 0) {
                loop.execute(() -> handler.session().close(Termination.of(Termination.ADMINISTRATIVE_CLOSE,
                        "pptp-gateway ppp terminated")));
                try {
                    dead.await(2, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }));
        dead.await();
        loop.submit(endpoint::closeTun).sync();
        if (child != null) {
            child.destroy();
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        return endpoint.wasUp.get() ? 0 : 1;
    }

    /**
     * The head of the pipeline: writes each HDLC-encoded frame to the byte stream (blocking, on
     * the event loop; a full pty holds the loop back, which is the flow control we want). After a
     * failed write (the reader of the stream is gone) later frames are dropped quietly: the
     * reader thread sees the end of the stream too and takes the link down.
     */
    private final class StreamWriter extends ChannelOutboundHandlerAdapter {
        private final OutputStream out;
        private boolean failed;

        StreamWriter(OutputStream out) {
            this.out = out;
        }

        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
            ByteBuf encoded = (ByteBuf) msg;
            try {
                if (!failed) {
                    encoded.readBytes(out, encoded.readableBytes());
                    out.flush();
                }
                promise.trySuccess();
            } catch (IOException e) {
                failed = true;
                log("writing the link failed: " + e);
                promise.tryFailure(e);
            } finally {
                encoded.release();
            }
        }
    }

    /** The top of the pipeline: IP packets to and from the TUN, the session's milestones in the log. */
    private final class Endpoint extends ChannelInboundHandlerAdapter {
        final IoEventLoop loop;
        final CountDownLatch dead;
        EmbeddedChannel link;
        TunDevice device;
        TunQueue queue;
        final AtomicBoolean wasUp = new AtomicBoolean();

        Endpoint(IoEventLoop loop, CountDownLatch dead) {
            this.loop = loop;
            this.dead = dead;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf packet = (ByteBuf) msg;
            if (queue != null) {
                queue.writeAndFlush(packet);
            } else {
                packet.release();
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            log("link: " + cause.getMessage()); // a damaged HDLC frame (dropped, the stream goes on) or a failed write
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
            switch (event) {
                case PppSessionEvent.PhaseChanged phase -> log("phase " + phase.from() + " -> " + phase.to());
                case PppSessionEvent.LinkUp up -> log("LCP up: " + up.agreement());
                case PppSessionEvent.Authenticated authenticated ->
                        log("authenticated" + authenticated.peerName().map(n -> " peer '" + n + "'").orElse(""));
                case PppSessionEvent.NetworkUp up -> networkUp(ctx, up.ipcp(), up.mppe());
                case PppSessionEvent.NetworkDown down -> {
                    log("network down");
                    closeTun();
                }
                case PppSessionEvent.LinkDown down -> {
                    log("link down: " + down.reason());
                    dead.countDown();
                }
                case PppSessionEvent.Note note -> log(note.message());
                default -> ctx.fireUserEventTriggered(event);
            }
        }

        private void networkUp(ChannelHandlerContext ctx, IpcpAgreement ipcp, Optional<MppeAgreement> mppe) {
            log("network up: " + ipcp + ", " + mppe.map(Object::toString).orElse("no MPPE"));
            PppSession session = ctx.pipeline().get(PppSessionHandler.class).session();
            try {
                device = TunDevice.open(tun);
                String peer = ipcp.peerAddress().orElseThrow().getHostAddress();
                IpCommand ip = IpCommand.inCallerNamespace();
                ip.addPeerAddress(device.name(), ipcp.localAddress().getHostAddress(), peer + "/32");
                int mtu = session.lcpAgreement().orElseThrow().peerMru() - (mppe.isPresent() ? 4 : 0);
                ip.setMtu(device.name(), mtu);
                ip.linkUp(device.name());
                queue = device.queue(0);
                // Packets from the kernel go down the pipeline; a write while the network is down fails quietly.
                queue.register(loop, TunQueue.Options.defaults().withHeadroom(PppSession.DATA_HEADROOM + 16),
                        (q, packet) -> link.writeAndFlush(packet, link.voidPromise()));
                wasUp.set(true);
                log("TUN " + device.name() + " up: " + ipcp.localAddress().getHostAddress() + " peer " + peer
                        + " mtu " + mtu);
            } catch (IOException | RuntimeException e) {
                log("TUN setup failed: " + e);
                session.close(Termination.of("tun-failed", "could not set up the TUN interface: " + e.getMessage()));
            }
        }

        void closeTun() {
            if (device != null) {
                device.close();
                device = null;
                queue = null;
            }
        }
    }

    PppSessionConfig config() throws IOException {
        Role effectiveRole = role != null ? role : (secrets != null ? Role.SERVER : Role.CLIENT);
        List<AuthenticationMethod> methods = ppp.authenticationMethods();
        CcpSettings ccp = ppp.ccp(List.of(stateless ? CcpSettings.Mode.STATELESS : CcpSettings.Mode.STATEFUL));
        AutomatonConfig automaton = AutomatonConfig.DEFAULTS;
        Duration echo = Duration.ofSeconds(echoInterval);
        if (effectiveRole == Role.SERVER) {
            if (secrets == null) {
                throw new IllegalArgumentException("a server needs --secrets");
            }
            Inet4Address[] addresses = addresses();
            List<Inet4Address> dnsServers = new ArrayList<>();
            for (String server : dns) {
                dnsServers.add((Inet4Address) InetAddress.getByName(server));
            }
            return new PppSessionConfig(Role.SERVER, LcpSettings.server(methods),
                    IpcpSettings.server(addresses[0], addresses[1], dnsServers, List.of()), ccp, automaton, name,
                    Optional.empty(), Optional.of(chapSecrets().forServer(name)), authAttempts, echo, echoFailures);
        }
        if (user == null || passwordFile == null) {
            throw new IllegalArgumentException("a client needs --user and --password-file");
        }
        List<String> passwords = Files.readAllLines(passwordFile, StandardCharsets.UTF_8).stream()
                .filter(line -> !line.isEmpty()).toList();
        if (passwords.isEmpty()) {
            throw new IllegalArgumentException("--password-file " + passwordFile + " holds no password");
        }
        PppSessionConfig.Credentials credentials = new PppSessionConfig.Credentials(user, passwords.getFirst(),
                passwords.subList(1, passwords.size()));
        return new PppSessionConfig(Role.CLIENT, LcpSettings.client(methods), IpcpSettings.client(false, false), ccp,
                automaton, name, Optional.of(credentials), Optional.empty(), 1, echo, echoFailures);
    }

    private ChapSecrets chapSecrets() throws IOException {
        try {
            return ChapSecrets.load(secrets);
        } catch (ChapSecrets.ParseException e) {
            throw new IllegalArgumentException("--secrets: " + e.getMessage(), e);
        }
    }

    /** --local/--remote, else pppd's {@code local:remote} argument as pptpd passes it. */
    private Inet4Address[] addresses() throws IOException {
        String localText = local;
        String remoteText = remote;
        for (String argument : pppdArguments) {
            if (argument.matches("\\d+\\.\\d+\\.\\d+\\.\\d+:\\d+\\.\\d+\\.\\d+\\.\\d+")) {
                String[] parts = argument.split(":");
                localText = localText != null ? localText : parts[0];
                remoteText = remoteText != null ? remoteText : parts[1];
            }
        }
        if (localText == null || remoteText == null) {
            throw new IllegalArgumentException("a server needs addresses: --local/--remote or a local:remote argument");
        }
        return new Inet4Address[] {(Inet4Address) InetAddress.getByName(localText),
                (Inet4Address) InetAddress.getByName(remoteText)};
    }

    /**
     * pptpd hands over a cooked pty: line discipline, echo and CR/LF mapping would mangle HDLC.
     * {@code stty raw -echo} on our standard input, as pppd does with termios.
     */
    private void makeStdinRaw() {
        try {
            Process stty = new ProcessBuilder("/bin/stty", "raw", "-echo")
                    .redirectInput(ProcessBuilder.Redirect.INHERIT)
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
            if (stty.waitFor() != 0) {
                log("stdin is not a terminal; left as is");
            }
        } catch (IOException | InterruptedException e) {
            log("stty failed: " + e);
        }
    }

    private void log(String message) {
        log.println(LocalTime.now() + " ppp[" + ProcessHandle.current().pid() + "] " + message);
    }
}
