package net.pptpgw.protocol.pcap;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Writes pcapng blocks (draft-ietf-opsawg-pcapng) byte by byte, in either byte order, so tests
 * can make files with the structures capture tools rarely write: big-endian sections, the
 * obsolete Packet Block, Simple Packet Blocks, odd timestamp resolutions, unknown blocks.
 */
final class PcapngBuilder {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private ByteOrder order;

    /** Starts a section in {@code order}; call again to start another section. */
    PcapngBuilder section(ByteOrder order) {
        this.order = order;
        // byte-order magic, version 1.0, section length -1 (unknown), no options
        return block(0x0a0d0d0a, buffer(16).putInt(0x1a2b3c4d).putShort((short) 1).putShort((short) 0).putLong(-1));
    }

    /** An Interface Description Block; {@code tsresol} and {@code tsoffset} are added as options when not null. */
    PcapngBuilder interfaceDescription(int linkType, int snapLength, Integer tsresol, Long tsoffset) {
        ByteBuffer body = buffer(8 + 8 + 12 + 4).putShort((short) linkType).putShort((short) 0).putInt(snapLength);
        if (tsresol != null) {
            body.putShort((short) 9).putShort((short) 1).put((byte) (int) tsresol).put(new byte[3]);
        }
        if (tsoffset != null) {
            body.putShort((short) 14).putShort((short) 8).putLong(tsoffset);
        }
        body.putShort((short) 0).putShort((short) 0); // opt_endofopt
        return block(1, body);
    }

    PcapngBuilder enhancedPacket(int interfaceId, long timestamp, byte[] data, int originalLength) {
        ByteBuffer body = buffer(20 + padded(data.length)).putInt(interfaceId)
                .putInt((int) (timestamp >>> 32)).putInt((int) timestamp)
                .putInt(data.length).putInt(originalLength).put(data);
        return block(6, body);
    }

    /** The obsolete Packet Block (type 2): 16-bit interface ID and a drops count. */
    PcapngBuilder obsoletePacket(int interfaceId, long timestamp, byte[] data) {
        ByteBuffer body = buffer(20 + padded(data.length)).putShort((short) interfaceId).putShort((short) 0)
                .putInt((int) (timestamp >>> 32)).putInt((int) timestamp)
                .putInt(data.length).putInt(data.length).put(data);
        return block(2, body);
    }

    PcapngBuilder simplePacket(byte[] data, int originalLength) {
        return block(3, buffer(4 + padded(data.length)).putInt(originalLength).put(data));
    }

    /** Any block: the body is padded to 4 bytes and framed by the total length at both ends. */
    PcapngBuilder block(int type, ByteBuffer body) {
        int bodyLength = padded(body.position());
        ByteBuffer block = buffer(12 + bodyLength).putInt(type).putInt(12 + bodyLength);
        block.put(body.array(), 0, body.position()).position(8 + bodyLength);
        block.putInt(12 + bodyLength);
        out.write(block.array(), 0, block.position());
        return this;
    }

    ByteBuffer buffer(int capacity) {
        return ByteBuffer.allocate(capacity).order(order);
    }

    byte[] bytes() {
        return out.toByteArray();
    }

    private static int padded(int length) {
        return (length + 3) & ~3;
    }
}
