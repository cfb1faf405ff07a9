package net.pptpgw.protocol.ppp.session;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import net.pptpgw.protocol.ppp.fsm.AutomatonConfig;
import net.pptpgw.protocol.ppp.fsm.CcpSettings;
import net.pptpgw.protocol.ppp.fsm.IpcpSettings;
import net.pptpgw.protocol.ppp.fsm.LcpSettings;

/**
 * Everything a {@link PppSession} is told before it starts.
 *
 * @param role authenticator (SERVER) or authenticated peer (CLIENT)
 * @param lcp LCP wishes; its authentication lists decide which methods run
 * @param ipcp IPCP wishes
 * @param ccp the MPPE policy
 * @param automaton Restart timer and counters, for LCP, IPCP, CCP and the authentication retransmissions
 * @param localName our name in CHAP Challenges (server) — RFC 1994 §4.1 Name field
 * @param credentials the user name and password a client authenticates with
 * @param secrets the server's user database
 * @param authenticationAttempts Responses (or PAP Authenticate-Requests) a server judges before it
 *     gives up: 1 means a single try, as pppd; more lets the peer retry: MS-CHAP and MS-CHAPv2
 *     Failures then say {@code R=1} with the next challenge in {@code C=} (RFC 2433, RFC 2759 §6),
 *     CHAP-MD5 gets a new Challenge, PAP a new Authenticate-Request
 * @param echoInterval LCP Echo-Request period when nothing arrives (RFC 1661 §5.8); zero for none
 * @param echoFailures unanswered Echo-Requests after which the link is declared dead
 */
public record PppSessionConfig(
        Role role,
        LcpSettings lcp,
        IpcpSettings ipcp,
        CcpSettings ccp,
        AutomatonConfig automaton,
        String localName,
        Optional<Credentials> credentials,
        Optional<SecretsLookup> secrets,
        int authenticationAttempts,
        Duration echoInterval,
        int echoFailures) {

    /**
     * A client's user name and password.
     *
     * @param retryPasswords passwords to try, in order, after the server refused one but let us
     *     retry (MS-CHAP/MS-CHAPv2 Failure with {@code R=1}, RFC 2433/2759 §6; a CHAP-MD5 or PAP
     *     server that sends a new Challenge or accepts a new Authenticate-Request): what a user
     *     typing the password again would give. Empty (the default): the first refusal ends the link.
     */
    public record Credentials(String user, String password, List<String> retryPasswords) {
        public Credentials {
            Objects.requireNonNull(user, "user");
            Objects.requireNonNull(password, "password");
            retryPasswords = List.copyOf(retryPasswords);
        }

        public Credentials(String user, String password) {
            this(user, password, List.of());
        }

        public Credentials withRetryPasswords(String... passwords) {
            return new Credentials(user, password, List.of(passwords));
        }

        @Override
        public String toString() {
            return "Credentials[" + user + "]";
        }
    }

    public PppSessionConfig {
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(lcp, "lcp");
        Objects.requireNonNull(ipcp, "ipcp");
        Objects.requireNonNull(ccp, "ccp");
        Objects.requireNonNull(automaton, "automaton");
        Objects.requireNonNull(localName, "localName");
        Objects.requireNonNull(echoInterval, "echoInterval");
        if (!lcp.authenticatePeerWith().isEmpty() && secrets.isEmpty()) {
            throw new IllegalArgumentException("authenticating the peer needs a SecretsLookup");
        }
        if (!lcp.authenticateToPeerWith().isEmpty() && credentials.isEmpty()) {
            throw new IllegalArgumentException("authenticating to the peer needs Credentials");
        }
        if (authenticationAttempts < 1 || echoFailures < 1 || echoInterval.isNegative()) {
            throw new IllegalArgumentException("need authenticationAttempts >= 1, echoFailures >= 1, echoInterval >= 0");
        }
    }

    public PppSessionConfig withCcp(CcpSettings ccp) {
        return new PppSessionConfig(role, lcp, ipcp, ccp, automaton, localName, credentials, secrets,
                authenticationAttempts, echoInterval, echoFailures);
    }

    public PppSessionConfig withLcp(LcpSettings lcp) {
        return new PppSessionConfig(role, lcp, ipcp, ccp, automaton, localName, credentials, secrets,
                authenticationAttempts, echoInterval, echoFailures);
    }

    public PppSessionConfig withCredentials(Credentials credentials) {
        return new PppSessionConfig(role, lcp, ipcp, ccp, automaton, localName, Optional.of(credentials), secrets,
                authenticationAttempts, echoInterval, echoFailures);
    }

    public PppSessionConfig withAuthenticationAttempts(int attempts) {
        return new PppSessionConfig(role, lcp, ipcp, ccp, automaton, localName, credentials, secrets,
                attempts, echoInterval, echoFailures);
    }

    public PppSessionConfig withEcho(Duration interval, int failures) {
        return new PppSessionConfig(role, lcp, ipcp, ccp, automaton, localName, credentials, secrets,
                authenticationAttempts, interval, failures);
    }
}
