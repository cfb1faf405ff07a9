package net.pptpgw.protocol.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs Debian programs used as independent oracles (tshark, scapy) and real peers.
 *
 * <p>A missing program skips the test on a developer's box, but fails it under CI
 * ({@code CI=true}), where {@code .ci/run} installs every program the suite uses.
 */
public final class ExternalTools {

    private ExternalTools() {}

    public static void require(String program) {
        boolean present = onPath(program);
        if (!present && "true".equals(System.getenv("CI"))) {
            throw new AssertionError(program + " is not installed; .ci/run must install it");
        }
        assumeTrue(present, program + " is not installed");
    }

    /** As {@link #require}, for a file or folder that a Debian package installs. */
    public static void requireFile(String path, String debianPackage) {
        boolean present = new java.io.File(path).exists();
        if (!present && "true".equals(System.getenv("CI"))) {
            throw new AssertionError(path + " is missing; .ci/run must install " + debianPackage);
        }
        assumeTrue(present, debianPackage + " is not installed");
    }

    public static boolean onPath(String program) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            if (new java.io.File(dir, program).canExecute()) {
                return true;
            }
        }
        return false;
    }

    /** Runs a command, feeding {@code stdin}, and returns its standard output; fails on a non-zero exit. */
    public static String run(List<String> command, String stdin, long timeoutSeconds) {
        try {
            Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.PIPE).start();
            try (var in = process.getOutputStream()) {
                if (stdin != null) {
                    in.write(stdin.getBytes(StandardCharsets.UTF_8));
                }
            }
            // Read both streams fully before waiting, so a full pipe cannot stall the child.
            var stdout = process.getInputStream().readAllBytes();
            var stderr = process.getErrorStream().readAllBytes();
            if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError(command.getFirst() + " timed out after " + timeoutSeconds + " s");
            }
            if (process.exitValue() != 0) {
                throw new AssertionError(command.getFirst() + " exited " + process.exitValue() + ": "
                        + new String(stderr, StandardCharsets.UTF_8));
            }
            return new String(stdout, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new AssertionError("cannot run " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
