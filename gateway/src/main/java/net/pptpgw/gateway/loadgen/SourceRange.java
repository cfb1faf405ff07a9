package net.pptpgw.gateway.loadgen;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Local IPv4 addresses to bind control connections to, handed out round-robin:
 * {@code 10.1.0.1}, {@code 10.1.0.1-10.1.3.254} or {@code 10.1.0.0/22} (the network and
 * broadcast addresses left out for prefixes up to /30).
 */
public final class SourceRange {

    private final long first;
    private final long size;

    private SourceRange(long first, long size) {
        this.first = first;
        this.size = size;
    }

    public static SourceRange parse(String text) {
        try {
            int dash = text.indexOf('-');
            int slash = text.indexOf('/');
            if (dash > 0) {
                long from = toLong(text.substring(0, dash).strip());
                long to = toLong(text.substring(dash + 1).strip());
                if (to < from) {
                    throw new IllegalArgumentException("source range " + text + " ends before it starts");
                }
                return new SourceRange(from, to - from + 1);
            }
            if (slash > 0) {
                int prefix = Integer.parseInt(text.substring(slash + 1).strip());
                if (prefix < 8 || prefix > 32) {
                    throw new IllegalArgumentException("source prefix /" + prefix + " is outside /8../32");
                }
                long hosts = 1L << (32 - prefix);
                long network = toLong(text.substring(0, slash).strip()) & ~(hosts - 1) & 0xFFFFFFFFL;
                return prefix <= 30 ? new SourceRange(network + 1, hosts - 2) : new SourceRange(network, hosts);
            }
            return new SourceRange(toLong(text.strip()), 1);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("source range '" + text + "': " + e.getMessage(), e);
        }
    }

    /** The {@code index}-th address, wrapping around. */
    public Inet4Address get(long index) {
        long value = first + Math.floorMod(index, size);
        byte[] bytes = {(byte) (value >>> 24), (byte) (value >>> 16), (byte) (value >>> 8), (byte) value};
        try {
            return (Inet4Address) InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    public long size() {
        return size;
    }

    private static long toLong(String dotted) {
        String[] parts = dotted.split("\\.");
        if (parts.length != 4) {
            throw new IllegalArgumentException("'" + dotted + "' is not a dotted-quad IPv4 address");
        }
        long value = 0;
        for (String part : parts) {
            int octet = Integer.parseInt(part);
            if (octet < 0 || octet > 255) {
                throw new IllegalArgumentException("'" + dotted + "' has an octet outside 0..255");
            }
            value = value << 8 | octet;
        }
        return value;
    }
}
