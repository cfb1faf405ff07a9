package net.pptpgw.gateway.ppp;

import java.util.List;
import net.pptpgw.gateway.config.ConfigValues;
import net.pptpgw.protocol.ppp.fsm.AuthenticationMethod;
import net.pptpgw.protocol.ppp.fsm.CcpSettings;
import picocli.CommandLine.Option;

/**
 * The authentication and MPPE flags of every command that runs PPP sessions from the command
 * line ({@code ppp}, {@code loadgen}), as a picocli {@code @Mixin}: one spelling, one set of
 * defaults and one parser for both. The concentrator has its own: its flags have no picocli
 * defaults, so that its configuration file can fill the ones left out.
 */
public final class PppSessionOptions {

    @Option(names = "--auth", split = ",", defaultValue = "mschapv2",
            description = "Methods we accept, preferred first: pap, chap, mschap, mschapv2 (default ${DEFAULT-VALUE}).")
    List<String> auth;

    @Option(names = "--mppe", defaultValue = "require", description = "require, allow or deny (default ${DEFAULT-VALUE}).")
    String mppe;

    @Option(names = "--mppe-bits", split = ",", defaultValue = "128", description = "40, 56, 128 (default ${DEFAULT-VALUE}).")
    List<Integer> mppeBits;

    /** {@code --auth} in preference order; an unknown name is an {@link IllegalArgumentException}. */
    public List<AuthenticationMethod> authenticationMethods() {
        return auth.stream().map(ConfigValues::authenticationMethod).toList();
    }

    /** {@code --mppe} and {@code --mppe-bits}, offering or accepting the MPPE {@code modes} given, preferred first. */
    public CcpSettings ccp(List<CcpSettings.Mode> modes) {
        return ConfigValues.ccp(mppe, mppeBits.stream().map(String::valueOf).toList(), modes);
    }
}
