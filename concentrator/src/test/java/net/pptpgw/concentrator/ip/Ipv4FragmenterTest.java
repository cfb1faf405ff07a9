package net.pptpgw.concentrator.ip;

import static net.pptpgw.concentrator.ip.Datagrams.DONT_FRAGMENT;
import static net.pptpgw.concentrator.ip.Datagrams.MORE_FRAGMENTS;
import static net.pptpgw.concentrator.ip.Datagrams.assertReassembles;
import static net.pptpgw.concentrator.ip.Datagrams.bytes;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.pptpgw.linux.InternetChecksum;
import net.pptpgw.protocol.testing.Fuzz;
import net.pptpgw.protocol.testing.Scapy;
import org.junit.jupiter.api.Test;

/**
 * {@link Ipv4Fragmenter}: byte-exact against scapy's {@code fragment()} where scapy follows
 * RFC 791 (no options), options copied by their copied flag where it does not, a fragment split
 * again, every split reassembling to the original on random datagrams, what cannot be split
 * refused, and never a throw on arbitrary bytes.
 */
class Ipv4FragmenterTest {

    private static final int HEADROOM = 37;
    private static final int SOURCE = 0xC6336402; // 198.51.100.2
    private static final int DESTINATION = 0x0A58000C; // 10.88.0.12
    /** Record Route (RFC 791: not copied), a NOP, Router Alert (RFC 2113: copied). */
    private static final byte[] OPTIONS = HexFormat.of().parseHex("070704000000000194040000");

    private final Datagrams.TrackingAllocator allocator = new Datagrams.TrackingAllocator();
    private final Ipv4Fragmenter fragmenter = new Ipv4Fragmenter(allocator, HEADROOM);

    private List<byte[]> split(byte[] datagram, int mtu) {
        ByteBuf packet = Unpooled.wrappedBuffer(datagram);
        assertThat(Ipv4Fragmenter.headerLength(packet)).isEqualTo(Datagrams.headerLength(datagram));
        assertThat(fragmenter.start(packet, mtu)).isTrue();
        List<byte[]> fragments = new ArrayList<>();
        while (fragmenter.hasNext()) {
            ByteBuf fragment = fragmenter.next();
            assertThat(fragment.readerIndex()).as("headroom for PPP, MPPE and GRE").isEqualTo(HEADROOM);
            fragments.add(bytes(fragment));
            fragment.release();
        }
        assertThat(bytes(packet)).as("the datagram is left as it was").isEqualTo(datagram);
        assertThat(allocator.live()).isZero();
        return fragments;
    }

    private static String udp(String ipFields, int length) {
        return "IP(src='198.51.100.2',dst='10.88.0.12',id=0x1234,ttl=63" + ipFields + ")/UDP(sport=5000,dport=6000)"
                + "/Raw(bytes(range(256))*" + (length / 256) + "+bytes(range(" + (length % 256) + ")))";
    }

    @Test
    void splitsExactlyAsScapyDoesWithoutOptions() {
        // MTU 1200: 1176 data octets a fragment, 1308 to split; MTU 576: 552, three fragments.
        String datagram = udp("", 1300);
        List<byte[]> built = Scapy.build(List.of(datagram,
                "bytes(fragment(" + datagram + ", fragsize=1176)[0])", "bytes(fragment(" + datagram + ", fragsize=1176)[1])",
                "bytes(fragment(" + datagram + ", fragsize=552)[0])", "bytes(fragment(" + datagram + ", fragsize=552)[1])",
                "bytes(fragment(" + datagram + ", fragsize=552)[2])"));
        assertThat(hex(split(built.get(0), 1200))).containsExactly(hex(built.get(1)), hex(built.get(2)));
        assertThat(hex(split(built.get(0), 576))).containsExactly(hex(built.get(3)), hex(built.get(4)),
                hex(built.get(5)));
        assertReassembles(built.get(0), split(built.get(0), 576), 576);
        // An MTU that is not a multiple of 8 past the header: the data still is.
        assertReassembles(built.get(0), split(built.get(0), 1203), 1203);
    }

