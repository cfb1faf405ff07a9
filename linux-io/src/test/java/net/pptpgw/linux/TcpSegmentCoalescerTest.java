package net.pptpgw.linux;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Consumer;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The run rules and the super-packet's headers of {@link TcpSegmentCoalescer}, without a TUN:
 * byte-exact headers, one test per rule that ends a run, and a property that cutting the
 * super-packet the way the kernel's GSO does (tcp_gso_segment, inet_gso_segment) gives back
 * the original segments byte for byte.
 */
class TcpSegmentCoalescerTest {

    private static final int ACK = 0x10;
    private static final int PSH = 0x08;

    private final TcpSegmentCoalescer coalescer = new TcpSegmentCoalescer();
    private final List<ByteBuf> made = new ArrayList<>();

    @AfterEach
    void releaseLeftovers() {
        coalescer.releaseAll();
        for (ByteBuf b : made) {
            if (b.refCnt() > 0) {
                b.release(b.refCnt());
            }
        }
    }

    /** One IPv4 TCP segment with valid checksums; every field the rules look at is settable. */
    record Segment(int tos, int id, boolean dontFragment, int ttl, int source, int destination, int sourcePort,
                   int destinationPort, int sequence, int acknowledgment, int flags, int window, byte[] options,
                   byte[] payload) {

        static Segment of(int sequence, int payloadLength) {
            byte[] payload = new byte[payloadLength];
            for (int i = 0; i < payloadLength; i++) {
                payload[i] = (byte) (sequence + i);
            }
            return new Segment(0, 0x1234, true, 64, 0x0A000001, 0x0A000002, 1000, 2000, sequence, 5000, ACK, 0x2000,
                    new byte[0], payload);
        }

        Segment with(Consumer<Builder> change) {
            Builder b = new Builder(this);
            change.accept(b);
            return b.build();
        }

        ByteBuf encode() {
            int tcpLength = 20 + options.length + payload.length;
            ByteBuf p = Unpooled.directBuffer(20 + tcpLength);
            p.writeByte(0x45).writeByte(tos).writeShort(20 + tcpLength).writeShort(id)
                    .writeShort(dontFragment ? 0x4000 : 0).writeByte(ttl).writeByte(6).writeShort(0)
                    .writeInt(source).writeInt(destination);
            p.setShort(10, Checksums.internet(p, 0, 20));
            p.writeShort(sourcePort).writeShort(destinationPort).writeInt(sequence).writeInt(acknowledgment)
                    .writeByte((5 + options.length / 4) << 4).writeByte(flags).writeShort(window)
                    .writeShort(0).writeShort(0).writeBytes(options).writeBytes(payload);
            p.setShort(36, tcpChecksum(p, 0));
            return p;
        }
    }

    /** Mutable copy of a {@link Segment}, for one-line variations. */
    static final class Builder {
        int tos, id, ttl, source, destination, sourcePort, destinationPort, sequence, acknowledgment, flags, window;
        boolean dontFragment;
        byte[] options, payload;

        Builder(Segment s) {
            tos = s.tos; id = s.id; dontFragment = s.dontFragment; ttl = s.ttl; source = s.source;
            destination = s.destination; sourcePort = s.sourcePort; destinationPort = s.destinationPort;
            sequence = s.sequence; acknowledgment = s.acknowledgment; flags = s.flags; window = s.window;
            options = s.options; payload = s.payload;
        }

        Segment build() {
            return new Segment(tos, id, dontFragment, ttl, source, destination, sourcePort, destinationPort, sequence,
                    acknowledgment, flags, window, options, payload);
        }
    }

    /** The TCP checksum of the IPv4 packet at {@code ip} with its checksum field taken as zero (RFC 9293 §3.1). */
    static int tcpChecksum(ByteBuf p, int ip) {
        int total = p.getUnsignedShort(ip + 2);
        int tcpLength = total - 20;
        ByteBuf pseudo = Unpooled.buffer(12 + tcpLength);
        pseudo.writeInt(p.getInt(ip + 12)).writeInt(p.getInt(ip + 16)).writeByte(0).writeByte(6).writeShort(tcpLength);
        pseudo.writeBytes(p, ip + 20, tcpLength);
        pseudo.setShort(12 + 16, 0);
        return Checksums.internet(pseudo, 0, pseudo.readableBytes());
    }

