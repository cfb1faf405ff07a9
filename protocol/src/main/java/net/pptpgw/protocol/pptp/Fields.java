package net.pptpgw.protocol.pptp;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/** Range checks for record components and the fixed-size string fields of RFC 2637 §2. */
final class Fields {

    /** Host Name, Vendor String, Phone Number, Subaddress, Dialed/Dialing Number (RFC 2637 §2.1, §2.7, §2.9). */
    static final int STRING_64 = 64;
    /** Call Statistics (RFC 2637 §2.13). */
    static final int STRING_128 = 128;

    private Fields() {}

    static int u8(int value, String field) {
        if ((value & ~0xFF) != 0) {
            throw new IllegalArgumentException(field + " must be 0..255, got " + value);
        }
        return value;
    }

    static int u16(int value, String field) {
        if ((value & ~0xFFFF) != 0) {
            throw new IllegalArgumentException(field + " must be 0..65535, got " + value);
        }
        return value;
    }

    static long u32(long value, String field) {
        if ((value & ~0xFFFF_FFFFL) != 0) {
            throw new IllegalArgumentException(field + " must be 0..4294967295, got " + value);
        }
        return value;
    }

    /**
     * Checks a string for a fixed-size field of {@code size} octets. The RFC fills the unused
     * tail with NUL octets, so the value itself cannot contain NUL; characters are single
     * octets (ISO-8859-1, a superset of the ASCII the RFC names, so that whatever octets a peer
     * sent survive decode and re-encode).
     */
    static String fixedString(String value, int size, String field) {
        Objects.requireNonNull(value, field);
        if (value.length() > size) {
            throw new IllegalArgumentException(field + " is " + value.length() + " characters, the field holds " + size);
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == 0 || c > 0xFF) {
                throw new IllegalArgumentException(field + " has character U+" + String.format("%04X", (int) c)
                        + " at " + i + "; only U+0001..U+00FF fit a PPTP string octet");
            }
        }
        return value;
    }

    /** Reads a {@code size}-octet string field: the octets up to the first NUL, then skips the rest. */
    static String readFixedString(ByteBuf in, int size) {
        int start = in.readerIndex();
        int nul = in.indexOf(start, start + size, (byte) 0);
        int length = nul < 0 ? size : nul - start;
        String value = in.toString(start, length, StandardCharsets.ISO_8859_1);
        in.skipBytes(size);
        return value;
    }

    /** Writes {@code value} NUL-padded to {@code size} octets; the record constructors guarantee it fits. */
    static void writeFixedString(ByteBuf out, String value, int size) {
        out.writeCharSequence(value, StandardCharsets.ISO_8859_1);
        out.writeZero(size - value.length());
    }
}
