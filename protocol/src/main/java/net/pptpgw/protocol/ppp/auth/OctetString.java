package net.pptpgw.protocol.ppp.auth;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * An immutable string of octets: a PAP Peer-ID, Password or Message, a CHAP Value, Name or
 * Message.
 *
 * <p>RFC 1334 and RFC 1994 define these fields as octets, not text: a peer may send any bytes
 * (a password in a legacy code page, a binary challenge), and a relay or a log must keep them
 * exactly. Text is only a view ({@link #utf8()}).
 */
public final class OctetString {

    public static final OctetString EMPTY = new OctetString(new byte[0]);

    private static final HexFormat HEX = HexFormat.of().withUpperCase();

    private final byte[] octets;

    private OctetString(byte[] octets) {
        this.octets = octets;
    }

    /** A copy of {@code octets}. */
    public static OctetString of(byte... octets) {
        return octets.length == 0 ? EMPTY : new OctetString(octets.clone());
    }

    /** The UTF-8 encoding of {@code text}. */
    public static OctetString utf8(String text) {
        return new OctetString(text.getBytes(StandardCharsets.UTF_8));
    }

    /** The octets written as hexadecimal digits, e.g. {@code "5B5D7C7D"}. */
    public static OctetString hex(String hexDigits) {
        return new OctetString(HexFormat.of().parseHex(hexDigits));
    }

    /** Reads {@code length} octets from the buffer's reader index. */
    static OctetString read(ByteBuf in, int length) {
        if (length == 0) {
            return EMPTY;
        }
        byte[] octets = new byte[length];
        in.readBytes(octets);
        return new OctetString(octets);
    }

    /** Copies {@code length} octets at {@code index} without moving the reader index. */
    static OctetString get(ByteBuf in, int index, int length) {
        if (length == 0) {
            return EMPTY;
        }
        byte[] octets = new byte[length];
        in.getBytes(index, octets);
        return new OctetString(octets);
    }

    void writeTo(ByteBuf out) {
        out.writeBytes(octets);
    }

    public int length() {
        return octets.length;
    }

    public boolean isEmpty() {
        return octets.length == 0;
    }

    /** The octet at {@code index}, 0 to 255. */
    public int get(int index) {
        return octets[index] & 0xff;
    }

    public byte[] toByteArray() {
        return octets.clone();
    }

    /** The octets decoded as UTF-8, malformed sequences replaced by U+FFFD. */
    public String utf8() {
        return new String(octets, StandardCharsets.UTF_8);
    }

    /** Upper-case hexadecimal digits, two per octet. */
    public String toHex() {
        return HEX.formatHex(octets);
    }

    /** True when these octets equal {@code other}, compared in time independent of where they differ. */
    public boolean equalsConstantTime(byte[] other) {
        return java.security.MessageDigest.isEqual(octets, other);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof OctetString that && Arrays.equals(octets, that.octets);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(octets);
    }

    /** Printable ASCII in quotes, anything else as {@code 0x} and hexadecimal digits. */
    @Override
    public String toString() {
        for (byte b : octets) {
            if (b < 0x20 || b > 0x7e) {
                return "0x" + toHex();
            }
        }
        return '"' + new String(octets, StandardCharsets.US_ASCII) + '"';
    }
}
