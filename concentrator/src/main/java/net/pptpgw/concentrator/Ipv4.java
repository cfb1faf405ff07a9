package net.pptpgw.concentrator;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * IPv4 addresses as text and as 32-bit values, without name lookups: configuration (secrets
 * file, pools, flags) must never wait on DNS or accept a host name where an address belongs.
 */
public final class Ipv4 {

    private Ipv4() {}

    /** {@code a.b.c.d}, each part 0..255 in at most three decimal digits; null for anything else. */
    public static Inet4Address parse(String text) {
        long value = parseUnsigned(text);
        return value < 0 ? null : fromInt((int) value);
    }

    /** The address as an unsigned 32-bit value in an int (network order, as in the header). */
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

    private static long parseUnsigned(String text) {
        String[] parts = text.split("\\.", -1);
        if (parts.length != 4) {
            return -1;
        }
        long value = 0;
        for (String part : parts) {
            if (part.isEmpty() || part.length() > 3 || !part.chars().allMatch(c -> c >= '0' && c <= '9')) {
                return -1;
            }
            int octet = Integer.parseInt(part);
            if (octet > 255) {
                return -1;
            }
            value = value << 8 | octet;
        }
        return value;
    }
}