    private ByteBuf packet(Segment s) {
        ByteBuf p = s.encode();
        made.add(p);
        return p;
    }

    // ---------------------------------------------------------------- headers, byte for byte

    @Test
    void threeSegmentsBecomeOneSuperPacketWithExactHeaders() {
        assertThat(coalescer.offer(packet(Segment.of(1000, 100)))).isTrue();
        assertThat(coalescer.offer(packet(Segment.of(1100, 100)))).isTrue();
        assertThat(coalescer.offer(packet(Segment.of(1200, 100).with(b -> b.flags = ACK | PSH)))).isTrue();
        assertThat(coalescer.isFull()).as("PSH ends the run").isTrue();
        assertThat(coalescer.count()).isEqualTo(3);

        ByteBuf headers = Unpooled.buffer(coalescer.headersLength()).writeZero(coalescer.headersLength());
        coalescer.writeHeaders(headers, 0);

        assertThat(HexFormat.of().formatHex(ByteBufUtil.getBytes(headers))).isEqualTo(
                // virtio_net_hdr, little-endian: NEEDS_CSUM, GSO_TCPV4, hdr_len 40, gso_size 100,
                // csum_start 20, csum_offset 16
                "0101" + "2800" + "6400" + "1400" + "1000"
                // IPv4: Total Length 340 = 0x0154, header checksum 0x136e (by hand, RFC 1071)
                + "45000154" + "12344000" + "4006136e" + "0a000001" + "0a000002"
                // TCP: ports, sequence 1000, ack 5000, offset 5, ACK+PSH from the last, window 0x2000,
                // checksum = folded pseudo-header sum 0a00+0001+0a00+0002+0006 + TCP length 320 (0x0140)
                // = 0x1549, not complemented; urgent pointer 0
                + "03e807d0" + "000003e8" + "00001388" + "50182000" + "15490000");
        assertThat(coalescer.segmentSize()).isEqualTo(100);
        assertThat(coalescer.totalLength()).isEqualTo(340);
    }

    @Test
    void timestampOptionsAreKeptAndCountInTheHeaderLength() {
        byte[] timestamps = HexFormat.of().parseHex("0101080a0000000100000002");
        assertThat(coalescer.offer(packet(Segment.of(7, 50).with(b -> b.options = timestamps)))).isTrue();
        assertThat(coalescer.offer(packet(Segment.of(57, 30).with(b -> b.options = timestamps)))).isTrue();
        assertThat(coalescer.isFull()).as("a short segment ends the run").isTrue();
        ByteBuf headers = Unpooled.buffer(coalescer.headersLength()).writeZero(coalescer.headersLength());
        coalescer.writeHeaders(headers, 0);
        assertThat(coalescer.headersLength()).isEqualTo(10 + 52);
        assertThat(headers.getUnsignedShortLE(2)).isEqualTo(52);
        assertThat(headers.getUnsignedShortLE(4)).isEqualTo(50);
        assertThat(headers.getUnsignedShort(12)).isEqualTo(52 + 80);
        assertThat(ByteBufUtil.getBytes(headers, 10 + 40, 12)).isEqualTo(timestamps);
        assertThat((int) headers.getUnsignedByte(10 + 33)).as("flags: the last had no PSH").isEqualTo(ACK);
    }

    // ---------------------------------------------------------------- every rule ends a run

