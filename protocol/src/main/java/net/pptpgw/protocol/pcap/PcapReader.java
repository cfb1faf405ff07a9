package net.pptpgw.protocol.pcap;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import net.pptpgw.protocol.MalformedPacketException;

/**
 * Reads the frames of a capture file: classic libpcap (either byte order, microsecond or
 * nanosecond timestamps) and pcapng (any number of sections, each in its own byte order).
 *
 * <p>Formats: classic pcap as in draft-ietf-opsawg-pcap; pcapng as in draft-ietf-opsawg-pcapng
 * (Section Header, Interface Description, Enhanced Packet, Simple Packet and the obsolete
 * Packet Block are read; every other block is skipped by its length).
 *
 * <p>Every length in the file is checked against the bytes really there: a corrupt or truncated
 * file gives a {@link MalformedPacketException} ({@code protocol "pcap"}) naming the byte offset
 * of the bad structure, after the frames before it were returned. Records are views into the file
 * buffer, not copies; they stay valid until {@link #close()}.
 */
public final class PcapReader implements Iterator<PcapRecord>, AutoCloseable {

    /** The container format of the file. */
    public enum Format { PCAP, PCAPNG }

    private static final int PCAP_MICROS = 0xa1b2c3d4;
    private static final int PCAP_NANOS = 0xa1b23c4d;
    private static final int PCAP_HEADER_LENGTH = 24;
    private static final int PCAP_RECORD_HEADER_LENGTH = 16;

    private static final int BLOCK_SECTION_HEADER = 0x0a0d0d0a;
    private static final int BLOCK_INTERFACE_DESCRIPTION = 1;
    private static final int BLOCK_PACKET_OBSOLETE = 2;
    private static final int BLOCK_SIMPLE_PACKET = 3;
    private static final int BLOCK_ENHANCED_PACKET = 6;
    private static final int BYTE_ORDER_MAGIC = 0x1a2b3c4d;
    private static final int OPTION_END = 0;
    private static final int OPTION_IF_TSRESOL = 9;
    private static final int OPTION_IF_TSOFFSET = 14;
    private static final long MICROS_PER_SECOND = 1_000_000;
    private static final long NANOS_PER_SECOND = 1_000_000_000;

    private final ByteBuf file;
    private final int start;
    private final boolean ownsFile;
    private final Format format;

    /** Index in {@code file} of the next structure to read. */
    private int position;
    private long count;
    private PcapRecord next;
    private boolean finished;

    // Classic pcap: one header for the whole file.
    private boolean littleEndian;
    private long classicUnitsPerSecond;
    private int classicLinkType;

    // pcapng: the current section's interfaces, and the time of its last timestamped packet.
    private final List<Interface> interfaces = new ArrayList<>();
    private Instant lastTimestamp = Instant.EPOCH;

    /** An Interface Description Block: link type, snap length and how to read its timestamps. */
    private record Interface(int linkType, long snapLength, long unitsPerSecond, long offsetSeconds) {}

    /**
     * Reads the capture in {@code file} from its reader index to its writer index. The caller keeps
     * ownership of the buffer; records are views into it.
     *
     * @throws MalformedPacketException when the file header is not pcap or pcapng
     */
    public PcapReader(ByteBuf file) {
        this(file, false);
    }

    private PcapReader(ByteBuf file, boolean ownsFile) {
        this.file = file;
        this.start = file.readerIndex();
        this.position = start;
        this.ownsFile = ownsFile;
        try {
            this.format = readFileHeader();
        } catch (MalformedPacketException e) {
            if (ownsFile) {
                file.release();
            }
            throw e;
        }
    }

