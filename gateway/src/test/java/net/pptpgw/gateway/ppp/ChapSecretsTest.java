package net.pptpgw.gateway.ppp;

import static org.assertj.core.api.Assertions.assertThat;

import net.pptpgw.protocol.ppp.session.Secret;
import org.junit.jupiter.api.Test;

class ChapSecretsTest {

    static final String FILE = """
            # Secrets for authentication using CHAP
            # client        server  secret                  IP addresses
            alice           pptpd   "pass word"             *
            bob             other   bobsecret               10.0.0.5
            "carol"         *       carol1    # comment
            *               pptpd   fallback
            """;

    @Test
    void matchesClientAndServerWithWildcardsAndQuotes() {
        ChapSecrets secrets = ChapSecrets.parse(FILE, "pptpd");
        assertThat(secrets.lookup("alice")).contains(new Secret.Password("pass word"));
        assertThat(secrets.lookup("carol")).contains(new Secret.Password("carol1"));
        assertThat(secrets.lookup("bob")).contains(new Secret.Password("fallback"));
        assertThat(ChapSecrets.parse(FILE, "other").lookup("bob")).contains(new Secret.Password("bobsecret"));
        assertThat(ChapSecrets.parse(FILE, "other").lookup("alice")).isEmpty();
    }
}
