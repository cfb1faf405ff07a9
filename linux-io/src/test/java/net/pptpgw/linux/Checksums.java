package net.pptpgw.linux;

import io.netty.buffer.ByteBuf;

/** RFC 1071 Internet checksum, for the packets the tests build and answer. */
final class Checksums {

    private Checksums() {}

    static int internet(ByteBuf buffer, int index, int length) {
        long sum = 0;
        int i = 0;
        for (; i + 1 < length; i += 2) {
            sum += buffer.getUnsignedShort(index + i);
        }
        if (i < length) {
            sum += buffer.getUnsignedByte(index + i) << 8;
        }
        while ((sum >> 16) != 0) {
            sum = (sum & 0xffff) + (sum >> 16);
        }
        return (int) (~sum & 0xffff);
    }
}
