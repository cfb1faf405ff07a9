package net.pptpgw.concentrator.ip;

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
import net.pptpgw.protocol.testing.Fuzz;
import net.pptpgw.protocol.testing.Scapy;
import org.junit.jupiter.api.Test;

/**
 * {@link MssClamp}: byte-exact against scapy (which computes the TCP checksum afresh) for an MSS
 * at an even and at an odd offset, left alone where it must be, the RFC 1624 update checked
 * against a full recomputation on random SYNs, and never a throw on arbitrary bytes.
 */
class MssClampTest {

    /** A Linux-like SYN; {@code nop} puts a NOP first so the MSS value sits at an odd offset. */
    private static String syn(boolean nop, int mss) {
        return "IP(src='10.88.0.10',dst='198.51.100.2',id=1)/TCP(sport=40000,dport=5201,flags='S',seq=1,window=64240,"
                + "options=[" + (nop ? "('NOP',None)," : "") + "('MSS'," + mss + "),('SAckOK',b''),"
                + "('Timestamp',(1,0)),('WScale',7)])";
    }

    @Test
    void lowersTheMssAndTheChecksumExactlyAsAFreshComputationWould() {
        List<byte[]> built = Scapy.build(List.of(syn(false, 1460), syn(false, 1356), syn(true, 1460), syn(true, 1356),
                syn(false, 1200), "IP(src='10.88.0.10',dst='198.51.100.2')/TCP(flags='SA',options=[('MSS',1460)])",
                "IP(src='10.88.0.10',dst='198.51.100.2')/TCP(flags='SA',options=[('MSS',1356)])"));
        assertClamped(built.get(0), built.get(1));
        assertClamped(built.get(2), built.get(3)); // odd offset: the checksum word straddles
        assertClamped(built.get(5), built.get(6)); // SYN-ACK: the server's side of the handshake
        assertUnchanged(built.get(4)); // already small enough
    }

    @Test
    void leavesAloneWhatIsNotAWholeTcpSyn() {
        List<byte[]> built = Scapy.build(List.of(
                "IP(src='10.88.0.10',dst='198.51.100.2')/TCP(flags='A',options=[('MSS',1460)])",
                "IP(src='10.88.0.10',dst='198.51.100.2',flags='MF')/TCP(flags='S',options=[('MSS',1460)])",
                "IP(src='10.88.0.10',dst='198.51.100.2')/UDP(sport=1,dport=2)/Raw(b'\\x02\\x04\\x05\\xb4')",
                // The End option before the MSS: nothing after it is an option (RFC 9293 §3.2).
                "IP(src='10.88.0.10',dst='198.51.100.2')/TCP(flags='S',options=[('EOL',None),('MSS',1460)])"));
        built.forEach(MssClampTest::assertUnchanged);
        // Truncated: the TCP header says 24 octets but the packet ends inside the option.
        byte[] whole = Scapy.build(List.of(syn(false, 1460))).getFirst();
        byte[] truncated = java.util.Arrays.copyOf(whole, 22 + 20);
        truncated[3] = (byte) truncated.length;
        assertUnchanged(truncated);
    }

    @Property(tries = 500)
    void incrementalChecksumEqualsRecomputation(@ForAll @IntRange(min = 0, max = 5) int nops,
            @ForAll @IntRange(min = 0, max = 65535) int mss, @ForAll @IntRange(min = 536, max = 1460) int limit,
            @ForAll("payloads") byte[] payload) {
        byte[] packet = tcpSyn(nops, mss, payload);
        ByteBuf buf = Unpooled.wrappedBuffer(packet);
        boolean clamped = MssClamp.clamp(buf, limit);
        assertThat(clamped).isEqualTo(mss > limit);
        int optionAt = 20 + 20 + nops;
        assertThat(buf.getUnsignedShort(optionAt + 2)).isEqualTo(Math.min(mss, limit));
        assertThat(tcpChecksumOk(packet)).isTrue();
    }

    @Provide
    Arbitrary<byte[]> payloads() {
        return Arbitraries.bytes().array(byte[].class).ofMaxSize(64);
    }

