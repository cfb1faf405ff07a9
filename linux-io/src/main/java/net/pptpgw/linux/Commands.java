package net.pptpgw.linux;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Runs a configuration program (ip, nft): logs the command line, fails with its standard error. */
final class Commands {

    private static final System.Logger LOG = System.getLogger(Commands.class.getName());
    static final Duration TIMEOUT = Duration.ofSeconds(10);

    private Commands() {}

    /** Runs {@code command} with {@code stdin} (or none) and returns its standard output. */
    static String run(List<String> command, String stdin) throws IOException {
        String line = String.join(" ", command);
        LOG.log(Level.INFO, line);
        Process process = new ProcessBuilder(command).start();
        // Both pipes are drained while the program runs, so a full pipe cannot stall it.
        CompletableFuture<String> stderr = drain(process.getErrorStream());
        CompletableFuture<String> stdout = drain(process.getInputStream());
        try (OutputStream in = process.getOutputStream()) {
            if (stdin != null) {
                in.write(stdin.getBytes(StandardCharsets.UTF_8));
            }
        }
        try {
            if (!process.waitFor(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new IOException("`" + line + "` did not finish within " + TIMEOUT.toSeconds() + " s");
            }
            if (process.exitValue() != 0) {
                throw new IOException("`" + line + "` failed (exit " + process.exitValue() + "): "
                        + stderr.join().strip());
            }
            return stdout.join();
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while running `" + line + "`");
        }
    }

    private static CompletableFuture<String> drain(InputStream stream) {
        CompletableFuture<String> text = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try (stream) {
                text.complete(new String(stream.readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                text.complete("(unreadable: " + e.getMessage() + ")");
            }
        });
        return text;
    }
}