    @Test
    void laterFragmentsCarryOnlyTheOptionsMarkedCopied() {
        byte[] datagram = Datagrams.ipv4(0x4242, 0, 17, OPTIONS, Datagrams.payload(700), SOURCE, DESTINATION);
        List<byte[]> fragments = split(datagram, 300);
        // First: header of 32 (all options), (300 - 32) & ~7 = 264 data octets. Later: Router
        // Alert alone, header 24, (300 - 24) & ~7 = 272 data octets: 264 + 272 + 164 = 700.
        assertThat(fragments).extracting(f -> f.length).containsExactly(32 + 264, 24 + 272, 24 + 164);
        assertThat(HexFormat.of().formatHex(fragments.get(1), 0, 24))
                .isEqualTo("46000128" + "4242" + "2021" + "3f11" + checksumOf(fragments.get(1)) + "c6336402" + "0a58000c"
                        + "94040000");
        assertThat(HexFormat.of().formatHex(fragments.get(2), 0, 8)).isEqualTo("460000bc" + "4242" + "0043");
        assertReassembles(datagram, fragments, 300);
        // Only non-copied options: later fragments have a bare 20-octet header.
        byte[] recordRouteOnly = Datagrams.ipv4(7, 0, 17, HexFormat.of().parseHex("0707040000000000"),
                Datagrams.payload(500), SOURCE, DESTINATION);
        List<byte[]> bare = split(recordRouteOnly, 300);
        assertThat(bare.get(1)[0]).isEqualTo((byte) 0x45);
        assertReassembles(recordRouteOnly, bare, 300);
    }

    @Test
    void aFragmentIsSplitAgainKeepingItsOffsetAndMoreFragments() {
        // Offset 100 units (800 octets), More-Fragments set: a middle piece of something larger.
        byte[] middle = Datagrams.ipv4(9, MORE_FRAGMENTS | 100, 17, new byte[0], Datagrams.payload(1000), SOURCE,
                DESTINATION);
        List<byte[]> fragments = split(middle, 576);
        assertThat(fragments).extracting(f -> Datagrams.flagsAndOffset(f))
                .containsExactly(MORE_FRAGMENTS | 100, MORE_FRAGMENTS | 100 + 556 / 8 * 8 / 8);
        assertReassembles(middle, fragments, 576);
        // The last piece of something larger: its last fragment ends without More-Fragments.
        byte[] lastPiece = Datagrams.ipv4(9, 100, 17, new byte[0], Datagrams.payload(1000), SOURCE, DESTINATION);
        assertReassembles(lastPiece, split(lastPiece, 576), 576);
    }

    @Test
    void refusesWhatCannotBeSplit() {
        // An option whose length runs past the header; an option of length 1.
        assertRefused(Datagrams.ipv4(1, 0, 17, HexFormat.of().parseHex("07090400"), Datagrams.payload(600), SOURCE,
                DESTINATION), 300);
        assertRefused(Datagrams.ipv4(1, 0, 17, HexFormat.of().parseHex("94010000"), Datagrams.payload(600), SOURCE,
                DESTINATION), 300);
        // A 60-octet header and MTU 64: no room for 8 data octets.
        byte[] fullOptions = new byte[40];
        java.util.Arrays.fill(fullOptions, (byte) 1);
        assertRefused(Datagrams.ipv4(1, 0, 17, fullOptions, Datagrams.payload(100), SOURCE, DESTINATION), 64);
        // Offsets that would not fit 13 bits.
        assertRefused(Datagrams.ipv4(1, 0x1FFF, 17, new byte[0], Datagrams.payload(600), SOURCE, DESTINATION), 300);
        assertThat(allocator.made).isEmpty();
        // What headerLength turns away never reaches start: IHL below 5, Total Length past the bytes or inside the header.
        byte[] ok = Datagrams.ipv4(1, 0, 17, new byte[0], Datagrams.payload(100), SOURCE, DESTINATION);
        byte[] ihl4 = ok.clone();
        ihl4[0] = 0x44;
        byte[] longer = ok.clone();
        longer[3] = (byte) (ok.length + 1);
        byte[] shorter = ok.clone();
        shorter[2] = 0;
        shorter[3] = 19;
        for (byte[] bad : List.of(ihl4, longer, shorter, java.util.Arrays.copyOf(ok, 19))) {
            assertThat(Ipv4Fragmenter.headerLength(Unpooled.wrappedBuffer(bad))).isEqualTo(-1);
        }
    }

