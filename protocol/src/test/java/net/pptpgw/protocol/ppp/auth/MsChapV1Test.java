package net.pptpgw.protocol.ppp.auth;

import static net.pptpgw.protocol.ppp.auth.MsChapV2Test.hex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/**
 * MS-CHAP (RFC 2433) vectors.
 *
 * <p>The NT values are RFC 2433's Appendix B hash example (password "MyPw", challenge
 * 102DB5DF085D3041). RFC 2433 gives no LAN Manager example: those values were computed once
 * with OpenSSL's DES (des-ecb, keys expanded as RFC 2759 §9.3 shows), and
 * LmPasswordHash("clientPass") is also the value RFC 3079 §2.5 starts from.
 */
class MsChapV1Test {

    static final byte[] CHALLENGE = hex("102DB5DF085D3041");

    @Test
    void ntPasswordHash() {
        assertThat(MsChapV1.ntPasswordHash("MyPw")).isEqualTo(hex("FC156AF7EDCD6C0EDDE3337D427F4EAC"));
    }

    @Test
    void ntChallengeResponse() {
        assertThat(MsChapV1.ntChallengeResponse(CHALLENGE, "MyPw"))
                .isEqualTo(hex("4E9D3C8F9CFD385D5BF4D3246791956CA4C351AB409A3D61"));
    }

    @Test
    void lmPasswordHash() {
        assertThat(MsChapV1.lmPasswordHash("MyPw")).isEqualTo(hex("75BA30198E6D1975AAD3B435B51404EE"));
        assertThat(MsChapV1.lmPasswordHash("clientPass")).isEqualTo(hex("76A152936096D7830E2390227404AFD2"));
    }

    @Test
    void lmPasswordHashIgnoresCaseAndCutsAt14() {
        assertThat(MsChapV1.lmPasswordHash("mypw")).isEqualTo(MsChapV1.lmPasswordHash("MYPW"));
        assertThat(MsChapV1.lmPasswordHash("abcdefghijklmnXYZ")).isEqualTo(MsChapV1.lmPasswordHash("ABCDEFGHIJKLMN"));
    }

    @Test
    void lmChallengeResponse() {
        assertThat(MsChapV1.lmChallengeResponse(CHALLENGE, "MyPw"))
                .isEqualTo(hex("91881D0152AB0C33C524135EC24A95EE64E23CDC2D33347D"));
    }

    @Test
    void challengeResponseChecksSizes() {
        assertThatThrownBy(() -> MsChapV1.challengeResponse(new byte[7], new byte[16]))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> MsChapV1.challengeResponse(new byte[8], new byte[15]))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
