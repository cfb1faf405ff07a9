package net.pptpgw.concentrator.realpeer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import net.pptpgw.linux.IpCommand;
import net.pptpgw.linux.NetworkNamespace;

/**
 * A throw-away network namespace for a test ({@code ip netns add pg-con-...}), with loopback up,
 * and a {@link NetworkNamespace} thread living in it: {@link #callInside} runs code there, so the
 * sockets that code creates (a server's listening socket, a raw GRE socket, a client socket)
 * belong to the namespace. {@link #close} kills every process left inside and deletes it.
 */
final class TestNamespace implements AutoCloseable {

    private static final AtomicInteger SEQUENCE = new AtomicInteger();

    /** The namespace's one non-loopback address in the {@link #single} layout. */
    static final String SERVER_ADDRESS = "10.203.0.1";

    final String name;
    private final NetworkNamespace thread;

    /** A new namespace {@code pg-con-PURPOSE-PID-N} with loopback up. */
    TestNamespace(String purpose) {
        this.name = "pg-con-" + purpose + "-" + ProcessHandle.current().pid() + "-" + SEQUENCE.incrementAndGet();
        run(List.of("ip", "netns", "add", name));
        NetworkNamespace entered = null;
        try {
            IpCommand.inNamespace(name).linkUp("lo");
            entered = NetworkNamespace.enter(name);
        } catch (IOException | RuntimeException e) {
            run(List.of("ip", "netns", "del", name));
            throw new AssertionError("setting up " + name, e);
        }
        this.thread = entered;
    }

    /**
     * A namespace with {@link #SERVER_ADDRESS} on one end of a veth pair whose both ends stay
     * inside: pptp resolves its server with AI_ADDRCONFIG, which finds no IPv4 at all where
     * loopback is the only interface.
     */
    static TestNamespace single(String purpose) {
        TestNamespace ns = new TestNamespace(purpose);
        try {
            IpCommand ip = IpCommand.inNamespace(ns.name);
            ip.run("link", "add", "pg0", "type", "veth", "peer", "name", "pg1");
            ip.addAddress("pg0", SERVER_ADDRESS + "/24");
            ip.linkUp("pg0");
            ip.linkUp("pg1");
        } catch (IOException | RuntimeException e) {
            ns.close();
            throw new AssertionError(e);
        }
        return ns;
    }

    /** A veth pair from this namespace to {@code other}, addressed ({@code 10.0.0.1/24}) and up. */
    void veth(String device, String address, TestNamespace other, String otherDevice, String otherAddress)
            throws IOException {
        IpCommand here = IpCommand.inNamespace(name);
        IpCommand there = IpCommand.inNamespace(other.name);
        here.run("link", "add", device, "type", "veth", "peer", "name", otherDevice, "netns", other.name);
        here.addAddress(device, address);
        there.addAddress(otherDevice, otherAddress);
        here.linkUp(device);
        there.linkUp(otherDevice);
    }

    /** {@code ip addr add ADDRESS dev DEVICE} inside. */
    void addAddress(String device, String address) throws IOException {
        IpCommand.inNamespace(name).addAddress(device, address);
    }

    /** Runs {@code body} on this namespace's thread and waits for its result. */
    <T> T callInside(Callable<T> body) throws Exception {
        CompletableFuture<T> result = new CompletableFuture<>();
        thread.execute(() -> {
            try {
                result.complete(body.call());
            } catch (Throwable t) {
                result.completeExceptionally(t);
            }
        });
        try {
            return result.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception cause) {
                throw cause;
            }
            throw new AssertionError(e.getCause());
        }
    }

    /** Starts {@code command} inside the namespace (via {@code ip netns exec}, which also gives it a private mount namespace). */
    Process start(List<String> command) throws IOException {
        var full = new ArrayList<>(List.of("ip", "netns", "exec", name));
        full.addAll(command);
        return new ProcessBuilder(full).redirectErrorStream(true).start();
    }

    /** The processes now inside the namespace. */
    List<Long> pids() {
        return run(List.of("ip", "netns", "pids", name)).lines().filter(l -> !l.isBlank()).map(Long::parseLong).toList();
    }

    @Override
    public void close() {
        thread.close();
        for (long pid : pids()) {
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        }
        run(List.of("ip", "netns", "del", name));
    }

    static String run(List<String> command) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(10, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new AssertionError(String.join(" ", command) + " failed: " + output);
            }
            return output;
        } catch (IOException e) {
            throw new AssertionError(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
