package net.pptpgw.protocol.ppp.auth;

import net.pptpgw.protocol.Octets;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/**
 * RFC 2759 §9.2 (hash example) and §9.3 (DES key expansion) vectors.
 *
 * <p>The RFC text could not be fetched on the build machine; the values are as several
 * independent MS-CHAPv2 implementations quote §9.2/§9.3, and were recomputed once with OpenSSL's
 * MD4 and DES and Python's SHA-1 (all agree).
 */
class MsChapV2Test {

    static final byte[] USER_NAME = "User".getBytes(StandardCharsets.US_ASCII);
    static final String PASSWORD = "clientPass";
    static final byte[] AUTHENTICATOR_CHALLENGE = hex("5B5D7C7D7B3F2F3E3C2C602132262628");
    static final byte[] PEER_CHALLENGE = hex("21402324255E262A28295F2B3A337C7E");
    static final byte[] NT_RESPONSE = hex("82309ECD8D708B5EA08FAA3981CD83544233114A3D85D6DF");

    @Test
    void passwordIsHashedAsUtf16LittleEndian() {
        assertThat("clientPass".getBytes(StandardCharsets.UTF_16LE))
                .isEqualTo(hex("63006C00690065006E0074005000610073007300"));
    }

    @Test
    void challengeHash() {
        assertThat(MsChapV2.challengeHash(PEER_CHALLENGE, AUTHENTICATOR_CHALLENGE, USER_NAME))
                .isEqualTo(hex("D02E4386BCE91226"));
    }

    @Test
    void ntPasswordHash() {
        assertThat(MsChapV2.ntPasswordHash(PASSWORD)).isEqualTo(hex("44EBBA8D5312B8D611474411F56989AE"));
    }

    @Test
    void generateNtResponse() {
        assertThat(MsChapV2.generateNtResponse(AUTHENTICATOR_CHALLENGE, PEER_CHALLENGE, USER_NAME, PASSWORD))
                .isEqualTo(NT_RESPONSE);
    }

    @Test
    void hashNtPasswordHash() {
        assertThat(MsChapV2.hashNtPasswordHash(MsChapV2.ntPasswordHash(PASSWORD)))
                .isEqualTo(hex("41C00C584BD2D91C4017A2A12FA59F3F"));
    }

    @Test
    void generateAuthenticatorResponse() {
        byte[] response = MsChapV2.generateAuthenticatorResponse(PASSWORD, NT_RESPONSE, PEER_CHALLENGE,
                AUTHENTICATOR_CHALLENGE, USER_NAME);
        assertThat(MsChapSuccess.of(response, "").format().utf8())
                .isEqualTo("S=407A5589115FD0D6209F510FE9C04566932CDA56");
    }

    @Test
    void authenticatorResponseFromStoredHashIsTheSame() {
        assertThat(MsChapV2.generateAuthenticatorResponse(MsChapV2.ntPasswordHash(PASSWORD), NT_RESPONSE,
                PEER_CHALLENGE, AUTHENTICATOR_CHALLENGE, USER_NAME))
                .isEqualTo(hex("407A5589115FD0D6209F510FE9C04566932CDA56"));
    }

    @Test
    void checkAuthenticatorResponseAcceptsTheRightOneOnly() {
        Octets right = Octets.fromHex("407A5589115FD0D6209F510FE9C04566932CDA56");
        Octets wrong = Octets.fromHex("407A5589115FD0D6209F510FE9C04566932CDA57");
        assertThat(MsChapV2.checkAuthenticatorResponse(PASSWORD, NT_RESPONSE, PEER_CHALLENGE,
                AUTHENTICATOR_CHALLENGE, USER_NAME, right)).isTrue();
        assertThat(MsChapV2.checkAuthenticatorResponse(PASSWORD, NT_RESPONSE, PEER_CHALLENGE,
                AUTHENTICATOR_CHALLENGE, USER_NAME, wrong)).isFalse();
        assertThat(MsChapV2.checkAuthenticatorResponse("clientpass", NT_RESPONSE, PEER_CHALLENGE,
                AUTHENTICATOR_CHALLENGE, USER_NAME, right)).isFalse();
    }

    /** §8.2: only the user name, without a prepended domain, goes into the challenge hash. */
    @Test
    void domainIsDroppedFromTheUserName() {
        byte[] withDomain = "CORP\\User".getBytes(StandardCharsets.US_ASCII);
        assertThat(MsChapV2.challengeHash(PEER_CHALLENGE, AUTHENTICATOR_CHALLENGE, withDomain))
                .isEqualTo(hex("D02E4386BCE91226"));
        assertThat(MsChapV2.generateNtResponse(AUTHENTICATOR_CHALLENGE, PEER_CHALLENGE, withDomain, PASSWORD))
                .isEqualTo(NT_RESPONSE);
    }

    /** §9.3: the 7-octet halves of NtPasswordHash("MyPw") expanded to DES keys with odd parity. */
    @Test
    void desKeyExpansionAddsOddParity() {
        assertThat(Digests.expandDesKey(hex("FC156AF7EDCD6C"), 0)).isEqualTo(hex("FD0B5B5E7F6E34D9"));
        assertThat(Digests.expandDesKey(hex("0EDDE3337D427F"), 0)).isEqualTo(hex("0E6E796737EA08FE"));
        for (byte b : Digests.expandDesKey(hex("00000000000000"), 0)) {
            assertThat(Integer.bitCount(b & 0xff) % 2).isEqualTo(1);
        }
    }

    /** DesEncrypt is single DES under the expanded key: checked against OpenSSL once (des-ecb, key FD0B5B5E7F6E34D9). */
    @Test
    void desEncrypt() {
        byte[] clear = hex("102DB5DF085D3041");
        assertThat(MsChapV2.desEncrypt(clear, hex("FC156AF7EDCD6C"))).isEqualTo(hex("4E9D3C8F9CFD385D"));
    }

    static byte[] hex(String digits) {
        return HexFormat.of().parseHex(digits);
    }
}
