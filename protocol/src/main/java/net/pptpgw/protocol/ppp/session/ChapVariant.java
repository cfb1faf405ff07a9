package net.pptpgw.protocol.ppp.session;

import net.pptpgw.protocol.ppp.fsm.AuthenticationMethod;

/** The three CHAP algorithms (RFC 1994, RFC 2433, RFC 2759) and their Challenge sizes. */
enum ChapVariant {
    /** RFC 1994: any Challenge length; 16 octets as pppd sends. */
    MD5(16),
    /** RFC 2433 §: the Challenge is 8 octets. */
    MS_CHAP(8),
    /** RFC 2759 §4: the Authenticator Challenge is 16 octets. */
    MS_CHAP_V2(16);

    final int challengeLength;

    ChapVariant(int challengeLength) {
        this.challengeLength = challengeLength;
    }

    static ChapVariant of(AuthenticationMethod method) {
        return switch (method) {
            case CHAP_MD5 -> MD5;
            case MS_CHAP -> MS_CHAP;
            case MS_CHAP_V2 -> MS_CHAP_V2;
            case PAP -> throw new IllegalArgumentException("PAP is not CHAP");
        };
    }
}
