package net.pptpgw.concentrator.session;

import java.net.Inet4Address;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import net.pptpgw.protocol.ppp.fsm.AuthenticationMethod;
import net.pptpgw.protocol.ppp.fsm.CcpSettings;

/**
 * What every PPP session of a concentrator is told; a record so that a configuration file can
 * be bound to it.
 *
 * @param serverName our name: CHAP's Name field (RFC 1994 §4.1) and the server column of chap-secrets
 * @param localAddress our end of every PPP link (IPCP IP-Address, RFC 1332 §3.3), also the TUN's address
 * @param authentication methods asked of the peer, preferred first; the engine follows a peer's Nak down the list
 * @param ccp MPPE required, allowed or refused, and the strengths allowed
 * @param dns DNS servers offered to peers that ask (RFC 1877), 0..2
 * @param wins NBNS (WINS) servers offered likewise, 0..2
 * @param echoInterval LCP Echo-Request period on a silent link (RFC 1661 §5.8); zero for none
 * @param echoFailures unanswered Echo-Requests that end the session
 * @param authenticationAttempts MS-CHAPv2 Responses judged before the session ends (RFC 2759 §6 retries)
 */
public record SessionPolicy(
        String serverName,
        Inet4Address localAddress,
        List<AuthenticationMethod> authentication,
        CcpSettings ccp,
        List<Inet4Address> dns,
        List<Inet4Address> wins,
        Duration echoInterval,
        int echoFailures,
        int authenticationAttempts) {

    public SessionPolicy {
        Objects.requireNonNull(serverName, "serverName");
        Objects.requireNonNull(localAddress, "localAddress");
        Objects.requireNonNull(ccp, "ccp");
        Objects.requireNonNull(echoInterval, "echoInterval");
        authentication = List.copyOf(authentication);
        dns = List.copyOf(dns);
        wins = List.copyOf(wins);
        if (authentication.isEmpty()) {
            throw new IllegalArgumentException("at least one authentication method is needed");
        }
        if (ccp.mppe() == CcpSettings.Mppe.REQUIRE && authentication.stream().noneMatch(AuthenticationMethod::derivesMppeKeys)) {
            throw new IllegalArgumentException("MPPE is required but none of " + authentication
                    + " yields MPPE keys (RFC 3079: MS-CHAP or MS-CHAPv2)");
        }
        if (dns.size() > 2 || wins.size() > 2) {
            throw new IllegalArgumentException("IPCP offers at most two DNS and two WINS servers (RFC 1877)");
        }
        if (echoFailures < 1 || authenticationAttempts < 1 || echoInterval.isNegative()) {
            throw new IllegalArgumentException("need echoFailures >= 1, authenticationAttempts >= 1, echoInterval >= 0");
        }
    }

    /** MS-CHAPv2 then MS-CHAP, MPPE-128 required (stateless), echo every 10 s, 3 failures, one attempt. */
    public static SessionPolicy defaults(String serverName, Inet4Address localAddress) {
        return new SessionPolicy(serverName, localAddress,
                List.of(AuthenticationMethod.MS_CHAP_V2, AuthenticationMethod.MS_CHAP),
                CcpSettings.require128Stateless(), List.of(), List.of(), Duration.ofSeconds(10), 3, 1);
    }
}
