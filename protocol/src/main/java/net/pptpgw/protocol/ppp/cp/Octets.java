package net.pptpgw.protocol.ppp.cp;

import io.netty.buffer.ByteBuf;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * An immutable run of octets: the opaque fields of control packets (Terminate data, rejected
 * packets, Echo data, option values kept raw).
 *
 * <p>Control packets are records so that they compare by value and can be matched with
 * patterns; a {@code byte[]} component would compare by identity and be mutable, and a
 * {@link ByteBuf} would be mutable and reference-counted. Control traffic is a few packets per
 * session, so copying these fields once on decode costs nothing that matters.
 */
public final class Octets {

    public static final Octets EMPTY = new Octets(new byte[0]);

    private static final HexFormat HEX = HexFormat.of();

    private final byte[] bytes;

    private Octets(byte[] bytes) {
        this.bytes = bytes;
    }

    /** A copy of {@code bytes}. */
    public static Octets of(byte... bytes) {
        return bytes.length == 0 ? EMPTY : new Octets(bytes.clone());
    }

    /** Octets from hex digits, e.g. {@code "c0a80001"}. */
    public static Octets fromHex(String hex) {
        return of(HEX.parseHex(hex));
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

    public String toHex() {
        return HEX.formatHex(bytes);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Octets that && Arrays.equals(bytes, that.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return "0x" + toHex();
    }
}
