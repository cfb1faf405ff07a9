package net.pptpgw.gateway.ppp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import net.pptpgw.gateway.Main;
import net.pptpgw.protocol.ppp.fsm.AuthenticationMethod;
import net.pptpgw.protocol.ppp.fsm.CcpSettings;
import net.pptpgw.protocol.ppp.fsm.MppeStrength;
import net.pptpgw.protocol.ppp.session.PppSessionConfig;
import net.pptpgw.protocol.ppp.session.Role;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** How {@code pptp-gateway ppp} turns its flags and pppd's arguments into a session configuration. */
class PppCommandTest {

    static PppCommand parse(String... args) {
        CommandLine line = Main.commandLine();
        CommandLine.ParseResult result = line.parseArgs(args);
        return (PppCommand) result.subcommand().commandSpec().userObject();
    }

    @Test
    void serverAsPptpdStartsIt(@TempDir Path dir) throws Exception {
        Path secrets = Files.writeString(dir.resolve("chap-secrets"), "alice * pw *\n");
        PppCommand command = parse("ppp", "--secrets", secrets.toString(), "--mppe-bits", "40,128", "--stateless",
                "local", "file", "/etc/ppp/options.pptpd", "115200", "10.0.0.1:10.0.0.9", "ipparam", "192.0.2.2",
                "remotenumber", "192.0.2.2");
        PppSessionConfig config = command.config();
        assertThat(config.role()).isEqualTo(Role.SERVER);
        assertThat(config.lcp().authenticatePeerWith()).containsExactly(AuthenticationMethod.MS_CHAP_V2);
        assertThat(config.ipcp().localAddress().orElseThrow().getHostAddress()).isEqualTo("10.0.0.1");
        assertThat(config.ipcp().peerAddress().orElseThrow().getHostAddress()).isEqualTo("10.0.0.9");
        assertThat(config.ccp()).isEqualTo(new CcpSettings(CcpSettings.Mppe.REQUIRE,
                List.of(MppeStrength.BITS_128, MppeStrength.BITS_40), List.of(CcpSettings.Mode.STATELESS)));
        assertThat(config.secrets().orElseThrow().lookup("alice")).isPresent();
    }

    @Test
    void clientBehindPptp(@TempDir Path dir) throws Exception {
        Path password = Files.writeString(dir.resolve("pw"), "secret\n");
        PppSessionConfig config = parse("ppp", "--role", "client", "--user", "bob", "--password-file",
                password.toString(), "--auth", "mschap,pap", "--mppe", "allow").config();
        assertThat(config.role()).isEqualTo(Role.CLIENT);
        assertThat(config.credentials().orElseThrow().password()).isEqualTo("secret");
        assertThat(config.lcp().authenticateToPeerWith())
                .containsExactly(AuthenticationMethod.MS_CHAP, AuthenticationMethod.PAP);
        assertThat(config.ccp().mppe()).isEqualTo(CcpSettings.Mppe.ALLOW);
        assertThat(config.credentials().orElseThrow().retryPasswords()).isEmpty();
    }

    @Test
    void furtherPasswordLinesAreRetriesAndTheServerCanAllowThem(@TempDir Path dir) throws Exception {
        Path password = Files.writeString(dir.resolve("pw"), "old secret\nnew secret\n");
        PppSessionConfig client = parse("ppp", "--role", "client", "--user", "bob", "--password-file",
                password.toString()).config();
        assertThat(client.credentials().orElseThrow().password()).isEqualTo("old secret");
        assertThat(client.credentials().orElseThrow().retryPasswords()).containsExactly("new secret");

        Path secrets = Files.writeString(dir.resolve("chap-secrets"), "alice * pw *\n");
        PppSessionConfig server = parse("ppp", "--secrets", secrets.toString(), "--auth-attempts", "3",
                "--local", "10.0.0.1", "--remote", "10.0.0.2").config();
        assertThat(server.authenticationAttempts()).isEqualTo(3);
        assertThat(parse("ppp", "--secrets", secrets.toString(), "--local", "10.0.0.1", "--remote", "10.0.0.2")
                .config().authenticationAttempts()).isEqualTo(1);
    }

    @Test
    void serverWithoutAddressesIsRefused(@TempDir Path dir) throws Exception {
        Path secrets = Files.writeString(dir.resolve("chap-secrets"), "alice * pw *\n");
        assertThatThrownBy(() -> parse("ppp", "--secrets", secrets.toString()).config())
                .hasMessageContaining("addresses");
        assertThatThrownBy(() -> parse("ppp", "--auth", "kerberos").config()).hasMessageContaining("kerberos");
    }
}
