package net.pptpgw.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import net.pptpgw.linux.ThreadScheduling;
import net.pptpgw.nathelper.NatHelperConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code nat-helper --config FILE}: the file's keys are the flags' names, and flags override the file. */
class NatHelperCommandConfigTest {

    @TempDir
    Path dir;

    private Path file(String yaml) throws IOException {
        return Files.writeString(dir.resolve("gateway.yaml"), yaml);
    }

    private static NatHelperCommand parse(String... args) {
        CommandLine.ParseResult result = Main.commandLine().parseArgs(args);
        return (NatHelperCommand) result.subcommand().commandSpec().userObject();
    }

    @Test
    void everyKeyOfTheSampleFileIsRead() throws Exception {
        Path sample = Path.of("..", "samples", "gateway.yaml");
        NatHelperCommand command = parse("nat-helper", "--config", sample.toString());
        NatHelperConfig config = command.config();
        assertThat(config.wanAddress().getHostAddress()).isEqualTo("198.18.0.1");
        assertThat(config.lanInterface()).isEqualTo("br0");
        assertThat(config.transparent()).isTrue();
        assertThat(config.relayScheduling()).isEqualTo(ThreadScheduling.realtime(10));
        assertThat(command.settings().metrics()).isEqualTo(new InetSocketAddress("127.0.0.1", 9723));
    }

    @Test
    void theFileGivesWhatTheFlagsLeaveOut() throws Exception {
        Path f = file("""
                metrics: 127.0.0.1:9800
                nat-helper:
                  lan-interface: br0
                  lan-address: 192.168.10.1
                  wan-address: 198.18.0.1
                  listen-port: 41723
                  explicit: 203.0.113.7
                  server-port: 1724
                  unreplied-timeout: 10s
                  stream-timeout: 5m
                  quarantine: 1500ms
                  relay-nice: -5
                concentrator:
                  listen: 198.18.0.1
                """);
        NatHelperCommand command = parse("nat-helper", "--config", f.toString());
        NatHelperConfig config = command.config();
        assertThat(config.lanInterface()).isEqualTo("br0");
        assertThat(config.lanAddress().getHostAddress()).isEqualTo("192.168.10.1");
        assertThat(config.listenPort()).isEqualTo(41723);
        assertThat(config.explicitServer().getHostAddress()).isEqualTo("203.0.113.7");
        assertThat(config.serverPort()).isEqualTo(1724);
        assertThat(config.timeouts()).isEqualTo(new NatHelperConfig.Timeouts(Duration.ofSeconds(10),
                Duration.ofMinutes(5), Duration.ofMillis(1500)));
        assertThat(config.relayScheduling()).isEqualTo(ThreadScheduling.nice(-5));
        assertThat(command.settings().metrics()).as("the top-level endpoint").isEqualTo(
                new InetSocketAddress("127.0.0.1", 9800));
    }

    @Test
    void flagsOverrideTheFileKeyByKeyAndModeAndSchedulingAsAWhole() throws Exception {
        Path f = file("""
                nat-helper:
                  wan-address: 198.18.0.1
                  listen-port: 41723
                  explicit: 203.0.113.7
                  relay-nice: -5
                  metrics: 127.0.0.1:9723
                """);
        NatHelperCommand command = parse("nat-helper", "--config", f.toString(), "--listen-port", "1723",
                "--transparent", "--realtime-priority", "20", "--metrics", "127.0.0.1:9999");
        NatHelperConfig config = command.config();
        assertThat(config.listenPort()).isEqualTo(1723);
        assertThat(config.wanAddress().getHostAddress()).isEqualTo("198.18.0.1");
        assertThat(config.transparent()).as("--transparent replaces the file's explicit server").isTrue();
        assertThat(config.relayScheduling()).isEqualTo(ThreadScheduling.realtime(20));
        assertThat(command.settings().metrics()).isEqualTo(new InetSocketAddress("127.0.0.1", 9999));
    }

    @Test
    void fileErrorsNameFileLineAndKey() throws Exception {
        Path bad = file("nat-helper:\n  transparent: true\n  wan-address: 'x'\n");
        assertThatThrownBy(() -> parse("nat-helper", "--config", bad.toString()).config())
                .isInstanceOf(CommandLine.ParameterException.class)
                .hasMessage("gateway.yaml line 3: nat-helper.wan-address: 'x' is not an IPv4 address");
        Path typo = file("nat-helper:\n  transparent: true\n  wan-adress: 198.18.0.1\n");
        assertThatThrownBy(() -> parse("nat-helper", "--config", typo.toString()).config())
                .hasMessageStartingWith("gateway.yaml line 3: nat-helper.wan-adress: unknown key; known keys here: "
                        + "explicit, lan-address, lan-interface, listen-port, metrics, quarantine, realtime-priority, "
                        + "relay-nice, server-port, stream-timeout, transparent, unreplied-timeout, wan-address");
        Path none = file("concentrator:\n  listen: 198.18.0.1\n");
        assertThatThrownBy(() -> parse("nat-helper", "--config", none.toString()).config())
                .hasMessage("gateway.yaml line 1: no nat-helper section");
        Path top = file("nat-helpr:\n  transparent: true\n");
        assertThatThrownBy(() -> parse("nat-helper", "--config", top.toString()).config())
                .hasMessage("gateway.yaml line 1: nat-helpr: unknown key; known keys at the top level: "
                        + "concentrator, metrics, nat-helper");
        Path missing = file("nat-helper:\n  transparent: true\n");
        assertThatThrownBy(() -> parse("nat-helper", "--config", missing.toString()).config())
                .hasMessageContaining("--wan-address ADDR or nat-helper.wan-address");
        assertThatThrownBy(() -> parse("nat-helper", "--config", dir.resolve("absent.yaml").toString()).config())
                .hasMessageStartingWith("cannot read " + dir.resolve("absent.yaml"));
    }
}
