package net.pptpgw.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.reflect.RecordComponent;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import net.pptpgw.concentrator.ConcentratorConfig;
import net.pptpgw.concentrator.session.SessionPolicy;
import net.pptpgw.protocol.ppp.fsm.AuthenticationMethod;
import net.pptpgw.protocol.ppp.fsm.CcpSettings;
import net.pptpgw.protocol.ppp.fsm.MppeStrength;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code concentrator --config FILE}: every flag is a key of the file's {@code concentrator}
 * section, flags override the file key by key, and an error names the flag or the file's line
 * and key, whichever gave the value.
 */
class ConcentratorCommandConfigTest {

    private static final Path SAMPLE = Path.of("..", "samples", "concentrator.yaml");

    @TempDir
    Path dir;

    private Path file(String yaml) throws IOException {
        return Files.writeString(dir.resolve("concentrator.yaml"), yaml);
    }

    private Path secrets() throws IOException {
        return Files.writeString(dir.resolve("chap-secrets"), "alice vpn-edge \"a secret\" 10.0.0.20\n");
    }

    private static ConcentratorCommand parse(String... args) {
        CommandLine.ParseResult result = Main.commandLine().parseArgs(args);
        return (ConcentratorCommand) result.subcommand().commandSpec().userObject();
    }

    @Test
    void everyFlagIsAKeyOfTheSampleFile() throws Exception {
        // The file gives every setting but the secrets file, which must exist here: a flag gives it.
        ConcentratorCommand command = parse("concentrator", "--config", SAMPLE.toString(),
                "--secrets", secrets().toString());
        ConcentratorSettings settings = command.settings();
        assertThat(Arrays.stream(ConcentratorSettings.class.getRecordComponents())
                .filter(c -> read(c, settings) == null).map(RecordComponent::getName))
                .as("settings the sample leaves out").isEmpty();
        // ...and every flag of the command is one of those keys.
        List<String> flags = Main.commandLine().getSubcommands().get("concentrator").getCommandSpec().options()
                .stream().map(o -> o.longestName()).filter(n -> !List.of("--config", "--help", "--version").contains(n))
                .toList();
        assertThat(flags).containsExactlyElementsOf(Arrays.stream(ConcentratorSettings.class.getRecordComponents())
                .map(c -> "--" + kebab(c.getName())).toList());

        ConcentratorSetup setup = command.setup();
        ConcentratorConfig control = setup.control();
        assertThat(control.listen()).isEqualTo(new InetSocketAddress("198.18.0.1", 1723));
        assertThat(control.hostName()).isEqualTo("vpn-edge");
        assertThat(List.of(control.maxControlConnections(), control.maxCalls(), control.maxCallsPerConnection(),
                control.maxHalfOpen(), control.connectionBurstPerSource())).containsExactly(10000, 60000, 1024, 256, 20);
        assertThat(control.connectionsPerSecondPerSource()).isEqualTo(5.0);
        assertThat(control.echoInterval()).isEqualTo(Duration.ofSeconds(60));
        assertThat(control.shutdownGrace()).isEqualTo(Duration.ofSeconds(1));
        assertThat(setup.gre()).isTrue();
        assertThat(setup.pool().size()).isEqualTo(241 + 254);
        assertThat(setup.secrets().lookup("alice", "vpn-edge")).isPresent();
        assertThat(setup.admin()).isEqualTo(new InetSocketAddress("127.0.0.1", 1724));
        assertThat(setup.tun()).isEqualTo("pptpgw%d");
        assertThat(setup.tunMtu()).isEqualTo(1396);
        SessionPolicy policy = setup.policy();
        assertThat(policy.serverName()).isEqualTo("vpn-edge");
        assertThat(policy.localAddress().getHostAddress()).isEqualTo("10.0.0.1");
        assertThat(policy.authentication()).containsExactly(AuthenticationMethod.MS_CHAP_V2, AuthenticationMethod.MS_CHAP);
        assertThat(policy.ccp()).isEqualTo(new CcpSettings(CcpSettings.Mppe.REQUIRE, List.of(MppeStrength.BITS_128),
                List.of(CcpSettings.Mode.STATELESS)));
        assertThat(policy.dns()).extracting(Inet4Address::getHostAddress).containsExactly("10.0.0.1", "192.0.2.53");
        assertThat(policy.wins()).extracting(Inet4Address::getHostAddress).containsExactly("10.0.0.2");
        assertThat(policy.echoInterval()).isEqualTo(Duration.ofSeconds(10));
        assertThat(policy.echoFailures()).isEqualTo(3);
        assertThat(policy.authenticationAttempts()).isEqualTo(1);
        assertThat(settings.metrics()).as("the file's top-level endpoint").isEqualTo(
                new InetSocketAddress("127.0.0.1", 9724));
    }

