package net.pptpgw.protocol.ppp.mppe;

import static net.pptpgw.protocol.ppp.mppe.MppeKeyDerivationTest.hex;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class MppeSessionKeyTest {

    static final byte[] START_KEY = hex("8B7CDC149B993A1BA118CB153F56DCCB");

    @Test
    void startsWithTheRfc3079SessionKey() {
        assertThat(new MppeSessionKey(START_KEY, MppeKeyStrength.BITS_128).currentKey())
                .isEqualTo(hex("405CB2247A7956E6E211007AE27B22D4"));
        assertThat(new MppeSessionKey(START_KEY, MppeKeyStrength.BITS_40).currentKey())
                .isEqualTo(hex("D1269EC49FA62E3E"));
        assertThat(new MppeSessionKey(START_KEY, MppeKeyStrength.BITS_56).currentKey())
                .isEqualTo(hex("D15C00C49FA62E3E"));
    }

    /**
     * RFC 3078 §7.3 written out a second way: GetNewKeyFromSHA with its own SHA-1, then the
     * JDK's ARCFOUR (not this package's RC4) over the interim key, then the reduction.
     */
    @ParameterizedTest
    @EnumSource(MppeKeyStrength.class)
    void keyChangesFollowRfc3078(MppeKeyStrength strength) throws Exception {
        MppeSessionKey key = new MppeSessionKey(START_KEY, strength);
        int length = strength.sessionKeyLength();
        byte[] start = Arrays.copyOf(START_KEY, length);
        byte[] expected = key.currentKey();
        for (int change = 0; change < 300; change++) {
            byte[] interim = MppeKeyDerivation.getNewKeyFromSha(start, expected, length);
            Cipher arcfour = Cipher.getInstance("ARCFOUR");
            arcfour.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(interim, "ARCFOUR"));
            expected = arcfour.doFinal(interim);
            strength.reduce(expected);

            key.change();
            assertThat(key.currentKey()).as("after change %d", change + 1).isEqualTo(expected);
        }
    }

    @Test
    void keysTheCipherWithTheCurrentKey() {
        MppeSessionKey key = new MppeSessionKey(START_KEY, MppeKeyStrength.BITS_128);
        Rc4 cipher = new Rc4();
        key.keyCipher(cipher);
        byte[] message = "test message".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        cipher.process(message, 0, message.length);
        assertThat(message).isEqualTo(hex("81848317DF68846272FB5ABE"));
    }

    @Test
    void changesKeyWithoutAllocating() {
        MppeSessionKey key = new MppeSessionKey(START_KEY, MppeKeyStrength.BITS_128);
        Rc4 cipher = new Rc4();
        double perChange = Allocations.bytesPerRun(20_000, 100_000, () -> {
            key.change();
            key.keyCipher(cipher);
        });
        assertThat(perChange).as("bytes allocated per key change").isLessThan(1.0);
    }
}
