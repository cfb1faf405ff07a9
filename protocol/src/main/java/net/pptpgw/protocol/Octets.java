package net.pptpgw.protocol;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * An immutable run of octets: the opaque fields of control and authentication packets
 * (Terminate data, rejected packets, option values kept raw, PAP Peer-ID and Password, CHAP
 * Value, Name and Message).
 *
 * <p>Messages are records so that they compare by value and can be matched with patterns; a
 * {@code byte[]} component would compare by identity and be mutable, and a {@link ByteBuf}
 * would be mutable and reference-counted. Control traffic is a few packets per session, so
 * copying these fields once on decode costs nothing that matters. RFC 1334 and RFC 1994 define
 * names and secrets as octets, not text: a peer may send any bytes, and a relay or a log must
 * keep them exactly; text is only a view ({@link #utf8()}).
 */
public final class Octets {

    public static final Octets EMPTY = new Octets(new byte[0]);

    private static final HexFormat LOWER_HEX = HexFormat.of();
    private static final HexFormat UPPER_HEX = HexFormat.of().withUpperCase();

    private final byte[] bytes;

    private Octets(byte[] bytes) {
        this.bytes = bytes;
    }

    /** A copy of {@code bytes}. */
    public static Octets of(byte... bytes) {
        return bytes.length == 0 ? EMPTY : new Octets(bytes.clone());
    }

    /** Octets from hex digits in either case, e.g. {@code "c0a80001"}. */
    public static Octets fromHex(String hex) {
        return of(LOWER_HEX.parseHex(hex));
    }

    /** The UTF-8 encoding of {@code text}. */
    public static Octets utf8(String text) {
        return of(text.getBytes(StandardCharsets.UTF_8));
    }

    /** Reads {@code length} octets from {@code in}, advancing its reader index. */
    public static Octets read(ByteBuf in, int length) {
        if (length == 0) {
            return EMPTY;
        }
        byte[] bytes = new byte[length];
        in.readBytes(bytes);
        return new Octets(bytes);
    }

    /** Copies {@code length} octets at {@code index} without moving the reader index. */
    public static Octets get(ByteBuf in, int index, int length) {
        if (length == 0) {
            return EMPTY;
        }
        byte[] bytes = new byte[length];
        in.getBytes(index, bytes);
        return new Octets(bytes);
    }

    public int length() {
        return bytes.length;
    }

    public boolean isEmpty() {
        return bytes.length == 0;
    }

    /** The octet at {@code index}, as an unsigned value 0..255. */
    public int get(int index) {
        return bytes[index] & 0xff;
    }

    public byte[] toByteArray() {
        return bytes.clone();
    }

    public void writeTo(ByteBuf out) {
        out.writeBytes(bytes);
    }

    /** The octets decoded as UTF-8, malformed sequences replaced by U+FFFD. */
    public String utf8() {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** Lower-case hexadecimal digits, two per octet. */
    public String toHex() {
        return LOWER_HEX.formatHex(bytes);
    }

    /** Upper-case hexadecimal digits, as RFC 2759 writes {@code S=} and {@code C=} values. */
    public String toUpperHex() {
        return UPPER_HEX.formatHex(bytes);
    }

    /** True when these octets equal {@code other}, compared in time independent of where they differ. */
    public boolean equalsConstantTime(byte[] other) {
        return MessageDigest.isEqual(bytes, other);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Octets that && Arrays.equals(bytes, that.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    /** Printable ASCII in quotes (names, messages), anything else as {@code 0x} and hexadecimal digits. */
    @Override
    public String toString() {
        if (bytes.length == 0) {
            return "0x";
        }
        for (byte b : bytes) {
            if (b < 0x20 || b > 0x7e) {
                return "0x" + toHex();
            }
        }
        return '"' + new String(bytes, StandardCharsets.US_ASCII) + '"';
    }
}
