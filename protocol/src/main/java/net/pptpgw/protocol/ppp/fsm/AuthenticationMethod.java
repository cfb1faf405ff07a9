package net.pptpgw.protocol.ppp.fsm;

import java.util.Optional;
import net.pptpgw.protocol.ppp.lcp.ChapAlgorithm;
import net.pptpgw.protocol.ppp.lcp.LcpOption.AuthenticationProtocol;

/**
 * The authentication methods LCP can agree on (RFC 1661 §6.2): the protocol, and for CHAP the
 * Algorithm octet that tells MD5, MS-CHAP and MS-CHAPv2 apart (RFC 1994 §3.1, RFC 2433 §2, RFC
 * 2759 §2).
 */
public enum AuthenticationMethod {

    /** PAP, RFC 1334: the password in clear; no MPPE keys. */
    PAP(AuthenticationProtocol.pap()),
    /** CHAP with MD5, RFC 1994; no MPPE keys. */
    CHAP_MD5(AuthenticationProtocol.chap(ChapAlgorithm.MD5)),
    /** MS-CHAP (version 1), RFC 2433; MPPE keys per RFC 3079. */
    MS_CHAP(AuthenticationProtocol.chap(ChapAlgorithm.MS_CHAP)),
    /** MS-CHAPv2, RFC 2759; MPPE keys per RFC 3079. What Windows clients use. */
    MS_CHAP_V2(AuthenticationProtocol.chap(ChapAlgorithm.MS_CHAP_V2));

    private final AuthenticationProtocol option;
    /** {@link #of} answers with these: every session's LCP agreement holds one (issue 5). */
    private final Optional<AuthenticationMethod> asOptional = Optional.of(this);

    AuthenticationMethod(AuthenticationProtocol option) {
        this.option = option;
    }

    /** The Authentication-Protocol option that asks for this method. */
    public AuthenticationProtocol option() {
        return option;
    }

    /** Whether the method yields the keys MPPE derives its session keys from (RFC 3079 §2-3). */
    public boolean derivesMppeKeys() {
        return this == MS_CHAP || this == MS_CHAP_V2;
    }

    /**
     * The method an Authentication-Protocol option asks for, if it is one of these: PAP with no
     * data, or CHAP with exactly one known Algorithm octet.
     */
    public static Optional<AuthenticationMethod> of(AuthenticationProtocol option) {
        for (AuthenticationMethod method : values()) {
            if (method.option.equals(option)) {
                return method.asOptional;
            }
        }
        return Optional.empty();
    }

    /** A readable name for an option that may not be one of these methods. */
    static String describe(AuthenticationProtocol option) {
        return of(option).map(Enum::name).orElseGet(() -> String.format("protocol 0x%04x data %s",
                option.protocol(), option.data()));
    }
}