    /**
     * Opens a capture file, mapped into memory rather than read into the heap.
     *
     * @throws IOException when the file cannot be read, or is 2 GiB or larger
     * @throws MalformedPacketException when the file header is not pcap or pcapng
     */
    public static PcapReader open(Path path) throws IOException {
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = channel.size();
            if (size > Integer.MAX_VALUE) {
                throw new IOException(path + " is " + size + " bytes; split it first (editcap -c)");
            }
            return new PcapReader(Unpooled.wrappedBuffer(channel.map(FileChannel.MapMode.READ_ONLY, 0, size)), true);
        }
    }

    public Format format() {
        return format;
    }

    /**
     * @throws MalformedPacketException when the next structure in the file is corrupt or cut short;
     *     the reader then stays at end of file
     */
    @Override
    public boolean hasNext() {
        if (next == null && !finished) {
            try {
                next = format == Format.PCAP ? readClassicRecord() : readPcapngPacket();
            } catch (MalformedPacketException e) {
                finished = true;
                throw e;
            }
            finished = next == null;
        }
        return next != null;
    }

    @Override
    public PcapRecord next() {
        if (!hasNext()) {
            throw new NoSuchElementException("end of capture");
        }
        PcapRecord record = next;
        next = null;
        return record;
    }

    /** Releases the file when this reader opened it; records read so far become invalid. */
    @Override
    public void close() {
        if (ownsFile && file.refCnt() > 0) {
            file.release();
        }
    }

    private Format readFileHeader() {
        if (remaining() < 4) {
            throw malformed("truncated-file-header", "the file has " + remaining() + " bytes, too short for any capture format");
        }
        int magic = file.getInt(position);
        switch (magic) {
            case PCAP_MICROS, PCAP_NANOS -> littleEndian = false;
            case 0xd4c3b2a1, 0x4d3cb2a1 -> littleEndian = true;
            case BLOCK_SECTION_HEADER -> {
                return Format.PCAPNG; // read as the first block
            }
            default -> throw malformed("unknown-format", String.format(
                    "magic 0x%08x at offset 0 is neither pcap (a1b2c3d4, a1b23c4d) nor pcapng (0a0d0d0a)", magic));
        }
        if (remaining() < PCAP_HEADER_LENGTH) {
            throw malformed("truncated-file-header", "a pcap file header is 24 bytes, the file has " + remaining());
        }
        int major = u16(position + 4);
        if (major != 2) {
            throw malformed("unsupported-version", "pcap version " + major + "." + u16(position + 6) + " (expected 2.x)");
        }
        classicUnitsPerSecond = u32(position) == (PCAP_NANOS & 0xffffffffL) ? NANOS_PER_SECOND : MICROS_PER_SECOND;
        // The upper bits of the link type field carry FCS information (draft-ietf-opsawg-pcap section 4).
        classicLinkType = u16(position + 20 + (littleEndian ? 0 : 2));
        position += PCAP_HEADER_LENGTH;
        return Format.PCAP;
    }

    private PcapRecord readClassicRecord() {
        if (remaining() == 0) {
            return null;
        }
        if (remaining() < PCAP_RECORD_HEADER_LENGTH) {
            throw malformed("truncated-record-header", "a record header is 16 bytes, " + remaining() + " left at offset " + offset());
        }
        long seconds = u32(position);
        long fraction = u32(position + 4);
        long captured = u32(position + 8);
        long original = u32(position + 12);
        if (captured > remaining() - PCAP_RECORD_HEADER_LENGTH) {
            throw malformed("truncated-record", "record at offset " + offset() + " says " + captured
                    + " captured bytes, the file has " + (remaining() - PCAP_RECORD_HEADER_LENGTH) + " left");
        }
        int dataAt = position + PCAP_RECORD_HEADER_LENGTH;
        position = dataAt + (int) captured;
        Instant timestamp = Instant.ofEpochSecond(seconds, fraction * (NANOS_PER_SECOND / classicUnitsPerSecond));
        return record(timestamp, classicLinkType, dataAt, (int) captured, original);
    }

    private PcapRecord readPcapngPacket() {
        while (remaining() > 0) {
            int blockAt = position;
            if (remaining() < 12) {
                throw malformed("truncated-block", "a block needs at least 12 bytes, " + remaining() + " left at offset " + offset());
            }
            int type = file.getInt(blockAt); // read before the byte order is known: SHB's type is a palindrome
            if (type == BLOCK_SECTION_HEADER) {
                readSectionByteOrder(blockAt);
            }
            int length = checkedBlockLength(blockAt);
            type = (int) u32(blockAt);
            position = blockAt + length;
            int body = blockAt + 8;
            int bodyLength = length - 12;
            switch (type) {
                case BLOCK_SECTION_HEADER -> readSectionHeader(blockAt, body, bodyLength);
                case BLOCK_INTERFACE_DESCRIPTION -> readInterfaceDescription(blockAt, body, bodyLength);
                case BLOCK_ENHANCED_PACKET -> {
                    return readEnhancedPacket(blockAt, body, bodyLength, false);
                }
                case BLOCK_PACKET_OBSOLETE -> {
                    return readEnhancedPacket(blockAt, body, bodyLength, true);
                }
                case BLOCK_SIMPLE_PACKET -> {
                    return readSimplePacket(blockAt, body, bodyLength);
                }
                default -> {
                    // statistics, name resolution, custom, decryption secrets...: nothing we need
                }
            }
        }
        return null;
    }

    private void readSectionByteOrder(int blockAt) {
        if (remaining() < 12) {
            throw malformed("truncated-block", "a section header needs at least 12 bytes, " + remaining()
                    + " left at offset " + offset());
        }
        int magic = file.getInt(blockAt + 8);
        if (magic == BYTE_ORDER_MAGIC) {
            littleEndian = false;
        } else if (magic == Integer.reverseBytes(BYTE_ORDER_MAGIC)) {
            littleEndian = true;
        } else {
            throw malformed("bad-byte-order-magic", String.format("section header at offset %d has byte-order magic 0x%08x",
                    blockAt - start, magic));
        }
    }

    /** The block's total length, checked: at least 12, a multiple of 4, inside the file, repeated at its end. */
    private int checkedBlockLength(int blockAt) {
        long length = u32(blockAt + 4);
        if (length < 12 || length % 4 != 0) {
            throw malformed("bad-block-length", "block at offset " + (blockAt - start) + " has total length " + length
                    + " (at least 12 and a multiple of 4)");
        }
        if (length > remaining()) {
            throw malformed("truncated-block", "block at offset " + (blockAt - start) + " has total length " + length
                    + ", the file has " + remaining() + " bytes left");
        }
        long trailer = u32(blockAt + (int) length - 4);
        if (trailer != length) {
            throw malformed("block-length-mismatch", "block at offset " + (blockAt - start) + " starts with total length "
                    + length + " and ends with " + trailer);
        }
        return (int) length;
    }

    private void readSectionHeader(int blockAt, int body, int bodyLength) {
        if (bodyLength < 16) {
            throw malformed("truncated-block", "section header at offset " + (blockAt - start) + " is " + (bodyLength + 12)
                    + " bytes (at least 28)");
        }
        int major = u16(body + 4);
        if (major != 1) {
            throw malformed("unsupported-version", "section header at offset " + (blockAt - start) + " has pcapng version "
                    + major + "." + u16(body + 6) + " (expected 1.x)");
        }
        // A new section starts its own list of interfaces (draft-ietf-opsawg-pcapng section 4.1).
        interfaces.clear();
    }

    private void readInterfaceDescription(int blockAt, int body, int bodyLength) {
        if (bodyLength < 8) {
            throw malformed("truncated-block", "interface description at offset " + (blockAt - start) + " is "
                    + (bodyLength + 12) + " bytes (at least 20)");
        }
        int linkType = u16(body);
        long snapLength = u32(body + 4);
        long unitsPerSecond = MICROS_PER_SECOND; // if_tsresol absent: 10^-6 s
        long offsetSeconds = 0;
        int option = body + 8;
        int end = body + bodyLength;
        while (end - option >= 4) {
            int code = u16(option);
            int length = u16(option + 2);
            int padded = (length + 3) & ~3;
            if (padded > end - option - 4) {
                throw malformed("bad-option-length", "option " + code + " at offset " + (option - start) + " has length "
                        + length + ", its block has " + (end - option - 4) + " bytes left");
            }
            if (code == OPTION_END) {
                break;
            }
            if (code == OPTION_IF_TSRESOL) {
                if (length != 1) {
                    throw malformed("bad-option-length", "if_tsresol at offset " + (option - start) + " has length " + length);
                }
                unitsPerSecond = unitsPerSecond(file.getUnsignedByte(option + 4), option);
            } else if (code == OPTION_IF_TSOFFSET) {
                if (length != 8) {
                    throw malformed("bad-option-length", "if_tsoffset at offset " + (option - start) + " has length " + length);
                }
                offsetSeconds = littleEndian ? file.getLongLE(option + 4) : file.getLong(option + 4);
            }
            option += 4 + padded;
        }
        interfaces.add(new Interface(linkType, snapLength, unitsPerSecond, offsetSeconds));
    }

    /** if_tsresol: most significant bit clear, a negative power of 10; set, a negative power of 2. */
    private long unitsPerSecond(int resolution, int optionAt) {
        int exponent = resolution & 0x7f;
        if ((resolution & 0x80) == 0) {
            if (exponent > 18) {
                throw malformed("unsupported-timestamp-resolution", "if_tsresol 10^-" + exponent + " at offset " + (optionAt - start));
            }
            long units = 1;
            for (int i = 0; i < exponent; i++) {
                units *= 10;
            }
            return units;
        }
        if (exponent > 62) {
            throw malformed("unsupported-timestamp-resolution", "if_tsresol 2^-" + exponent + " at offset " + (optionAt - start));
        }
        return 1L << exponent;
    }

    /** Enhanced Packet Block, or with {@code obsolete} the Packet Block it replaced (16-bit interface ID). */
    private PcapRecord readEnhancedPacket(int blockAt, int body, int bodyLength, boolean obsolete) {
        String name = obsolete ? "packet block" : "enhanced packet block";
        if (bodyLength < 20) {
            throw malformed("truncated-block", name + " at offset " + (blockAt - start) + " is " + (bodyLength + 12)
                    + " bytes (at least 32)");
        }
        Interface iface = interfaceOf(obsolete ? u16(body) : u32(body), blockAt);
        long units = (u32(body + 4) << 32) | u32(body + 8);
        long captured = u32(body + 12);
        long original = u32(body + 16);
        if (captured > bodyLength - 20) {
            throw malformed("bad-captured-length", name + " at offset " + (blockAt - start) + " says " + captured
                    + " captured bytes, the block holds " + (bodyLength - 20));
        }
        lastTimestamp = timestamp(units, iface, blockAt);
        return record(lastTimestamp, iface.linkType(), body + 20, (int) captured, original);
    }

    /**
     * Simple Packet Block: no interface ID (always the first), no timestamp (we give the last one
     * seen in the section), captured length = the smaller of the original length and the snap length.
     */
    private PcapRecord readSimplePacket(int blockAt, int body, int bodyLength) {
        if (bodyLength < 4) {
            throw malformed("truncated-block", "simple packet block at offset " + (blockAt - start) + " is "
                    + (bodyLength + 12) + " bytes (at least 16)");
        }
        Interface iface = interfaceOf(0, blockAt);
        long original = u32(body);
        long captured = Math.min(original, bodyLength - 4);
        if (iface.snapLength() != 0) {
            captured = Math.min(captured, iface.snapLength());
        }
        return record(lastTimestamp, iface.linkType(), body + 4, (int) captured, original);
    }

    private Interface interfaceOf(long id, int blockAt) {
        if (id >= interfaces.size()) {
            throw malformed("unknown-interface", "packet block at offset " + (blockAt - start) + " names interface " + id
                    + ", the section has described " + interfaces.size());
        }
        return interfaces.get((int) id);
    }

    private Instant timestamp(long units, Interface iface, int blockAt) {
        long perSecond = iface.unitsPerSecond();
        long seconds = Long.divideUnsigned(units, perSecond);
        long fraction = Long.remainderUnsigned(units, perSecond);
        long nanos = NANOS_PER_SECOND % perSecond == 0
                ? fraction * (NANOS_PER_SECOND / perSecond)
                : BigInteger.valueOf(fraction).multiply(BigInteger.valueOf(NANOS_PER_SECOND))
                        .divide(BigInteger.valueOf(perSecond)).longValueExact();
        long epochSecond = seconds + iface.offsetSeconds();
        boolean overflow = seconds < 0 || ((seconds ^ epochSecond) & (iface.offsetSeconds() ^ epochSecond)) < 0;
        if (overflow || epochSecond < Instant.MIN.getEpochSecond() || epochSecond > Instant.MAX.getEpochSecond()) {
            throw malformed("timestamp-out-of-range", "packet block at offset " + (blockAt - start) + " has timestamp "
                    + Long.toUnsignedString(units) + " units of 1/" + perSecond + " s, offset " + iface.offsetSeconds() + " s");
        }
        return Instant.ofEpochSecond(epochSecond, nanos);
    }

    private PcapRecord record(Instant timestamp, int linkType, int dataAt, int captured, long original) {
        ByteBuf data = file.slice(dataAt, captured).asReadOnly();
        return new PcapRecord(++count, timestamp, linkType, data, (int) Math.min(original, Integer.MAX_VALUE));
    }

    private int remaining() {
        return file.writerIndex() - position;
    }

    private long offset() {
        return position - start;
    }

    private int u16(int index) {
        return littleEndian ? file.getUnsignedShortLE(index) : file.getUnsignedShort(index);
    }

    private long u32(int index) {
        return littleEndian ? file.getUnsignedIntLE(index) : file.getUnsignedInt(index);
    }

    private static MalformedPacketException malformed(String reason, String detail) {
        return new MalformedPacketException("pcap", reason, detail);
    }
}