    static List<Arguments> breakers() {
        byte[] nop4 = {1, 1, 1, 1};
        return List.of(
                Arguments.of("TOS", (Consumer<Builder>) b -> b.tos = 0x10),
                Arguments.of("TTL", (Consumer<Builder>) b -> b.ttl = 63),
                Arguments.of("DF", (Consumer<Builder>) b -> b.dontFragment = false),
                Arguments.of("source address", (Consumer<Builder>) b -> b.source = 0x0A000003),
                Arguments.of("destination address", (Consumer<Builder>) b -> b.destination = 0x0A000003),
                Arguments.of("source port", (Consumer<Builder>) b -> b.sourcePort = 1001),
                Arguments.of("destination port", (Consumer<Builder>) b -> b.destinationPort = 2001),
                Arguments.of("acknowledgment number", (Consumer<Builder>) b -> b.acknowledgment = 5001),
                Arguments.of("window", (Consumer<Builder>) b -> b.window = 0x2001),
                Arguments.of("TCP header length", (Consumer<Builder>) b -> b.options = nop4),
                Arguments.of("sequence gap", (Consumer<Builder>) b -> b.sequence += 1),
                Arguments.of("sequence repeated", (Consumer<Builder>) b -> b.sequence -= 100),
                Arguments.of("FIN", (Consumer<Builder>) b -> b.flags = ACK | 0x01),
                Arguments.of("SYN", (Consumer<Builder>) b -> b.flags = ACK | 0x02),
                Arguments.of("RST", (Consumer<Builder>) b -> b.flags = ACK | 0x04),
                Arguments.of("URG", (Consumer<Builder>) b -> b.flags = ACK | 0x20),
                Arguments.of("ECE", (Consumer<Builder>) b -> b.flags = ACK | 0x40),
                Arguments.of("CWR", (Consumer<Builder>) b -> b.flags = ACK | 0x80),
                Arguments.of("no ACK", (Consumer<Builder>) b -> b.flags = PSH),
                Arguments.of("payload longer than the first", (Consumer<Builder>) b -> b.payload = new byte[101]),
                Arguments.of("no payload", (Consumer<Builder>) b -> b.payload = new byte[0]));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("breakers")
    void aSecondSegmentThatDiffersDoesNotJoin(String rule, Consumer<Builder> change) {
        assertThat(coalescer.offer(packet(Segment.of(1000, 100)))).isTrue();
        ByteBuf other = packet(Segment.of(1100, 100).with(change));
        assertThat(coalescer.offer(other)).as(rule).isFalse();
        assertThat(coalescer.count()).isEqualTo(1);
        assertThat(other.refCnt()).as("a refused packet stays the caller's").isEqualTo(1);
        // and the unchanged segment still would have joined
        assertThat(coalescer.offer(packet(Segment.of(1100, 100)))).isTrue();
    }

    @Test
    void withoutDfIdentificationsMustCountUpByOne() {
        Consumer<Builder> noDf = b -> b.dontFragment = false;
        assertThat(coalescer.offer(packet(Segment.of(1000, 100).with(noDf)))).isTrue();
        assertThat(coalescer.offer(packet(Segment.of(1100, 100).with(noDf)))).as("same ID, no DF").isFalse();
        assertThat(coalescer.offer(packet(Segment.of(1100, 100).with(noDf.andThen(b -> b.id = 0x1235))))).isTrue();
        coalescer.releaseAll();
        // With DF set the Identification may stay (Linux sends 0 or a fixed one) or jump.
        assertThat(coalescer.offer(packet(Segment.of(1000, 100)))).isTrue();
        assertThat(coalescer.offer(packet(Segment.of(1100, 100)))).isTrue();
        assertThat(coalescer.offer(packet(Segment.of(1200, 100).with(b -> b.id = 7)))).isTrue();
    }

    @Test
    void optionBytesMustBeIdentical() {
        byte[] a = HexFormat.of().parseHex("0101080a0000000100000002");
        byte[] b = HexFormat.of().parseHex("0101080a0000000200000002");
        assertThat(coalescer.offer(packet(Segment.of(1, 10).with(s -> s.options = a)))).isTrue();
        assertThat(coalescer.offer(packet(Segment.of(11, 10).with(s -> s.options = b)))).isFalse();
    }

    @Test
    void ipOptionsFragmentsAndOtherProtocolsNeverStartARun() {
        ByteBuf withIpOptions = packet(Segment.of(1, 10));
        withIpOptions.setByte(0, 0x46); // IHL 6: this packet is not what the rules take, whatever its bytes
        ByteBuf moreFragments = packet(Segment.of(1, 10));
        moreFragments.setShort(6, 0x2000);
        fixIpChecksum(moreFragments);
        ByteBuf laterFragment = packet(Segment.of(1, 10).with(b -> b.dontFragment = false));
        laterFragment.setShort(6, 0x0010);
        fixIpChecksum(laterFragment);
        ByteBuf udp = packet(Segment.of(1, 10));
        udp.setByte(9, 17);
        fixIpChecksum(udp);
        ByteBuf padded = Unpooled.directBuffer(100).writeBytes(packet(Segment.of(1, 10)).duplicate()).writeZero(2);
        made.add(padded);
        ByteBuf ipv6 = packet(Segment.of(1, 10));
        ipv6.setByte(0, 0x60);
        for (ByteBuf p : List.of(withIpOptions, moreFragments, laterFragment, udp, padded, ipv6)) {
            assertThat(coalescer.offer(p)).isFalse();
        }
        assertThat(coalescer.count()).isZero();
    }

    @Test
    void badChecksumsNeverJoin() {
        ByteBuf badTcp = packet(Segment.of(1100, 100));
        badTcp.setByte(60, badTcp.getByte(60) ^ 1); // a payload bit flipped after the checksum
        ByteBuf badIp = packet(Segment.of(1100, 100));
        badIp.setShort(10, badIp.getUnsignedShort(10) ^ 0x0100);
        assertThat(coalescer.offer(badTcp)).as("bad TCP checksum starts no run").isFalse();
        assertThat(coalescer.offer(packet(Segment.of(1000, 100)))).isTrue();
        assertThat(coalescer.offer(badTcp)).as("bad TCP checksum").isFalse();
        assertThat(coalescer.offer(badIp)).as("bad IPv4 header checksum").isFalse();
    }

    @Test
    void pshEndsTheRunAndSoDoesAShortSegment() {
        assertThat(coalescer.offer(packet(Segment.of(1000, 100).with(b -> b.flags = ACK | PSH)))).isTrue();
        assertThat(coalescer.isFull()).isTrue();
        assertThat(coalescer.offer(packet(Segment.of(1100, 100)))).isFalse();
        coalescer.releaseAll();

        assertThat(coalescer.offer(packet(Segment.of(1000, 100)))).isTrue();
        assertThat(coalescer.offer(packet(Segment.of(1100, 99)))).isTrue();
        assertThat(coalescer.isFull()).isTrue();
        assertThat(coalescer.offer(packet(Segment.of(1199, 99)))).isFalse();
    }

    @Test
    void atMost64Segments() {
        for (int i = 0; i < 64; i++) {
            assertThat(coalescer.offer(packet(Segment.of(i * 10, 10)))).as("segment " + i).isTrue();
        }
        assertThat(coalescer.isFull()).isTrue();
        assertThat(coalescer.offer(packet(Segment.of(640, 10)))).isFalse();
    }

    @Test
    void atMost65535Octets() {
        // 40 + 46 * 1400 = 64,440; a 47th full segment would make 65,840.
        for (int i = 0; i < 46; i++) {
            assertThat(coalescer.offer(packet(Segment.of(i * 1400, 1400)))).isTrue();
        }
        assertThat(coalescer.isFull()).isTrue();
        assertThat(coalescer.totalLength()).isEqualTo(64_440);
        assertThat(coalescer.offer(packet(Segment.of(46 * 1400, 1095)))).as("the run is closed at 46").isFalse();
    }

    @Test
    void sequenceNumbersWrapAround() {
        assertThat(coalescer.offer(packet(Segment.of(-50, 100)))).isTrue();
        assertThat(coalescer.offer(packet(Segment.of(50, 100)))).isTrue();
    }

    @Test
    void releaseAllReleasesTheSegmentsAndStartsOver() {
        ByteBuf a = packet(Segment.of(0, 10));
        ByteBuf b = packet(Segment.of(10, 10));
        coalescer.offer(a);
        coalescer.offer(b);
        assertThat(coalescer.releaseAll()).isEqualTo(2);
        assertThat(a.refCnt()).isZero();
        assertThat(b.refCnt()).isZero();
        assertThat(coalescer.count()).isZero();
        assertThat(coalescer.offer(packet(Segment.of(500, 10).with(x -> x.flags = ACK | PSH)))).isTrue();
    }

    /**
     * The coalescer reads packets peers sent (decrypted, not yet checked by anyone): on any bytes
     * it must answer, never throw, and never read outside the packet (the fuzz buffers are
     * exactly the input's size). Each input is offered alone and after a valid segment of the
     * seeds' flow, so the comparisons run on it too; a run it joins is written out.
     */
    @Test
    void neverThrowsOnArbitraryBytes() {
        byte[] timestamps = HexFormat.of().parseHex("0101080a0000000100000002");
        List<byte[]> seeds = new ArrayList<>();
        for (Segment s : List.of(Segment.of(1100, 100), Segment.of(1100, 40).with(b -> b.flags = ACK | PSH),
                Segment.of(1100, 100).with(b -> b.options = timestamps), Segment.of(1100, 1))) {
            ByteBuf p = s.encode();
            seeds.add(ByteBufUtil.getBytes(p));
            p.release();
        }
        net.pptpgw.protocol.testing.Fuzz.run("tcp-segment-coalescer", seeds, packet -> {
            TcpSegmentCoalescer runs = new TcpSegmentCoalescer();
            try {
                for (int lead = 0; lead < 2; lead++) {
                    if (lead == 1) {
                        runs.offer(Segment.of(1000, 100).encode());
                    }
                    ByteBuf input = packet.retainedSlice();
                    if (!runs.offer(input)) {
                        input.release();
                    }
                    if (runs.count() > 0) {
                        ByteBuf headers = Unpooled.buffer(runs.headersLength()).writeZero(runs.headersLength());
                        runs.writeHeaders(headers, 0);
                    }
                    runs.releaseAll();
                }
            } finally {
                runs.releaseAll();
            }
        });
    }

    private static void fixIpChecksum(ByteBuf p) {
        p.setShort(10, 0);
        p.setShort(10, Checksums.internet(p, 0, 20));
    }

    // ---------------------------------------------------------------- cut back by a reference GSO

    @Property(tries = 300)
    void superPacketsCutByGsoSizeGiveBackTheOriginalSegments(@ForAll("flows") List<Segment> flow) {
        TcpSegmentCoalescer runs = new TcpSegmentCoalescer();
        List<ByteBuf> originals = new ArrayList<>();
        List<byte[]> produced = new ArrayList<>();
        int runsOfTwoOrMore = 0;
        try {
            for (Segment s : flow) {
                ByteBuf p = s.encode();
                originals.add(p);
                p.retain(); // the coalescer releases its reference; the test keeps one to compare
                if (!runs.offer(p)) {
                    runsOfTwoOrMore += emit(runs, produced);
                    if (!runs.offer(p)) { // goes out alone, as TunQueue writes it
                        produced.add(ByteBufUtil.getBytes(p));
                        p.release();
                    }
                }
                if (runs.isFull()) {
                    runsOfTwoOrMore += emit(runs, produced);
                }
            }
            runsOfTwoOrMore += emit(runs, produced);
            assertThat(produced).hasSize(originals.size());
            for (int i = 0; i < originals.size(); i++) {
                assertThat(HexFormat.of().formatHex(produced.get(i))).as("segment " + i)
                        .isEqualTo(HexFormat.of().formatHex(ByteBufUtil.getBytes(originals.get(i))));
            }
            Segment first = flow.getFirst();
            if (flow.size() >= 2 && first.payload().length > 0 && first.flags() == ACK
                    && first.payload().length >= flow.get(1).payload().length && flow.get(1).payload().length > 0
                    && first.acknowledgment() == flow.get(1).acknowledgment()) {
                assertThat(runsOfTwoOrMore).isPositive();
            }
        } finally {
            runs.releaseAll();
            originals.forEach(ByteBuf::release);
        }
    }

    /** Writes the run out (a super-packet, cut again; one segment as it is); 1 if it was a super-packet. */
    private static int emit(TcpSegmentCoalescer run, List<byte[]> produced) {
        if (run.count() == 0) {
            return 0;
        }
        int count = run.count();
        if (count == 1) {
            produced.add(ByteBufUtil.getBytes(run.segment(0)));
        } else {
            ByteBuf superPacket = Unpooled.buffer();
            superPacket.writeZero(run.headersLength());
            run.writeHeaders(superPacket, 0);
            for (int i = 0; i < count; i++) {
                ByteBuf s = run.segment(i);
                superPacket.writeBytes(s, s.readerIndex() + run.headerLength(), s.readableBytes() - run.headerLength());
            }
            produced.addAll(gsoSegment(superPacket));
        }
        run.releaseAll();
        return count > 1 ? 1 : 0;
    }

    /**
     * The kernel's software GSO for a TCPv4 super-packet with CHECKSUM_PARTIAL, written
     * independently: cut the payload by gso_size; each segment gets the IPv4 header with its
     * own Total Length, the ID counting up from the first (inet_gso_segment), a new header
     * checksum; the sequence number advanced; PSH and FIN only on the last (tcp_gso_segment);
     * its TCP checksum field, which holds the super-packet's pseudo-header sum, adjusted for its
     * own length, then completed as a device would (sum from csum_start, complemented).
     */
    static List<byte[]> gsoSegment(ByteBuf superPacket) {
        assertThat((int) superPacket.getUnsignedByte(0)).isEqualTo(1);
        assertThat((int) superPacket.getUnsignedByte(1)).isEqualTo(1);
        int headerLength = superPacket.getUnsignedShortLE(2);
        int gsoSize = superPacket.getUnsignedShortLE(4);
        assertThat(superPacket.getUnsignedShortLE(6)).isEqualTo(20);
        assertThat(superPacket.getUnsignedShortLE(8)).isEqualTo(16);
        ByteBuf ip = superPacket.slice(10, superPacket.readableBytes() - 10);
        assertThat(ip.getUnsignedShort(2)).as("Total Length").isEqualTo(ip.readableBytes());
        assertThat(Checksums.internet(ip, 0, 20)).as("IPv4 header checksum verifies").isZero();
        int superTcpLength = ip.readableBytes() - 20;
        int partial = ip.getUnsignedShort(36);
        int payloadTotal = ip.readableBytes() - headerLength;
        List<byte[]> out = new ArrayList<>();
        for (int offset = 0, n = 0; offset < payloadTotal; offset += gsoSize, n++) {
            int payload = Math.min(gsoSize, payloadTotal - offset);
            boolean last = offset + payload == payloadTotal;
            ByteBuf seg = Unpooled.buffer(headerLength + payload);
            seg.writeBytes(ip, 0, headerLength).writeBytes(ip, headerLength + offset, payload);
            seg.setShort(2, headerLength + payload);
            seg.setShort(4, ip.getUnsignedShort(4) + n);
            seg.setShort(10, 0);
            seg.setShort(10, Checksums.internet(seg, 0, 20));
            seg.setInt(24, ip.getInt(24) + offset);
            if (!last) {
                seg.setByte(33, seg.getUnsignedByte(33) & ~(PSH | 0x01));
            }
            int segTcpLength = headerLength - 20 + payload;
            int adjusted = InternetChecksum.fold((long) partial + (~superTcpLength & 0xFFFF) + segTcpLength);
            seg.setShort(36, adjusted);
            seg.setShort(36, Checksums.internet(seg, 20, segTcpLength));
            assertThat(tcpChecksum(seg, 0)).as("TCP checksum of segment " + n).isEqualTo(seg.getUnsignedShort(36));
            out.add(ByteBufUtil.getBytes(seg));
        }
        return out;
    }

    @Provide
    Arbitrary<List<Segment>> flows() {
        Arbitrary<Integer> segmentSize = Arbitraries.integers().between(1, 1460);
        Arbitrary<Integer> count = Arbitraries.integers().between(1, 90);
        Arbitrary<Integer> firstSequence = Arbitraries.integers();
        Arbitrary<Boolean> timestamps = Arbitraries.of(true, false);
        Arbitrary<Boolean> pushLast = Arbitraries.of(true, false);
        Arbitrary<Integer> shortLast = Arbitraries.integers().between(0, 1459);
        Arbitrary<Long> seed = Arbitraries.longs();
        return Combinators.combine(segmentSize, count, firstSequence, timestamps, pushLast, shortLast, seed)
                .as((size, n, seq, ts, push, cut, s) -> {
                    java.util.SplittableRandom random = new java.util.SplittableRandom(s);
                    byte[] options = ts ? HexFormat.of().parseHex("0101080a0badcafe00000001") : new byte[0];
                    List<Segment> flow = new ArrayList<>();
                    int sequence = seq;
                    for (int i = 0; i < n; i++) {
                        boolean last = i == n - 1;
                        int length = last ? Math.max(1, size - cut % size) : size;
                        byte[] payload = new byte[length];
                        random.nextBytes(payload);
                        int flags = last && push ? ACK | PSH : ACK;
                        // Now and then a packet that must stay alone: a pure ACK, or the ack number moving on.
                        int ack = 5000 + (random.nextInt(20) == 0 ? i : 0);
                        if (random.nextInt(40) == 0) {
                            payload = new byte[0];
                        }
                        flow.add(new Segment(0, (0x1000 + i) & 0xFFFF, true, 64, 0x0A000001, 0x0A000002, 40000, 5201,
                                sequence, ack, flags, 0x1F5, options, payload));
                        sequence += payload.length;
                    }
                    return flow;
                });
    }
}
