package net.pptpgw.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.pptpgw.protocol.testing.ExternalTools;

/**
 * The root-only end-to-end tests' bash scripts (real pptp, pptpd, the concentrator and loadgen
 * in network namespaces), run against this build of {@code pptp-gateway}. Each script removes
 * its namespaces and processes however it ends; this runs it, bounds it in time and hands back
 * what it printed.
 */
public final class EndToEndScript {

    /** pptp's and pptpd's pty relay, shared with the concentrator module's real-peer tests. */
    public static final Path PTY_RELAY =
            Path.of("../concentrator/src/test/resources/net/pptpgw/concentrator/realpeer/pty_relay.py")
                    .toAbsolutePath().normalize();

    private EndToEndScript() {}

    /** How a script ended: {@code exitValue} is meaningful only when it {@code finished} in time. */
    public record Result(boolean finished, int exitValue, String output) {}

    /** Skips the test unless it runs as root and every program is installed. */
    public static void assumeRootWith(String... programs) {
        assumeTrue("0".equals(ExternalTools.run(List.of("id", "-u"), "", 5).strip()), "needs root");
        for (String program : programs) {
            ExternalTools.require(program);
        }
    }

    /** The command that runs {@code pptp-gateway} from this JVM and class path: the scripts' gateway argument. */
    public static String gatewayCommand() {
        return ProcessHandle.current().info().command().orElseThrow()
                + " --enable-native-access=ALL-UNNAMED -cp " + System.getProperty("java.class.path") + " "
                + Main.class.getName();
    }

    /**
     * Runs {@code bash script arguments...} with {@code environment} added, its output (standard
     * error too) in {@code work/script.out}, for at most {@code timeoutSeconds}.
     */
    public static Result run(Path work, Map<String, String> environment, long timeoutSeconds, Path script,
            String... arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("bash", script.toString()));
        command.addAll(List.of(arguments));
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(work.resolve("script.out").toFile());
        builder.environment().putAll(environment);
        Process process = builder.start();
        boolean finished = process.waitFor(timeoutSeconds, TimeUnit.SECONDS);
        if (!finished) {
            // The script's children first (bash runs its TERM trap only once the foreground child
            // is gone), then the script, whose trap removes the namespaces.
            process.descendants().forEach(ProcessHandle::destroy);
            process.destroy();
            process.waitFor(20, TimeUnit.SECONDS);
        }
        return new Result(finished, finished ? process.exitValue() : -1,
                Files.readString(work.resolve("script.out"), StandardCharsets.UTF_8));
    }

    /** A file the script left in {@code work}, or "(no NAME)" when it wrote none. */
    public static String log(Path work, String name) throws IOException {
        Path file = work.resolve(name);
        return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "(no " + name + ")";
    }

    /** The whole number after {@code "key": } in a loadgen JSON report. */
    public static long number(String json, String key) {
        Matcher m = Pattern.compile("\"" + key + "\": (\\d+)").matcher(json);
        assertThat(m.find()).as(key + " in " + json).isTrue();
        return Long.parseLong(m.group(1));
    }
}
