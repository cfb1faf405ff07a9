package net.pptpgw.protocol.ppp.auth;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.digests.MD4Digest;

/**
 * The primitives MS-CHAP is built from: MD4 (BouncyCastle: the JDK has it but does not register
 * it), MD5, SHA-1 and single DES (the JDK).
 */
final class Digests {

    private Digests() {}

    static byte[] md4(byte[] data) {
        MD4Digest md4 = new MD4Digest();
        md4.update(data, 0, data.length);
        byte[] hash = new byte[md4.getDigestSize()];
        md4.doFinal(hash, 0);
        return hash;
    }

    static MessageDigest sha1() {
        return digest("SHA-1");
    }

    static MessageDigest md5() {
        return digest("MD5");
    }

    private static final ThreadLocal<Cipher> DES = ThreadLocal.withInitial(() -> {
        try {
            return Cipher.getInstance("DES/ECB/NoPadding");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK's DES/ECB/NoPadding is unavailable", e);
        }
    });

    /**
     * DES in ECB mode of one 8-octet block under a 7-octet key, as RFC 2759 §8.6 and RFC 2433
     * (DesEncrypt) use it: the 56 key bits are spread over 8 octets, each with an odd-parity low
     * bit (RFC 2759 §9.3 shows the expansion).
     */
    static void desEncrypt(byte[] clear, int clearOffset, byte[] key7, int keyOffset, byte[] out, int outOffset) {
        try {
            // One Cipher per thread: looking the transformation up in the JCE providers cost more
            // than the DES itself, three times per MS-CHAP response (JFR of a 2,000/s setup run).
            Cipher des = DES.get();
            des.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(expandDesKey(key7, keyOffset), "DES"));
            des.doFinal(clear, clearOffset, 8, out, outOffset);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK's DES/ECB/NoPadding is unavailable", e);
        }
    }

    /** Spreads 7 key octets (56 bits) over 8, 7 bits each, and sets each octet's parity bit. */
    static byte[] expandDesKey(byte[] key7, int offset) {
        byte[] key = new byte[8];
        int previous = 0;
        for (int n = 0; n < 8; n++) {
            // Output octet n takes the last n bits of input octet n-1 and the first 7-n bits of octet n.
            int current = n < 7 ? key7[offset + n] & 0xff : 0;
            int bits = ((previous << (8 - n)) | (current >> n)) & 0xfe;
            key[n] = (byte) (bits | ((Integer.bitCount(bits) & 1) ^ 1)); // odd parity
            previous = current;
        }
        return key;
    }

    private static MessageDigest digest(String algorithm) {
        try {
            return MessageDigest.getInstance(algorithm);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK's " + algorithm + " is unavailable", e);
        }
    }
}
