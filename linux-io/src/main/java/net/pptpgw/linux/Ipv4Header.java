package net.pptpgw.linux;

import io.netty.buffer.ByteBuf;
import java.net.Inet4Address;

/**
 * Reads the IPv4 header (RFC 791 §3.1) at the start of a datagram from a raw socket, in place and
 * without allocating: a raw {@code IPPROTO_GRE} socket delivers each packet with its IP header,
 * so GRE starts at {@link #headerLength} and the peer is {@link #source}.
 *
 * <p>Addresses are {@code int}s in network order (10.0.0.1 is {@code 0x0A000001}), the form a
 * session table can index by.
 */
public final class Ipv4Header {

    /** The smallest header: IHL 5, no options. */
    public static final int MIN_LENGTH = 20;

    private Ipv4Header() {}

    /**
     * The header length in bytes (IHL × 4), i.e. the offset of the payload from the reader index;
     * -1 if the readable bytes do not start with a whole IPv4 header (version not 4, IHL below 5,
     * or fewer bytes than IHL says). The other methods assume this check passed.
     */
    public static int headerLength(ByteBuf datagram) {
        int start = datagram.readerIndex();
        if (datagram.readableBytes() < MIN_LENGTH) {
            return -1;
        }
        int versionAndIhl = datagram.getUnsignedByte(start);
        int length = (versionAndIhl & 0x0f) * 4;
        if (versionAndIhl >> 4 != 4 || length < MIN_LENGTH || length > datagram.readableBytes()) {
            return -1;
        }
        return length;
    }

    /** Total Length: header and payload, in bytes. */
    public static int totalLength(ByteBuf datagram) {
        return datagram.getUnsignedShort(datagram.readerIndex() + 2);
    }

    /** Protocol: 47 for GRE (RFC 1700). */
    public static int protocol(ByteBuf datagram) {
        return datagram.getUnsignedByte(datagram.readerIndex() + 9);
    }

    /** Source Address, network order. */
    public static int source(ByteBuf datagram) {
        return datagram.getInt(datagram.readerIndex() + 12);
    }

    /** Destination Address, network order. */
    public static int destination(ByteBuf datagram) {
        return datagram.getInt(datagram.readerIndex() + 16);
    }

    /** {@code address} as an int in network order, the form {@link #source} returns. */
    public static int toInt(Inet4Address address) {
        byte[] b = address.getAddress();
        return (b[0] & 0xff) << 24 | (b[1] & 0xff) << 16 | (b[2] & 0xff) << 8 | (b[3] & 0xff);
    }

    /** Dotted quad, for logs. */
    public static String format(int address) {
        return (address >>> 24) + "." + (address >>> 16 & 0xff) + "." + (address >>> 8 & 0xff) + "." + (address & 0xff);
    }
}