    private void assertRefused(byte[] datagram, int mtu) {
        assertThat(fragmenter.start(Unpooled.wrappedBuffer(datagram), mtu)).isFalse();
        assertThat(fragmenter.hasNext()).isFalse();
    }

    @Property(tries = 300)
    void everySplitReassemblesToTheOriginal(@ForAll @IntRange(min = 68, max = 1500) int mtu,
            @ForAll @IntRange(min = 1, max = 4000) int extra, @ForAll("options") byte[] options,
            @ForAll @IntRange(min = 0, max = 600) int offsetUnits, @ForAll boolean moreFragments) {
        int headerLength = 20 + options.length;
        int payloadLength = Math.max(mtu - headerLength + extra, 1);
        byte[] datagram = Datagrams.ipv4(0xBEEF, (moreFragments ? MORE_FRAGMENTS : 0) | offsetUnits, 6, options,
                Datagrams.payload(payloadLength), SOURCE, DESTINATION);
        ByteBuf packet = Unpooled.wrappedBuffer(datagram);
        if (mtu - headerLength < 8) {
            assertThat(fragmenter.start(packet, mtu)).isFalse();
            return;
        }
        assertReassembles(datagram, split(datagram, mtu), mtu);
    }

    /** Whole options, some copied, some not, padded with End to 32 bits; at most 40 octets. */
    @Provide
    Arbitrary<byte[]> options() {
        Arbitrary<byte[]> option = Arbitraries.oneOf(
                Arbitraries.just(new byte[] {1}), // NOP
                Arbitraries.just(HexFormat.of().parseHex("94040000")), // Router Alert, copied
                Arbitraries.just(HexFormat.of().parseHex("0707040000000000")), // Record Route, not copied
                Arbitraries.just(HexFormat.of().parseHex("8206aabbccdd")), // copied, unknown number: kept
                Arbitraries.just(HexFormat.of().parseHex("44040500")) // Timestamp without room, not copied
        );
        return option.list().ofMaxSize(6).map(list -> {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            for (byte[] o : list) {
                if (out.size() + o.length <= 40) {
                    out.writeBytes(o);
                }
            }
            while (out.size() % 4 != 0) {
                out.write(0);
            }
            return out.toByteArray();
        });
    }

    @Test
    void neverThrowsOnArbitraryBytes() {
        List<byte[]> seeds = List.of(
                Datagrams.ipv4(1, 0, 17, new byte[0], Datagrams.payload(40), SOURCE, DESTINATION),
                Datagrams.ipv4(1, MORE_FRAGMENTS | 3, 17, OPTIONS, Datagrams.payload(30), SOURCE, DESTINATION),
                Datagrams.ipv4(1, DONT_FRAGMENT, 1, HexFormat.of().parseHex("94040000"), Datagrams.payload(33), SOURCE,
                        DESTINATION));
        Fuzz.run("ipv4-fragmenter", seeds, buf -> {
            int mtu = 28 + (buf.readableBytes() & 31);
            if (Ipv4Fragmenter.headerLength(buf) < 0 || !fragmenter.start(buf, mtu)) {
                return;
            }
            while (fragmenter.hasNext()) {
                ByteBuf fragment = fragmenter.next();
                int length = fragment.readableBytes();
                boolean checksumOk = InternetChecksum.checksum(fragment, fragment.readerIndex(),
                        (fragment.getByte(fragment.readerIndex()) & 0x0F) * 4) == 0;
                fragment.release();
                if (length > mtu || !checksumOk) {
                    throw new AssertionError("fragment of " + length + " for MTU " + mtu + ", checksum ok " + checksumOk);
                }
            }
        });
        assertThat(allocator.live()).isZero();
    }

    private static String checksumOf(byte[] fragment) {
        return HexFormat.of().formatHex(fragment, 10, 12);
    }

    private static List<String> hex(List<byte[]> packets) {
        return packets.stream().map(HexFormat.of()::formatHex).toList();
    }

    private static String hex(byte[] packet) {
        return HexFormat.of().formatHex(packet);
    }
}
