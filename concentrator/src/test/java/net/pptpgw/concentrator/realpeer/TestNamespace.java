package net.pptpgw.concentrator.realpeer;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * A throw-away network namespace for a test ({@code ip netns add pg-con-...}), with loopback up.
 * {@link #callInside} runs code on a fresh thread switched into it, so that sockets that code
 * creates (a server's listening socket) live in the namespace. {@link #close} kills every
 * process left inside and deletes the namespace.
 */
final class TestNamespace implements AutoCloseable {

    private static final int O_RDONLY_CLOEXEC = 0x80000;
    private static final int CLONE_NEWNET = 0x40000000;

    /** The namespace's one non-loopback address. */
    static final String SERVER_ADDRESS = "10.203.0.1";

    final String name;

    /**
     * Creates the namespace with loopback up and {@link #SERVER_ADDRESS} on one end of a veth pair whose
     * both ends stay inside: pptp resolves its server with AI_ADDRCONFIG, which finds no IPv4
     * at all where loopback is the only interface.
     */
    TestNamespace(String suffix) {
        this.name = "pg-con-" + suffix;
        run(List.of("ip", "netns", "add", name));
        try {
            run(List.of("ip", "-n", name, "link", "set", "lo", "up"));
            run(List.of("ip", "-n", name, "link", "add", "pg0", "type", "veth", "peer", "name", "pg1"));
            run(List.of("ip", "-n", name, "addr", "add", SERVER_ADDRESS + "/24", "dev", "pg0"));
            run(List.of("ip", "-n", name, "link", "set", "pg0", "up"));
            run(List.of("ip", "-n", name, "link", "set", "pg1", "up"));
        } catch (AssertionError e) {
            close();
            throw e;
        }
    }

    /** Runs {@code body} on a new platform thread whose network namespace is this one. */
    <T> T callInside(Callable<T> body) throws Exception {
        Object[] result = new Object[1];
        Exception[] failure = new Exception[1];
        Thread thread = Thread.ofPlatform().name(name).start(() -> {
            try {
                enter("/run/netns/" + name);
                result[0] = body.call();
            } catch (Exception e) {
                failure[0] = e;
            } catch (Throwable t) {
                failure[0] = new RuntimeException(t);
            }
        });
        thread.join();
        if (failure[0] != null) {
            throw failure[0];
        }
        @SuppressWarnings("unchecked")
        T value = (T) result[0];
        return value;
    }

    /** Starts {@code command} inside the namespace (via {@code ip netns exec}, which also gives it a private mount namespace). */
    Process start(List<String> command) throws IOException {
        var full = new java.util.ArrayList<>(List.of("ip", "netns", "exec", name));
        full.addAll(command);
        return new ProcessBuilder(full).redirectErrorStream(true).start();
    }

    /** The processes now inside the namespace. */
    List<Long> pids() {
        return run(List.of("ip", "netns", "pids", name)).lines().filter(l -> !l.isBlank()).map(Long::parseLong).toList();
    }

    @Override
    public void close() {
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

    /** open(2) the namespace file and setns(2) this thread into it, through the FFM API. */
    @SuppressWarnings("restricted")
    private static void enter(String path) throws Throwable {
        Linker linker = Linker.nativeLinker();
        var libc = linker.defaultLookup();
        StructLayout callState = Linker.Option.captureStateLayout();
        VarHandle errno = callState.varHandle(MemoryLayout.PathElement.groupElement("errno"));
        Linker.Option capture = Linker.Option.captureCallState("errno");
        MethodHandle open = linker.downcallHandle(libc.find("open").orElseThrow(),
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT), capture);
        MethodHandle setns = linker.downcallHandle(libc.find("setns").orElseThrow(),
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT), capture);
        MethodHandle close = linker.downcallHandle(libc.find("close").orElseThrow(),
                FunctionDescriptor.of(JAVA_INT, JAVA_INT));
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(callState);
            int fd = (int) open.invokeExact(state, arena.allocateFrom(path), O_RDONLY_CLOEXEC);
            if (fd < 0) {
                throw new IOException("open " + path + ": errno " + (int) errno.get(state, 0L));
            }
            try {
                if ((int) setns.invokeExact(state, fd, CLONE_NEWNET) != 0) {
                    throw new IOException("setns " + path + ": errno " + (int) errno.get(state, 0L));
                }
            } finally {
                int ignored = (int) close.invokeExact(fd);
            }
        }
    }
}