    @Test
    void neverThrowsOnArbitraryBytes() {
        List<byte[]> seeds = new ArrayList<>(Scapy.build(List.of(syn(false, 1460), syn(true, 1460))));
        seeds.add(tcpSyn(3, 1460, new byte[] {1, 2, 3}));
        Fuzz.run("mss-clamp", seeds, buf -> MssClamp.clamp(buf, 1356));
    }

    private static void assertClamped(byte[] before, byte[] expected) {
        ByteBuf buf = Unpooled.wrappedBuffer(before.clone());
        assertThat(MssClamp.clamp(buf, 1356)).isTrue();
        assertThat(HexFormat.of().formatHex(bytes(buf))).isEqualTo(HexFormat.of().formatHex(expected));
    }

    private static void assertUnchanged(byte[] packet) {
        ByteBuf buf = Unpooled.wrappedBuffer(packet.clone());
        assertThat(MssClamp.clamp(buf, 1356)).isFalse();
        assertThat(bytes(buf)).isEqualTo(packet);
    }

    private static byte[] bytes(ByteBuf buf) {
        byte[] out = new byte[buf.readableBytes()];
        buf.getBytes(buf.readerIndex(), out);
        return out;
    }

    /** An IPv4 TCP SYN with {@code nops} NOPs, then MSS, padded with NOPs to 32 bits, checksum correct. */
    static byte[] tcpSyn(int nops, int mss, byte[] payload) {
        ByteArrayOutputStream options = new ByteArrayOutputStream();
        for (int i = 0; i < nops; i++) {
            options.write(1);
        }
        options.writeBytes(new byte[] {2, 4, (byte) (mss >> 8), (byte) mss});
        while (options.size() % 4 != 0) {
            options.write(1);
        }
        int tcpLength = 20 + options.size();
        int total = 20 + tcpLength + payload.length;
        ByteBuf p = Unpooled.buffer(total);
        p.writeByte(0x45).writeByte(0).writeShort(total).writeShort(7).writeShort(0x4000).writeByte(64).writeByte(6)
                .writeShort(0).writeInt(0x0A58000A).writeInt(0xC6336402);
        p.writeShort(40000).writeShort(5201).writeInt(1).writeInt(0).writeByte((tcpLength / 4) << 4).writeByte(0x02)
                .writeShort(64240).writeShort(0).writeShort(0);
        p.writeBytes(options.toByteArray()).writeBytes(payload);
        byte[] packet = bytes(p);
        int checksum = ~sum(packet, 20, packet.length - 20, pseudoHeader(packet)) & 0xFFFF;
        packet[36] = (byte) (checksum >> 8);
        packet[37] = (byte) checksum;
        return packet;
    }

    /** {@code packet} with its TCP checksum recomputed (after a test changed an address). */
    static byte[] withChecksum(byte[] packet) {
        packet[36] = 0;
        packet[37] = 0;
        int checksum = ~sum(packet, 20, packet.length - 20, pseudoHeader(packet)) & 0xFFFF;
        packet[36] = (byte) (checksum >> 8);
        packet[37] = (byte) checksum;
        return packet;
    }

    static boolean tcpChecksumOk(byte[] packet) {
        int ihl = (packet[0] & 0x0F) * 4;
        return (sum(packet, ihl, packet.length - ihl, pseudoHeader(packet)) & 0xFFFF) == 0xFFFF;
    }

    private static long pseudoHeader(byte[] packet) {
        int ihl = (packet[0] & 0x0F) * 4;
        long sum = 0;
        for (int i = 12; i < 20; i += 2) {
            sum += ((packet[i] & 0xFF) << 8) | (packet[i + 1] & 0xFF);
        }
        return sum + 6 + (packet.length - ihl);
    }

    /** RFC 1071 one's complement sum, folded to 16 bits. */
    private static int sum(byte[] data, int offset, int length, long initial) {
        long sum = initial;
        for (int i = 0; i < length; i += 2) {
            int high = data[offset + i] & 0xFF;
            int low = i + 1 < length ? data[offset + i + 1] & 0xFF : 0;
            sum += (high << 8) | low;
        }
        while ((sum >> 16) != 0) {
            sum = (sum & 0xFFFF) + (sum >> 16);
        }
        return (int) sum;
    }
}
