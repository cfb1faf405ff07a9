package net.pptpgw.linux;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Network namespaces for one test, named {@code pg-io-PURPOSE-PID-N}, deleted by {@link #close}
 * (called from {@code @AfterEach}, which JUnit runs after a failure too). Traffic stays inside
 * them: veth pairs join only namespaces made here.
 */
final class TestNamespaces implements AutoCloseable {

    private static final AtomicInteger SEQUENCE = new AtomicInteger();

    private final List<String> created = new ArrayList<>();

    /** Root is needed for namespaces, TUN and raw sockets: skipped without it, failed under CI. */
    static void requireRoot() {
        int uid;
        try {
            uid = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        if (uid != 0 && "true".equals(System.getenv("CI"))) {
            throw new AssertionError("linux-io tests need root (network namespaces, TUN, raw sockets)");
        }
        assumeTrue(uid == 0, "linux-io tests need root");
    }

    /** A new namespace with its loopback up. */
    String create(String purpose) throws IOException {
        String name = "pg-io-" + purpose + "-" + ProcessHandle.current().pid() + "-" + SEQUENCE.incrementAndGet();
        IpCommand.inCallerNamespace().run("netns", "add", name);
        created.add(name);
        IpCommand.inNamespace(name).linkUp("lo");
        return name;
    }

    /** A veth pair between two namespaces made here, addressed and up. */
    void veth(String namespaceA, String deviceA, String addressA, String namespaceB, String deviceB, String addressB)
            throws IOException {
        IpCommand a = IpCommand.inNamespace(namespaceA);
        IpCommand b = IpCommand.inNamespace(namespaceB);
        a.run("link", "add", deviceA, "type", "veth", "peer", "name", deviceB, "netns", namespaceB);
        a.addAddress(deviceA, addressA);
        b.addAddress(deviceB, addressB);
        a.linkUp(deviceA);
        b.linkUp(deviceB);
    }

    /** Runs a program inside a namespace; returns its exit code and combined output. */
    static Result exec(String namespace, long timeoutSeconds, String... command)
            throws IOException, InterruptedException {
        List<String> line = new ArrayList<>(List.of("ip", "netns", "exec", namespace));
        line.addAll(List.of(command));
        Process process = new ProcessBuilder(line).redirectErrorStream(true).start();
        process.getOutputStream().close();
        byte[] output = process.getInputStream().readAllBytes();
        if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(String.join(" ", line) + " did not finish within " + timeoutSeconds + " s");
        }
        return new Result(process.exitValue(), new String(output, StandardCharsets.UTF_8));
    }

    record Result(int exitCode, String output) {}

    @Override
    public void close() throws IOException {
        IOException failure = null;
        for (String name : created.reversed()) {
            try {
                IpCommand.inCallerNamespace().run("netns", "delete", name);
            } catch (IOException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        created.clear();
        if (failure != null) {
            throw failure;
        }
    }
}
