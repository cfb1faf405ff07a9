package net.pptpgw.protocol.pcap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import net.pptpgw.protocol.MalformedPacketException;
import net.pptpgw.protocol.testing.ExternalTools;
import net.pptpgw.protocol.testing.Fuzz;
import net.pptpgw.protocol.testing.Packets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PcapReaderTest {

    /** First 12 frames of a real call (captures/one-call.pcap), rewritten by {@code tcpdump -r -c 12 -w}. */
    private static final String TCPDUMP_ETHERNET = "/pcap/tcpdump-ethernet-micros.pcap";
    /** First 10 frames of captures/gre-blocked.pcap: {@code tcpdump -i any -y LINUX_SLL2 --time-stamp-precision=nano}. */
    private static final String TCPDUMP_SLL2_NANOS = "/pcap/tcpdump-sll2-nanos.pcap";

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00.123456Z");

    @TempDir
    Path dir;

    @Test
    void readsWhatPcapWriterWrote() throws IOException {
        List<byte[]> packets = List.of(
                Packets.ipv4(Packets.PROTO_GRE, Packets.address(10, 0, 0, 1), Packets.address(10, 0, 0, 2), new byte[] {1, 2, 3}),
                new byte[0],
                Packets.ipv4(Packets.PROTO_TCP, Packets.address(10, 0, 0, 2), Packets.address(10, 0, 0, 1), new byte[40]));
        Path file = dir.resolve("writer.pcap");
        try (PcapWriter writer = new PcapWriter(file, LinkType.RAW)) {
            for (int i = 0; i < packets.size(); i++) {
                writer.write(T0.plusMillis(i * 1500L), packets.get(i));
            }
        }

        try (PcapReader reader = PcapReader.open(file)) {
            assertThat(reader.format()).isEqualTo(PcapReader.Format.PCAP);
            for (int i = 0; i < packets.size(); i++) {
                PcapRecord record = reader.next();
                assertThat(record.number()).isEqualTo(i + 1);
                assertThat(record.timestamp()).isEqualTo(T0.plusMillis(i * 1500L));
                assertThat(record.linkType()).isEqualTo(LinkType.RAW);
                assertThat(ByteBufUtil.getBytes(record.data())).isEqualTo(packets.get(i));
                assertThat(record.originalLength()).isEqualTo(packets.get(i).length);
                assertThat(record.truncated()).isFalse();
            }
            assertThat(reader.hasNext()).isFalse();
        }
    }

    @Test
    void tcpdumpMicrosecondEthernetFileMatchesTshark() throws IOException {
        Path file = resource(TCPDUMP_ETHERNET);
        List<PcapRecord> records = readAll(file);

        assertThat(records).hasSize(12).allSatisfy(r -> assertThat(r.linkType()).isEqualTo(LinkType.ETHERNET));
        assertMatchesTshark(file, records);
    }

    @Test
    void tcpdumpNanosecondLinuxCookedV2FileMatchesTshark() throws IOException {
        Path file = resource(TCPDUMP_SLL2_NANOS);
        List<PcapRecord> records = readAll(file);

        assertThat(records).hasSize(10).allSatisfy(r -> assertThat(r.linkType()).isEqualTo(LinkType.LINUX_SLL2));
        assertThat(records).anySatisfy(r -> assertThat(r.timestamp().getNano() % 1000).isNotZero());
        assertMatchesTshark(file, records);
    }

    @Test
    void tsharkPcapngOfARealCaptureHasTheSameFrames() throws IOException {
        Path classic = resource(TCPDUMP_ETHERNET);
        Path pcapng = dir.resolve("tshark.pcapng");
        ExternalTools.require("tshark");
        ExternalTools.run(List.of("tshark", "-r", classic.toString(), "-F", "pcapng", "-w", pcapng.toString()), null, 60);

        try (PcapReader reader = PcapReader.open(pcapng)) {
            assertThat(reader.format()).isEqualTo(PcapReader.Format.PCAPNG);
        }
        assertSameFrames(readAll(pcapng), readAll(classic));
        assertMatchesTshark(pcapng, readAll(pcapng));
    }

    @Test
    void pcapngSectionsOneAfterAnotherAreAllRead() throws IOException {
        Path classic = resource(TCPDUMP_ETHERNET);
        Path pcapng = dir.resolve("one.pcapng");
        ExternalTools.require("tshark");
        ExternalTools.run(List.of("tshark", "-r", classic.toString(), "-F", "pcapng", "-w", pcapng.toString()), null, 60);
        byte[] section = Files.readAllBytes(pcapng);
        Path twoSections = Files.write(dir.resolve("two.pcapng"), concat(section, section));

        List<PcapRecord> records = readAll(twoSections);
        assertThat(records).hasSize(24);
        assertThat(records.getLast().number()).isEqualTo(24);
        assertMatchesTshark(twoSections, records);
    }

    @Test
    void mergecapPcapngWithTwoInterfacesOfDifferentLinkTypes() throws IOException {
        Path ethernet = resource(TCPDUMP_ETHERNET);
        Path cooked = resource(TCPDUMP_SLL2_NANOS);
        Path merged = dir.resolve("merged.pcapng");
        ExternalTools.require("mergecap");
        ExternalTools.run(List.of("mergecap", "-F", "pcapng", "-w", merged.toString(), ethernet.toString(), cooked.toString()), null, 60);

        List<PcapRecord> records = readAll(merged);
        assertThat(records).hasSize(22);
        assertThat(records).filteredOn(r -> r.linkType() == LinkType.ETHERNET).hasSize(12);
        assertThat(records).filteredOn(r -> r.linkType() == LinkType.LINUX_SLL2).hasSize(10);
        assertMatchesTshark(merged, records);
    }

    @Test
    void bigAndLittleEndianPcapngSectionsWithEveryPacketBlockMatchTshark() throws IOException {
        byte[] gre = Packets.ipv4Gre(Packets.address(10, 99, 0, 1), Packets.address(10, 99, 0, 2),
                Packets.enhancedGre(0, 1L, null, HexFormat.of().parseHex("ff03c02109010008")));
        long nanos = 1_795_759_672_882_172_123L;
        byte[] file = new PcapngBuilder()
                .section(ByteOrder.BIG_ENDIAN)
                .interfaceDescription(LinkType.RAW.code(), 0, 9, null)            // 10^-9 s
                .interfaceDescription(LinkType.RAW.code(), 40, 0x8a, 3600L)       // 2^-10 s, one hour later
                .enhancedPacket(0, nanos, gre, gre.length)
                .block(0x00000099, ByteBuffer.allocate(6))                        // unknown type: skipped by length
                .obsoletePacket(1, 1_795_759_672L * 1024 + 512, gre)
                .enhancedPacket(1, 1_795_759_673L * 1024 + 1, Arrays.copyOf(gre, 30), gre.length)
                .section(ByteOrder.LITTLE_ENDIAN)
                .interfaceDescription(LinkType.ETHERNET.code(), 65535, null, null) // default 10^-6 s
                .enhancedPacket(0, 1_795_759_674_000_001L, new byte[60], 60)
                .bytes();
        Path path = Files.write(dir.resolve("built.pcapng"), file);

        List<PcapRecord> records = readAll(path);
        assertThat(records).extracting(PcapRecord::timestamp).containsExactly(
                Instant.ofEpochSecond(0, nanos),
                Instant.ofEpochSecond(1_795_759_672L + 3600, 500_000_000),
                Instant.ofEpochSecond(1_795_759_673L + 3600, 976_562),
                Instant.ofEpochSecond(1_795_759_674L, 1_000));
        assertThat(records).extracting(PcapRecord::linkType)
                .containsExactly(LinkType.RAW, LinkType.RAW, LinkType.RAW, LinkType.ETHERNET);
        assertThat(records.get(2).truncated()).isTrue();
        assertThat(ByteBufUtil.getBytes(records.get(0).data())).isEqualTo(gre);
        assertMatchesTshark(path, records);
    }

    @Test
    void simplePacketBlockTakesTheLastTimestampAndTheSnapLength() throws IOException {
        byte[] frame = new byte[30];
        Arrays.fill(frame, (byte) 0x45);
        byte[] file = new PcapngBuilder()
                .section(ByteOrder.LITTLE_ENDIAN)
                .interfaceDescription(LinkType.RAW.code(), 24, null, null)
                .enhancedPacket(0, 5_000_001, Arrays.copyOf(frame, 24), 30)
                .simplePacket(frame, 30)  // holds 30 bytes, but the interface's snap length is 24
                .bytes();

        List<PcapRecord> records = readAll(Files.write(dir.resolve("spb.pcapng"), file));
        assertThat(records.get(1).timestamp()).isEqualTo(Instant.ofEpochSecond(5, 1000));
        assertThat(records.get(1).data().readableBytes()).isEqualTo(24);
        assertThat(records.get(1).originalLength()).isEqualTo(30);
    }

    @Test
    void bigEndianClassicPcapWithNanosecondsMatchesTshark() throws IOException {
        byte[] packet = Packets.ipv4(Packets.PROTO_TCP, Packets.address(10, 0, 0, 1), Packets.address(10, 0, 0, 2), new byte[20]);
        ByteBuffer file = ByteBuffer.allocate(24 + 2 * (16 + packet.length)).order(ByteOrder.BIG_ENDIAN);
        file.putInt(0xa1b23c4d).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0).putInt(65535)
                .putInt(0x10000000 | LinkType.RAW.code()); // an FCS flag in the upper bits: not part of the link type
        file.putInt(1_795_759_672).putInt(999_999_999).putInt(packet.length).putInt(packet.length).put(packet);
        file.putInt(1_795_759_673).putInt(1).putInt(packet.length).putInt(packet.length + 100).put(packet);
        Path path = Files.write(dir.resolve("be-nanos.pcap"), file.array());

        List<PcapRecord> records = readAll(path);
        assertThat(records).extracting(PcapRecord::timestamp).containsExactly(
                Instant.ofEpochSecond(1_795_759_672L, 999_999_999), Instant.ofEpochSecond(1_795_759_673L, 1));
        assertThat(records).extracting(PcapRecord::linkType).containsOnly(LinkType.RAW);
        assertThat(records.get(1).originalLength()).isEqualTo(packet.length + 100);
        assertMatchesTshark(path, records);
    }

    @Test
    void unknownLinkTypeIsKeptAsItsCode() {
        ByteBuf file = Unpooled.buffer().writeIntLE(0xa1b2c3d4).writeShortLE(2).writeShortLE(4).writeZero(8)
                .writeIntLE(65535).writeIntLE(147) // LINKTYPE_USER0
                .writeIntLE(1).writeIntLE(0).writeIntLE(1).writeIntLE(1).writeByte(7);
        PcapRecord record = new PcapReader(file).next();
        assertThat(record.linkTypeCode()).isEqualTo(147);
        assertThat(record.linkType()).isNull();
    }

    @Test
    void truncatedLastRecordIsReportedWithItsOffsetAfterTheRecordsBeforeIt() throws IOException {
        byte[] whole = Files.readAllBytes(resource(TCPDUMP_ETHERNET));
        List<PcapRecord> records = readAll(resource(TCPDUMP_ETHERNET));
        long lastRecordOffset = 24 + records.subList(0, 11).stream().mapToLong(r -> 16 + r.data().readableBytes()).sum();
        PcapReader reader = new PcapReader(Unpooled.wrappedBuffer(Arrays.copyOf(whole, whole.length - 10)));

        for (int i = 0; i < 11; i++) {
            assertThat(reader.next().number()).isEqualTo(i + 1);
        }
        assertThatThrownBy(reader::hasNext).isInstanceOfSatisfying(MalformedPacketException.class, e -> {
            assertThat(e.protocol()).isEqualTo("pcap");
            assertThat(e.reason()).isEqualTo("truncated-record");
            assertThat(e.getMessage()).contains("offset " + lastRecordOffset);
        });
        assertThat(reader.hasNext()).isFalse();
    }

    @Test
    void corruptFilesGiveTypedErrorsNamingTheOffset() {
        assertRejected(new byte[0], "truncated-file-header", "0 bytes");
        assertRejected(HexFormat.of().parseHex("7f454c46020101000000000000000000"), "unknown-format", "offset 0");
        assertRejected(HexFormat.of().parseHex("d4c3b2a1020004000000000000"), "truncated-file-header", "24 bytes");
        assertRejected(HexFormat.of().parseHex("d4c3b2a1010000000000000000000000ffff000001000000"), "unsupported-version", "1.0");

        PcapngBuilder ok = new PcapngBuilder().section(ByteOrder.LITTLE_ENDIAN);
        byte[] section = ok.bytes();
        byte[] badLength = section.clone();
        badLength[4] = 13;
        assertRejected(badLength, "bad-block-length", "offset 0 has total length 13");
        byte[] badTrailer = section.clone();
        badTrailer[section.length - 4] = 32;
        assertRejected(badTrailer, "block-length-mismatch", "ends with 32");
        byte[] badByteOrder = section.clone();
        badByteOrder[8] = 0;
        assertRejected(badByteOrder, "bad-byte-order-magic", "offset 0");
        assertRejected(new PcapngBuilder().section(ByteOrder.BIG_ENDIAN)
                .interfaceDescription(LinkType.RAW.code(), 0, null, null)
                .enhancedPacket(3, 0, new byte[4], 4).bytes(), "unknown-interface", "offset 52 names interface 3");
        assertRejected(new PcapngBuilder().section(ByteOrder.LITTLE_ENDIAN)
                .interfaceDescription(LinkType.RAW.code(), 0, 19, null).bytes(), "unsupported-timestamp-resolution", "10^-19");
        assertRejected(concat(section, new byte[] {1, 0, 0, 0, 8}), "truncated-block", "offset 28");
    }

    @Test
    void fuzzedFilesGiveOnlyTypedErrors() throws IOException {
        byte[] gre = Packets.ipv4Gre(Packets.address(10, 99, 0, 1), Packets.address(10, 99, 0, 2),
                Packets.enhancedGre(0, 1L, 0L, new byte[] {(byte) 0xff, 3}));
        ByteArrayOutputStream written = new ByteArrayOutputStream();
        try (PcapWriter writer = new PcapWriter(written, LinkType.RAW)) {
            writer.write(T0, gre);
            writer.write(T0.plusSeconds(1), new byte[] {0x45});
        }
        byte[] real = Files.readAllBytes(resource(TCPDUMP_SLL2_NANOS));
        List<byte[]> seeds = List.of(
                written.toByteArray(),
                Arrays.copyOf(real, 24 + (16 + 80) + (16 + 80) + (16 + 72)), // its first three frames: SYN, SYN-ACK, ACK
                new PcapngBuilder().section(ByteOrder.BIG_ENDIAN)
                        .interfaceDescription(LinkType.RAW.code(), 0, 0x8a, 3600L)
                        .obsoletePacket(0, 1, gre).simplePacket(gre, gre.length).bytes(),
                new PcapngBuilder().section(ByteOrder.LITTLE_ENDIAN)
                        .interfaceDescription(LinkType.ETHERNET.code(), 0, 9, null)
                        .enhancedPacket(0, 7, gre, gre.length + 3).bytes());

        Fuzz.run("pcap", seeds, file -> {
            try (PcapReader reader = new PcapReader(file);
                    PcapWriter rewriter = new PcapWriter(OutputStream.nullOutputStream(), LinkType.RAW)) {
                while (reader.hasNext()) {
                    PcapRecord record = reader.next();
                    rewriter.write(record.timestamp(), ByteBufUtil.getBytes(record.data()));
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    private static void assertRejected(byte[] file, String reason, String detail) {
        assertThatThrownBy(() -> {
            PcapReader reader = new PcapReader(Unpooled.wrappedBuffer(file));
            while (reader.hasNext()) {
                reader.next();
            }
        }).isInstanceOfSatisfying(MalformedPacketException.class, e -> {
            assertThat(e.protocol()).isEqualTo("pcap");
            assertThat(e.reason()).isEqualTo(reason);
            assertThat(e.getMessage()).contains(detail);
        });
    }

    /** Frame numbers, times, lengths and the MD5 of every frame's captured bytes agree with tshark's reading. */
    private static void assertMatchesTshark(Path file, List<PcapRecord> records) {
        ExternalTools.require("tshark");
        String out = ExternalTools.run(List.of("tshark", "-n", "-r", file.toString(), "-o", "frame.generate_md5_hash:TRUE",
                "-T", "fields", "-E", "separator=\t", "-e", "frame.number", "-e", "frame.time_epoch", "-e", "frame.len",
                "-e", "frame.cap_len", "-e", "frame.md5_hash"), null, 60);
        List<Map<String, String>> frames = new ArrayList<>();
        for (String line : out.split("\n")) {
            if (!line.isBlank()) {
                String[] f = line.split("\t", -1);
                frames.add(Map.of("number", f[0], "time", f[1], "len", f[2], "caplen", f[3], "md5", f[4]));
            }
        }
        assertThat(frames).hasSameSizeAs(records);
        for (int i = 0; i < records.size(); i++) {
            PcapRecord record = records.get(i);
            Map<String, String> frame = frames.get(i);
            assertThat(frame.get("number")).isEqualTo(Long.toString(record.number()));
            BigDecimal seconds = BigDecimal.valueOf(record.timestamp().getEpochSecond())
                    .add(BigDecimal.valueOf(record.timestamp().getNano(), 9));
            assertThat(new BigDecimal(frame.get("time"))).as("frame %d time", record.number()).isEqualByComparingTo(seconds);
            assertThat(frame.get("len")).isEqualTo(Integer.toString(record.originalLength()));
            assertThat(frame.get("caplen")).isEqualTo(Integer.toString(record.data().readableBytes()));
            assertThat(frame.get("md5")).isEqualTo(md5(record.data()));
        }
    }

    private static void assertSameFrames(List<PcapRecord> actual, List<PcapRecord> expected) {
        assertThat(actual).hasSameSizeAs(expected);
        for (int i = 0; i < actual.size(); i++) {
            assertThat(actual.get(i).timestamp()).isEqualTo(expected.get(i).timestamp());
            assertThat(actual.get(i).linkType()).isEqualTo(expected.get(i).linkType());
            assertThat(actual.get(i).originalLength()).isEqualTo(expected.get(i).originalLength());
            assertThat(ByteBufUtil.getBytes(actual.get(i).data())).isEqualTo(ByteBufUtil.getBytes(expected.get(i).data()));
        }
    }

    /** Reads every record; the file buffer is on the heap, so the records outlive the reader. */
    private static List<PcapRecord> readAll(Path file) throws IOException {
        List<PcapRecord> records = new ArrayList<>();
        new PcapReader(Unpooled.wrappedBuffer(Files.readAllBytes(file))).forEachRemaining(records::add);
        return records;
    }

    private Path resource(String name) throws IOException {
        try (InputStream in = PcapReaderTest.class.getResourceAsStream(name)) {
            Path file = dir.resolve(name.substring(name.lastIndexOf('/') + 1));
            Files.write(file, in.readAllBytes());
            return file;
        }
    }

    private static String md5(ByteBuf data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(ByteBufUtil.getBytes(data)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] both = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }
}
