package net.pptpgw.linux;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Interface configuration (up, MTU, addresses, routes) by running iproute2's {@code ip}: each
 * command is logged as it could be typed, and a failure carries {@code ip}'s own message
 * ({@code RTNETLINK answers: File exists}).
 *
 * <p>Why a program and not rtnetlink: the gateway configures an interface a handful of times at
 * start-up; {@code ip} is what operators know, so a logged command can be re-run by hand; and
 * rtnetlink from Java means writing and testing a message and attribute codec of its own.
 * Talking netlink directly is a later optimisation, worth it once something changes routes per
 * session at a high rate; the methods here are the seam where it would go.
 */
public final class IpCommand {

    private final String namespace;

    private IpCommand(String namespace) {
        this.namespace = namespace;
    }

    /**
     * {@code ip} in the network namespace of the thread that runs it: the JVM's own, or the
     * namespace of a {@link NetworkNamespace} thread that calls it.
     */
    public static IpCommand inCallerNamespace() {
        return new IpCommand(null);
    }

    /** {@code ip -n NAME}: the named namespace, whichever thread runs it. */
    public static IpCommand inNamespace(String name) {
        return new IpCommand(name);
    }

    /** Runs {@code ip [-n NAME] ARGUMENTS...} and returns its standard output. */
    public String run(String... arguments) throws IOException {
        List<String> command = new ArrayList<>();
        command.add("ip");
        if (namespace != null) {
            command.add("-n");
            command.add(namespace);
        }
        command.addAll(List.of(arguments));
        return Commands.run(command, null);
    }

    public void linkUp(String device) throws IOException {
        run("link", "set", "dev", device, "up");
    }

    public void setMtu(String device, int mtu) throws IOException {
        run("link", "set", "dev", device, "mtu", Integer.toString(mtu));
    }

    /** {@code ip addr add 10.0.0.1/24 dev DEVICE}. */
    public void addAddress(String device, String addressWithPrefix) throws IOException {
        run("address", "add", addressWithPrefix, "dev", device);
    }

    /**
     * A point-to-point address, as on a TUN device: {@code ip addr add 10.0.0.1 peer 10.0.0.2/30
     * dev DEVICE} (the prefix belongs to the peer and sets the route through the device).
     */
    public void addPeerAddress(String device, String local, String peerWithPrefix) throws IOException {
        run("address", "add", local, "peer", peerWithPrefix, "dev", device);
    }

    /** {@code ip route add PREFIX dev DEVICE}. */
    public void addRoute(String prefix, String device) throws IOException {
        run("route", "add", prefix, "dev", device);
    }

    /** Moves {@code device} into the network namespace {@code target}. */
    public void moveToNamespace(String device, String target) throws IOException {
        run("link", "set", "dev", device, "netns", target);
    }

    @Override
    public String toString() {
        return namespace == null ? "ip" : "ip -n " + namespace;
    }
}
