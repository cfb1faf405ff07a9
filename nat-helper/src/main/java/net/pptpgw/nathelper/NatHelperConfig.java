package net.pptpgw.nathelper;

import java.net.Inet4Address;
import java.time.Duration;
import java.util.Objects;
import net.pptpgw.linux.ThreadScheduling;

/**
 * What a {@link NatHelper} needs to run.
 *
 * @param lanInterface the LAN-side interface name (where clients and their GRE arrive), for the GRE relay
 * @param lanAddress the gateway's address on the LAN
 * @param wanAddress the one public address every upstream control connection and all GRE toward
 *     servers leave from
 * @param listenPort the TCP port the control proxy listens on (TPROXY target or explicit port)
 * @param explicitServer with {@code null}, transparent mode: the listener has IP_TRANSPARENT and a
 *     connection's original destination (its local address) is the server; otherwise every
 *     connection goes to this server
 * @param serverPort the server's PPTP port in explicit mode (1723)
 * @param timeouts mapping lifetimes
 * @param relayScheduling how the kernel schedules the GRE relay's thread: real-time
 *     ({@code SCHED_FIFO}) or a negative nice value keeps it forwarding while the very hosts it
 *     forwards for compete with it for the CPU (see {@link ThreadScheduling})
 * @param kernelOffload once a call is established, let the kernel forward and rewrite its GRE
 *     from elements the helper installs in its own nftables table (see {@link KernelOffload});
 *     the relay keeps the first packets and everything the kernel does not match
 */
public record NatHelperConfig(
        String lanInterface,
        Inet4Address lanAddress,
        Inet4Address wanAddress,
        int listenPort,
        Inet4Address explicitServer,
        int serverPort,
        Timeouts timeouts,
        ThreadScheduling relayScheduling,
        boolean kernelOffload) {

    public NatHelperConfig {
        Objects.requireNonNull(wanAddress, "wan address");
        Objects.requireNonNull(timeouts, "timeouts");
        Objects.requireNonNull(relayScheduling, "relay scheduling");
        if (listenPort < 0 || listenPort > 0xFFFF) {
            throw new IllegalArgumentException("listen port " + listenPort + " is not a TCP port");
        }
        if (kernelOffload && lanInterface == null) {
            throw new IllegalArgumentException("the kernel offload hooks the LAN interface: it needs its name");
        }
        if (serverPort < 1 || serverPort > 0xFFFF) {
            throw new IllegalArgumentException("server port " + serverPort + " is not a TCP port");
        }
    }

    /** Without the kernel offload. */
    public NatHelperConfig(String lanInterface, Inet4Address lanAddress, Inet4Address wanAddress, int listenPort,
                           Inet4Address explicitServer, int serverPort, Timeouts timeouts,
                           ThreadScheduling relayScheduling) {
        this(lanInterface, lanAddress, wanAddress, listenPort, explicitServer, serverPort, timeouts, relayScheduling,
                false);
    }

    /** With the relay thread scheduled as the JVM made it. */
    public NatHelperConfig(String lanInterface, Inet4Address lanAddress, Inet4Address wanAddress, int listenPort,
                           Inet4Address explicitServer, int serverPort, Timeouts timeouts) {
        this(lanInterface, lanAddress, wanAddress, listenPort, explicitServer, serverPort, timeouts,
                ThreadScheduling.DEFAULT);
    }

    public boolean transparent() {
        return explicitServer == null;
    }

    /**
     * @param unreplied idle lifetime of a mapping before GRE has gone both ways (the kernel's
     *     GRE unreplied timeout, 30 s)
     * @param stream idle lifetime once GRE has gone both ways (the kernel's GRE stream timeout, 180 s)
     * @param quarantine how long a released gateway call ID stays unused, so that late GRE of
     *     the old call cannot reach a new one
     */
    public record Timeouts(Duration unreplied, Duration stream, Duration quarantine) {

        public static final Timeouts KERNEL = new Timeouts(Duration.ofSeconds(30), Duration.ofSeconds(180),
                Duration.ofSeconds(30));

        public Timeouts {
            for (Duration d : new Duration[] {unreplied, stream, quarantine}) {
                if (d == null || d.isNegative()) {
                    throw new IllegalArgumentException("timeouts must be present and not negative");
                }
            }
        }
    }
}