    @Test
    void theFileGivesWhatTheDefaultsWouldNot() throws Exception {
        Path f = file("""
                concentrator:
                  listen: 192.0.2.1:11723
                  secrets: %s
                  pool: 10.9.0.0/30
                  name: vpn-edge
                  admin: none
                  max-calls: 20
                  auth: [pap, chap]
                  mppe: deny
                  mppe-bits: [56, 40]
                  mppe-modes: [stateful, stateless]
                  lcp-echo-interval: 0s
                  lcp-echo-failures: 5
                  auth-attempts: 3
                  tun: edge%%d
                  tun-mtu: 1400
                  metrics: 127.0.0.1:9800
                """.formatted(secrets()));
        ConcentratorCommand command = parse("concentrator", "--config", f.toString());
        ConcentratorSetup setup = command.setup();
        assertThat(setup.control().listen()).isEqualTo(new InetSocketAddress("192.0.2.1", 11723));
        assertThat(setup.control().maxCalls()).isEqualTo(20);
        assertThat(setup.pool().size()).as("a /30 without network and broadcast").isEqualTo(2);
        assertThat(setup.admin()).isNull();
        assertThat(setup.tun()).isEqualTo("edge%d");
        assertThat(setup.tunMtu()).isEqualTo(1400);
        assertThat(setup.policy().localAddress().getHostAddress()).as("the pool's first").isEqualTo("10.9.0.1");
        assertThat(setup.policy().authentication()).containsExactly(AuthenticationMethod.PAP, AuthenticationMethod.CHAP_MD5);
        assertThat(setup.policy().ccp()).isEqualTo(CcpSettings.deny());
        assertThat(setup.policy().echoInterval()).isZero();
        assertThat(setup.policy().echoFailures()).isEqualTo(5);
        assertThat(setup.policy().authenticationAttempts()).isEqualTo(3);
        assertThat(command.settings().metrics()).isEqualTo(new InetSocketAddress("127.0.0.1", 9800));

        ConcentratorSetup allow = parse("concentrator", "--config", f.toString(), "--mppe", "allow").setup();
        assertThat(allow.policy().ccp()).isEqualTo(new CcpSettings(CcpSettings.Mppe.ALLOW,
                List.of(MppeStrength.BITS_56, MppeStrength.BITS_40),
                List.of(CcpSettings.Mode.STATEFUL, CcpSettings.Mode.STATELESS)));
    }

    @Test
    void flagsOverrideTheFileKeyByKey() throws Exception {
        Path f = file("""
                metrics: 127.0.0.1:9724
                concentrator:
                  listen: 192.0.2.1
                  no-gre: true
                  name: from-file
                  pool: [10.0.0.10-10.0.0.20, 10.1.0.0/24]
                  max-calls: 100
                  max-calls-per-connection: 3
                  dns: [10.0.0.1, 10.0.0.2]
                  echo-interval: 30s
                """);
        ConcentratorCommand command = parse("concentrator", "--config", f.toString(), "--max-calls", "200",
                "--pool", "10.2.0.0/29", "--metrics", "127.0.0.1:9999", "--dns", "10.0.0.3");
        ConcentratorSettings settings = command.settings();
        assertThat(settings.pool()).as("a repeatable flag replaces the file's list as a whole")
                .containsExactly("10.2.0.0/29");
        assertThat(settings.dns()).extracting(Inet4Address::getHostAddress).containsExactly("10.0.0.3");
        assertThat(settings.metrics()).isEqualTo(new InetSocketAddress("127.0.0.1", 9999));
        ConcentratorConfig config = command.config();
        assertThat(config.maxCalls()).isEqualTo(200);
        assertThat(config.maxCallsPerConnection()).as("from the file").isEqualTo(3);
        assertThat(config.hostName()).isEqualTo("from-file");
        assertThat(config.listen()).isEqualTo(new InetSocketAddress("192.0.2.1", 1723));
        assertThat(config.echoInterval()).isEqualTo(Duration.ofSeconds(30));
        assertThat(command.pool().size()).isEqualTo(6);
        assertThat(command.setup().gre()).isFalse();
    }

