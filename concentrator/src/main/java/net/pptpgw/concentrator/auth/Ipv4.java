package net.pptpgw.concentrator.auth;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/** Strict dotted-quad parsing without name lookup, shared by the secrets file and the pool. */
public final class Ipv4 {

    private Ipv4() {}

    /** {@code a.b.c.d} with each part 0..255 in decimal, or null. */
    public static Inet4Address parse(String text) {
        int value = toInt(text, -1);
        return value == -1 && !text.equals("255.255.255.255") ? null : fromInt(value);
    }

    /** The address as an unsigned 32-bit value in an int; {@code invalid} when not a dotted quad. */
    public static int toInt(String text, int invalid) {
        String[] parts = text.split("\\.", -1);
        if (parts.length != 4) {
            return invalid;
        }
        int value = 0;
        for (String part : parts) {
            if (part.isEmpty() || part.length() > 3 || !part.chars().allMatch(c -> c >= '0' && c <= '9')) {
                return invalid;
            }
            int octet = Integer.parseInt(part);
            if (octet > 255) {
                return invalid;
            }
            value = value << 8 | octet;
        }
        return value;
    }

    public static int toInt(Inet4Address address) {
        byte[] b = address.getAddress();
        return (b[0] & 0xFF) << 24 | (b[1] & 0xFF) << 16 | (b[2] & 0xFF) << 8 | b[3] & 0xFF;
    }

    public static Inet4Address fromInt(int value) {
        try {
            return (Inet4Address) InetAddress.getByAddress(new byte[] {
                (byte) (value >>> 24), (byte) (value >>> 16), (byte) (value >>> 8), (byte) value});
        } catch (UnknownHostException e) {
            throw new AssertionError("four bytes are always an address", e);
        }
    }
}
