package net.pptpgw.protocol.ppp.auth;

import net.pptpgw.protocol.Octets;
import static net.pptpgw.protocol.ppp.auth.MsChapV2Test.hex;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** RFC 1994 §4.1: Response Value = MD5(Identifier || secret || Challenge Value). */
class ChapMd5Test {

    static final byte[] SECRET = "pptp-secret".getBytes(StandardCharsets.US_ASCII);
    static final byte[] CHALLENGE = hex("00112233445566778899AABBCCDDEEFF");

    /**
     * Expected value computed once, independently of this code, with
     * {@code printf '\x2apptp-secret\x00\x11...\xff' | openssl dgst -md5}.
     */
    @Test
    void responseIsMd5OfIdentifierSecretChallenge() {
        assertThat(ChapMd5.response(0x2a, SECRET, CHALLENGE)).isEqualTo(hex("B6E36C50FC8B889D9B4636BA777814D0"));
    }

    @Test
    void verifyAcceptsTheRightResponseOnly() {
        Octets right = Octets.fromHex("B6E36C50FC8B889D9B4636BA777814D0");
        assertThat(ChapMd5.verify(0x2a, SECRET, CHALLENGE, right)).isTrue();
        assertThat(ChapMd5.verify(0x2b, SECRET, CHALLENGE, right)).isFalse();
        assertThat(ChapMd5.verify(0x2a, SECRET, CHALLENGE, Octets.fromHex("B6E36C50"))).isFalse();
    }
}