    @Test
    void fileErrorsNameFileLineAndKey() throws Exception {
        assertFileError("""
                concentrator:
                  no-gre: true
                  pool:
                    - 10.0.0.10-10.0.0.20
                    - 10.1.0.0/33
                """, "concentrator.yaml line 5: concentrator.pool[1]: range '10.1.0.0/33': prefix length must be 0..32");
        assertFileError("""
                concentrator:
                  no-gre: true
                  pool: [10.0.0.0/24, 10.0.0.5]
                """, "concentrator.yaml line 3: concentrator.pool[1]: range '10.0.0.5' overlaps 10.0.0.1-10.0.0.254");
        assertFileError("concentrator:\n  no-gre: true\n  pool: 10.0.0.9-10.0.0.1\n",
                "concentrator.yaml line 3: concentrator.pool: range '10.0.0.9-10.0.0.1': the last address is below the first");
        assertFileError("concentrator:\n  no-gre: true\n  max-calls: 0\n",
                "concentrator.yaml line 3: concentrator.max-calls: maxCalls must be 1..65536, got 0");
        assertFileError("concentrator:\n  max-calls: many\n",
                "concentrator.yaml line 2: concentrator.max-calls: 'many' is not an integer");
        assertFileError("concentrator:\n  no-gre: true\n  listen: vpn.example:1723\n",
                "concentrator.yaml line 3: concentrator.listen: 'vpn.example:1723': 'vpn.example' is not an IPv4 address");
        assertFileError("concentrator:\n  dns: [10.0.0.1, 10.0.0.x]\n",
                "concentrator.yaml line 2: concentrator.dns[1]: '10.0.0.x' is not an IPv4 address");
        assertFileError("concentrator:\n  no-gre: true\n  admin: localhost\n",
                "concentrator.yaml line 3: concentrator.admin: 'localhost' is not HOST:PORT");
        assertFileError("concentrator:\n  no-gre: true\n  tun-mtu: 9000\n",
                "concentrator.yaml line 3: concentrator.tun-mtu: 9000 is not in 576..1500");
        assertFileError("concentrator:\n  no-gre: true\n  secrets: " + dir.resolve("missing") + "\n",
                "concentrator.yaml line 3: concentrator.secrets: cannot read " + dir.resolve("missing"));
        assertFileError("concentrator:\n  pol: 10.0.0.0/24\n", "concentrator.yaml line 2: concentrator.pol: unknown key; "
                + "known keys here: admin, auth, auth-attempts, connection-burst, connection-rate, dns, echo-interval, "
                + "lcp-echo-failures, lcp-echo-interval, listen, local-address, max-calls, max-calls-per-connection, "
                + "max-connections, max-half-open, metrics, mppe, mppe-bits, mppe-modes, name, no-gre, pool, secrets, "
                + "shutdown-grace, tun, tun-mtu, wins");
        assertFileError("nat-helper:\n  transparent: true\n", "concentrator.yaml line 1: no concentrator section");

        // Keys that only PPP sessions read, with GRE on: a secrets file and a pool are needed first.
        String sessions = "concentrator:\n  secrets: " + secrets() + "\n  pool: 10.0.0.0/24\n";
        assertFileError(sessions + "  auth: [mschapv2, eap]\n",
                "concentrator.yaml line 4: concentrator.auth[1]: 'eap' is not one of mschapv2, mschap, chap, pap");
        assertFileError(sessions + "  auth: [mschapv2, mschapv2]\n",
                "concentrator.yaml line 4: concentrator.auth[1]: MS_CHAP_V2 is listed twice");
        assertFileError(sessions + "  mppe: always\n",
                "concentrator.yaml line 4: concentrator.mppe: 'always' is not one of require, allow, deny");
        assertFileError(sessions + "  mppe-bits: [128, 64]\n",
                "concentrator.yaml line 4: concentrator.mppe-bits[1]: '64' is not one of 128, 56, 40");
        assertFileError(sessions + "  auth: pap\n", "concentrator.yaml line 2: concentrator.mppe: MPPE is required "
                + "but none of [PAP] yields MPPE keys");
        assertFileError(sessions + "  wins: [10.0.0.1, 10.0.0.2, 10.0.0.3]\n",
                "concentrator.yaml line 4: concentrator.wins: at most two servers (RFC 1877), got 3");
        assertFileError(sessions + "  lcp-echo-failures: 0\n",
                "concentrator.yaml line 4: concentrator.lcp-echo-failures: 0 is below 1");
        // A key the file leaves out is reported at the section.
        assertFileError("concentrator:\n  listen: 10.0.0.1\n", "concentrator.yaml line 2: concentrator.pool: "
                + "PPP sessions need addresses: give at least one range (or no-gre for the control plane alone)");
    }

    @Test
    void aFlagsErrorNamesTheFlagEvenOverAFile() throws Exception {
        Path good = file("concentrator:\n  no-gre: true\n  pool: 10.0.0.0/24\n");
        assertThatThrownBy(() -> parse("concentrator", "--config", good.toString(), "--pool", "10.0.0.1/33").pool())
                .isInstanceOf(CommandLine.ParameterException.class)
                .hasMessage("--pool: range '10.0.0.1/33': prefix length must be 0..32");
        Path f = file("concentrator:\n  no-gre: true\n  pool: 10.0.0.0/24\n  max-calls: 0\n");
        // The flag fixes the file's bad key: nothing to report.
        assertThat(parse("concentrator", "--config", f.toString(), "--max-calls", "7").config().maxCalls()).isEqualTo(7);
        // Through the executable: exit status 2, the message on stderr, nothing started.
        StringWriter err = new StringWriter();
        int status = Main.commandLine().setErr(new PrintWriter(err)).execute("concentrator", "--config", f.toString());
        assertThat(status).as(err.toString()).isEqualTo(2);
        assertThat(err.toString()).contains("concentrator.yaml line 4: concentrator.max-calls: maxCalls must be 1..65536");
    }

    private void assertFileError(String yaml, String message) throws IOException {
        Path f = file(yaml);
        assertThatThrownBy(() -> parse("concentrator", "--config", f.toString()).setup())
                .isInstanceOf(CommandLine.ParameterException.class)
                .hasMessageStartingWith(message);
    }

    private static Object read(RecordComponent component, Record record) {
        try {
            return component.getAccessor().invoke(record);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    private static String kebab(String camel) {
        return camel.replaceAll("([A-Z])", "-$1").toLowerCase(java.util.Locale.ROOT);
    }
}
