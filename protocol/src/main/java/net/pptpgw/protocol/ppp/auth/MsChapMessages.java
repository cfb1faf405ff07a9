package net.pptpgw.protocol.ppp.auth;

import net.pptpgw.protocol.Octets;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import net.pptpgw.protocol.MalformedPacketException;

/**
 * Reading the {@code K=value} fields of MS-CHAP Success and Failure messages.
 *
 * <p>The messages are ASCII; they are read and written as ISO-8859-1 so that every octet maps
 * to one character and back, and nothing a peer sends is lost.
 */
final class MsChapMessages {

    private MsChapMessages() {}

    static String text(Octets message) {
        return new String(message.toByteArray(), StandardCharsets.ISO_8859_1);
    }

    static Octets octets(String text) {
        return Octets.of(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    /** Upper-case hexadecimal, as RFC 2759's examples write {@code S=} and {@code C=}. */
    static String hex(Octets octets) {
        return octets.toUpperHex();
    }

    static Octets parseHex(String digits, String field, String reason) {
        if (digits.isEmpty() || (digits.length() & 1) != 0) {
            throw malformed(reason, field + " needs an even, non-zero number of hexadecimal digits: '" + digits + "'");
        }
        for (int i = 0; i < digits.length(); i++) {
            if (Character.digit(digits.charAt(i), 16) < 0) {
                throw malformed(reason, field + " has a non-hexadecimal digit: '" + digits + "'");
            }
        }
        return Octets.of(HexFormat.of().parseHex(digits));
    }

    /** Up to ten decimal digits (RFC 2759 §6 writes E and V as {@code eeeeeeeeee}). */
    static long parseDecimal(String digits, String field, String reason) {
        if (digits.isEmpty() || digits.length() > 10) {
            throw malformed(reason, field + " needs 1 to 10 decimal digits: '" + digits + "'");
        }
        long value = 0;
        for (int i = 0; i < digits.length(); i++) {
            char c = digits.charAt(i);
            if (c < '0' || c > '9') {
                throw malformed(reason, field + " has a non-decimal digit: '" + digits + "'");
            }
            value = value * 10 + (c - '0');
        }
        if (value > 0xFFFF_FFFFL) {
            throw malformed(reason, field + " " + value + " exceeds 32 bits");
        }
        return value;
    }

    static MalformedPacketException malformed(String reason, String detail) {
        return new MalformedPacketException("chap", reason, detail);
    }
}
