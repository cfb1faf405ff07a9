package net.pptpgw.protocol.pcap;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

/**
 * Writes a classic libpcap file (the format tcpdump and tshark read without options).
 *
 * <p>Little-endian, microsecond timestamps, snap length 65535.
 */
public final class PcapWriter implements AutoCloseable {

    private static final int MAGIC_MICROSECONDS = 0xa1b2c3d4;
    private static final int SNAP_LENGTH = 65535;

    private final OutputStream out;
    private final ByteBuffer header = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);

    public PcapWriter(Path file, LinkType linkType) throws IOException {
        this(Files.newOutputStream(file), linkType);
    }

    public PcapWriter(OutputStream out, LinkType linkType) throws IOException {
        this.out = new BufferedOutputStream(out);
        header.putInt(MAGIC_MICROSECONDS).putShort((short) 2).putShort((short) 4)
                .putInt(0).putInt(0).putInt(SNAP_LENGTH).putInt(linkType.code());
        this.out.write(header.array(), 0, 24);
    }

    public void write(Instant timestamp, byte[] packet) throws IOException {
        header.clear();
        header.putInt((int) timestamp.getEpochSecond())
                .putInt(timestamp.getNano() / 1000)
                .putInt(packet.length)
                .putInt(packet.length);
        out.write(header.array(), 0, 16);
        out.write(packet);
    }

    @Override
    public void close() throws IOException {
        out.close();
    }
}
