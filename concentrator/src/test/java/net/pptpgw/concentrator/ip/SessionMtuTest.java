package net.pptpgw.concentrator.ip;

import static net.pptpgw.concentrator.ip.Datagrams.DONT_FRAGMENT;
import static net.pptpgw.concentrator.ip.Datagrams.assertReassembles;
import static net.pptpgw.concentrator.ip.Datagrams.bytes;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import net.pptpgw.concentrator.Ipv4;
import net.pptpgw.concentrator.ip.IpMetrics.IcmpOutcome;
import net.pptpgw.concentrator.pool.AddressPool;
import net.pptpgw.protocol.testing.Fuzz;
import net.pptpgw.protocol.testing.Scapy;
import net.pptpgw.protocol.testing.Tshark;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link IpDataPlane} with a session whose MTU is below the TUN's: what fits passes untouched,
 * too big with DF is refused with ICMP Fragmentation Needed (byte-exact against scapy, judged by
 * tshark), rate-limited and never sent where RFC 1812 forbids it; too big without DF reaches the
 * session as fragments; every buffer made on the way is released.
 */
class SessionMtuTest {

    private static final int MTU = 1200;
    private static final int LOCAL = 0x0A580001; // 10.88.0.1, the TUN's own address
    private static final int SESSION_ADDRESS = 0x0A58000C; // 10.88.0.12
    private static final int SENDER = 0xC6336402; // 198.51.100.2

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final AddressPool pool = AddressPool.parse(List.of("10.88.0.10-10.88.0.20"));
    private final List<ByteBuf> tun = new ArrayList<>();
    private final Datagrams.TrackingAllocator allocator = new Datagrams.TrackingAllocator();
    private long now = 1_000_000_000L;
    private final IpDataPlane plane = new IpDataPlane(Ipv4.fromInt(LOCAL), pool, meters, tun::add, allocator,
            () -> now);
    private final Session session = new Session(MTU);

    /** A session with a given MTU that keeps what it is sent, or refuses from its {@code refuseFrom}-th packet on. */
    private static final class Session implements IpSession {
        final int mtu;
        final List<ByteBuf> received = new ArrayList<>();
        int refuseFrom = Integer.MAX_VALUE;

        Session(int mtu) {
            this.mtu = mtu;
        }

        @Override
        public TunDropReason fromTun(ByteBuf packet) {
            if (received.size() >= refuseFrom) {
                packet.release();
                return TunDropReason.LINK_BUSY;
            }
            received.add(packet);
            return null;
        }

        @Override
        public int mtu() {
            return mtu;
        }

        @Override
        public int maxSegmentSize() {
            return MssClamp.mssFor(mtu);
        }

        List<byte[]> take() {
            List<byte[]> out = received.stream().map(Datagrams::bytes).toList();
            received.forEach(ByteBuf::release);
            received.clear();
            return out;
        }
    }

    @AfterEach
    void everythingMadeWasReleased() {
        session.take();
        tun.forEach(ByteBuf::release);
        assertThat(allocator.live()).as("fragments and ICMP answers left unreleased").isZero();
    }

    private TunDropReason toSession(byte[] packet) {
        plane.attach(pool.lookup(SESSION_ADDRESS), session);
        return plane.toSessions(Unpooled.wrappedBuffer(packet));
    }

    private List<byte[]> tunPackets() {
        List<byte[]> out = tun.stream().map(Datagrams::bytes).toList();
        tun.forEach(ByteBuf::release);
        tun.clear();
        return out;
    }

    private double icmp(IcmpOutcome outcome) {
        return plane.fragmentationNeeded(outcome);
    }

    private double counter(String name, String... tags) {
        return meters.get(name).tags(tags).counter().count();
    }

    private static String udp(String ipFields, int length) {
        return "IP(src='198.51.100.2',dst='10.88.0.12',id=0x1234,ttl=63" + ipFields + ")/UDP(sport=5000,dport=6000)"
                + "/Raw(bytes(range(256))*" + (length / 256) + "+bytes(range(" + (length % 256) + ")))";
    }

    @Test
    void packetsThatFitPassUntouchedAndWithoutACopy() {
        plane.attach(pool.lookup(SESSION_ADDRESS), session);
        ByteBuf exactly = Unpooled.wrappedBuffer(Datagrams.ipv4(1, DONT_FRAGMENT, 17, new byte[0],
                Datagrams.payload(MTU - 20), SENDER, SESSION_ADDRESS));
        assertThat(plane.toSessions(exactly)).isNull();
        assertThat(session.received).singleElement().isSameAs(exactly);
        // Longer than the MTU only by padding after Total Length: the datagram itself fits.
        byte[] padded = java.util.Arrays.copyOf(Datagrams.ipv4(2, DONT_FRAGMENT, 17, new byte[0],
                Datagrams.payload(MTU - 20), SENDER, SESSION_ADDRESS), MTU + 6);
        ByteBuf withPadding = Unpooled.wrappedBuffer(padded);
        assertThat(plane.toSessions(withPadding)).isNull();
        assertThat(session.received.get(1)).isSameAs(withPadding);
        assertThat(withPadding.readableBytes()).isEqualTo(MTU);
        assertThat(allocator.made).isEmpty();
    }

    @Test
    void tooBigWithDontFragmentIsAnsweredWithFragmentationNeededByteForByte() {
        String datagram = udp(",flags='DF'", 1300);
        // RFC 1191 §4: type 3 code 4, Next-Hop MTU in the low half of the second word; the quote
        // is the IP header and 8 octets (RFC 792). From the TUN's address, precedence 6.
        String answer = "IP(src='10.88.0.1',dst='198.51.100.2',tos=0xc0,id=1,ttl=64)"
                + "/ICMP(type=3,code=4,nexthopmtu=1200)/Raw(bytes(" + datagram + ")[:28])";
        // A header with options (Router Alert): the quote is the whole header, then 8 octets.
        String withOptions = udp(",flags='DF',options=[IPOption_Router_Alert()]", 1300);
        String answerWithOptions = "IP(src='10.88.0.1',dst='198.51.100.2',tos=0xc0,id=2,ttl=64)"
                + "/ICMP(type=3,code=4,nexthopmtu=1200)/Raw(bytes(" + withOptions + ")[:32])";
        List<byte[]> built = Scapy.build(List.of(datagram, answer, withOptions, answerWithOptions));

        assertThat(toSession(built.get(0))).isEqualTo(TunDropReason.TOO_BIG);
        assertThat(toSession(built.get(2))).isEqualTo(TunDropReason.TOO_BIG);
        assertThat(session.received).isEmpty();
        assertThat(tunPackets()).extracting(HexFormat.of()::formatHex)
                .containsExactly(HexFormat.of().formatHex(built.get(1)), HexFormat.of().formatHex(built.get(3)));
        assertThat(plane.dropped(TunDropReason.TOO_BIG)).isEqualTo(2);
        assertThat(counter("pptp.ip.dropped", "reason", "too-big")).isEqualTo(2);
        assertThat(counter("pptp.ip.icmp.frag.needed", "outcome", "sent")).isEqualTo(2);
    }

    @Test
    void tooBigWithoutDontFragmentReachesTheSessionAsFragments() {
        String datagram = udp("", 1300);
        List<byte[]> built = Scapy.build(List.of(datagram, "bytes(fragment(" + datagram + ", fragsize=1176)[0])",
                "bytes(fragment(" + datagram + ", fragsize=1176)[1])"));
        assertThat(toSession(built.get(0))).isNull();
        List<byte[]> fragments = session.take();
        assertThat(fragments).extracting(HexFormat.of()::formatHex)
                .containsExactly(HexFormat.of().formatHex(built.get(1)), HexFormat.of().formatHex(built.get(2)));
        assertReassembles(built.get(0), fragments, MTU);
        assertThat(tun).isEmpty();
        assertThat(counter("pptp.ip.fragmented")).isEqualTo(1);
        assertThat(counter("pptp.ip.fragments")).isEqualTo(2);
        assertThat(counter("pptp.ip.packets", "direction", "to-peer")).isEqualTo(2);
        assertThat(counter("pptp.ip.bytes", "direction", "to-peer")).isEqualTo(1196 + 152);
    }

    @Test
    void aFragmentTheSessionRefusesEndsTheRest() {
        session.refuseFrom = 1;
        byte[] big = Datagrams.ipv4(5, 0, 17, new byte[0], Datagrams.payload(3000), SENDER, SESSION_ADDRESS);
        assertThat(toSession(big)).isEqualTo(TunDropReason.LINK_BUSY);
        assertThat(session.received).hasSize(1);
        assertThat(plane.dropped(TunDropReason.LINK_BUSY)).isEqualTo(1);
        // The second was made and refused; the third never made.
        assertThat(counter("pptp.ip.fragments")).isEqualTo(2);
        assertThat(allocator.made).hasSize(2);
    }

    @Test
    void noAnswerWhereRfc1812ForbidsOne() {
        byte[] unreachable = icmpMessage(3, SENDER);
        byte[] timeExceeded = icmpMessage(11, SENDER);
        byte[] unknownType = icmpMessage(42, SENDER);
        byte[] laterFragment = Datagrams.ipv4(1, DONT_FRAGMENT | 100, 17, new byte[0], Datagrams.payload(1300), SENDER,
                SESSION_ADDRESS);
        byte[] multicastSource = Datagrams.ipv4(1, DONT_FRAGMENT, 17, new byte[0], Datagrams.payload(1300),
                0xE0000001, SESSION_ADDRESS);
        byte[] loopbackSource = Datagrams.ipv4(1, DONT_FRAGMENT, 17, new byte[0], Datagrams.payload(1300), 0x7F000001,
                SESSION_ADDRESS);
        byte[] zeroSource = Datagrams.ipv4(1, DONT_FRAGMENT, 17, new byte[0], Datagrams.payload(1300), 0,
                SESSION_ADDRESS);
        byte[] broadcastSource = Datagrams.ipv4(1, DONT_FRAGMENT, 17, new byte[0], Datagrams.payload(1300), -1,
                SESSION_ADDRESS);
        for (byte[] packet : List.of(unreachable, timeExceeded, unknownType, laterFragment, multicastSource,
                loopbackSource, zeroSource, broadcastSource)) {
            assertThat(toSession(packet)).isEqualTo(TunDropReason.TOO_BIG);
        }
        assertThat(tun).isEmpty();
        assertThat(icmp(IcmpOutcome.NOT_ALLOWED)).isEqualTo(8);
        assertThat(plane.dropped(TunDropReason.TOO_BIG)).isEqualTo(8);
        // An ICMP query (ping -M do -s 1300) is answered: it is no error.
        assertThat(toSession(icmpMessage(8, SENDER))).isEqualTo(TunDropReason.TOO_BIG);
        assertThat(tunPackets()).singleElement().satisfies(answer -> {
            assertThat(answer[20]).isEqualTo((byte) 3);
            assertThat(answer[21]).isEqualTo((byte) 4);
            assertThat(answer[20 + 8 + 20]).as("the quoted ICMP type").isEqualTo((byte) 8);
        });
    }

    /** An ICMP message of {@code type}, 1300 octets, DF set, towards the session. */
    private static byte[] icmpMessage(int type, int source) {
        byte[] body = Datagrams.payload(1300);
        body[0] = (byte) type;
        return Datagrams.ipv4(1, DONT_FRAGMENT, 1, new byte[0], body, source, SESSION_ADDRESS);
    }

    @Test
    void answersAreRateLimitedInAll() {
        byte[] tooBig = Datagrams.ipv4(1, DONT_FRAGMENT, 6, new byte[0], Datagrams.payload(1300), SENDER,
                SESSION_ADDRESS);
        for (int i = 0; i < IpDataPlane.ICMP_BURST + 10; i++) {
            toSession(tooBig);
        }
        assertThat(icmp(IcmpOutcome.SENT)).isEqualTo(IpDataPlane.ICMP_BURST);
        assertThat(icmp(IcmpOutcome.RATE_LIMITED)).isEqualTo(10);
        // 200 a second: one more every 5 ms, and no more.
        now += TimeUnit.MILLISECONDS.toNanos(10);
        for (int i = 0; i < 5; i++) {
            toSession(tooBig);
        }
        assertThat(icmp(IcmpOutcome.SENT)).isEqualTo(IpDataPlane.ICMP_BURST + 2);
        assertThat(icmp(IcmpOutcome.RATE_LIMITED)).isEqualTo(13);
        // A second idle fills the bucket again, to its burst and not beyond.
        now += TimeUnit.SECONDS.toNanos(1);
        for (int i = 0; i < IpDataPlane.ICMP_BURST + 1; i++) {
            toSession(tooBig);
        }
        assertThat(icmp(IcmpOutcome.SENT)).isEqualTo(2 * IpDataPlane.ICMP_BURST + 2);
        assertThat(icmp(IcmpOutcome.RATE_LIMITED)).isEqualTo(14);
        assertThat(tunPackets()).hasSize(2 * IpDataPlane.ICMP_BURST + 2);
        assertThat(plane.dropped(TunDropReason.TOO_BIG)).isEqualTo(2 * IpDataPlane.ICMP_BURST + 16);
    }

    @Test
    void aTunThatRefusesTheAnswerIsCounted() {
        IpDataPlane refusing = new IpDataPlane(Ipv4.fromInt(LOCAL), pool, meters, p -> !p.release(), allocator,
                () -> now);
        refusing.attach(pool.lookup(SESSION_ADDRESS), session);
        refusing.toSessions(Unpooled.wrappedBuffer(icmpMessage(8, SENDER)));
        assertThat(refusing.fragmentationNeeded(IcmpOutcome.TUN_BUSY)).isEqualTo(1);
    }

    @Test
    void tooBigButBrokenIsDroppedAsMalformed() {
        byte[] lying = Datagrams.ipv4(1, 0, 17, new byte[0], Datagrams.payload(1300), SENDER, SESSION_ADDRESS);
        lying[2] = (byte) 0xFF; // Total Length beyond the bytes read
        byte[] badOption = Datagrams.ipv4(1, 0, 17, HexFormat.of().parseHex("07090400"), Datagrams.payload(1300),
                SENDER, SESSION_ADDRESS);
        ByteBuf first = Unpooled.wrappedBuffer(lying);
        ByteBuf second = Unpooled.wrappedBuffer(badOption);
        plane.attach(pool.lookup(SESSION_ADDRESS), session);
        assertThat(plane.toSessions(first)).isEqualTo(TunDropReason.MALFORMED);
        assertThat(plane.toSessions(second)).isEqualTo(TunDropReason.MALFORMED);
        assertThat(first.refCnt()).isZero();
        assertThat(second.refCnt()).isZero();
        assertThat(counter("pptp.ip.dropped", "reason", "malformed")).isEqualTo(2);
    }

    @Test
    void tsharkReadsTheAnswerAndTheFragments(@TempDir Path dir) {
        byte[] refused = Datagrams.ipv4(0x1111, DONT_FRAGMENT, 17, new byte[0], withUdpHeader(Datagrams.payload(1300)),
                SENDER, SESSION_ADDRESS);
        byte[] fragmented = Datagrams.ipv4(0x2222, 0, 17, new byte[0], withUdpHeader(Datagrams.payload(1300)), SENDER,
                SESSION_ADDRESS);
        toSession(refused);
        toSession(fragmented);
        List<byte[]> frames = new ArrayList<>(tunPackets());
        frames.addAll(session.take());
        Path pcap = Tshark.writePcap(dir, frames);
        List<Map<String, String>> fields = Tshark.fields(pcap, "icmp.type", "icmp.code", "icmp.mtu", "ip.src",
                "ip.flags.mf", "ip.frag_offset", "ip.id", "udp.length");
        assertThat(Tshark.problems(pcap)).as(Tshark.verbose(pcap)).isEmpty();
        assertThat(fields).hasSize(3);
        Map<String, String> answer = fields.get(0);
        assertThat(answer.get("icmp.type")).isEqualTo("3");
        assertThat(answer.get("icmp.code")).isEqualTo("4");
        assertThat(answer.get("icmp.mtu")).isEqualTo("1200");
        assertThat(answer.get("ip.src")).startsWith("10.88.0.1,198.51.100.2"); // ours, then the quoted header's
        assertThat(fields.get(1).get("ip.flags.mf")).isIn("1", "True");
        assertThat(fields.get(1).get("ip.frag_offset")).isEqualTo("0");
        assertThat(fields.get(2).get("ip.flags.mf")).isIn("0", "False");
        assertThat(fields.get(2).get("ip.frag_offset")).as("in 8-octet units").isEqualTo("147");
        // tshark reassembled the two into the UDP datagram: its length is the original's.
        assertThat(fields.get(2).get("udp.length")).isEqualTo("1300");
    }

    /** {@code payload} with its first 8 octets made a UDP header (5000 -> 6000, its length, no checksum). */
    private static byte[] withUdpHeader(byte[] payload) {
        payload[0] = (byte) (5000 >> 8);
        payload[1] = (byte) 5000;
        payload[2] = (byte) (6000 >> 8);
        payload[3] = (byte) 6000;
        payload[4] = (byte) (payload.length >> 8);
        payload[5] = (byte) payload.length;
        payload[6] = 0;
        payload[7] = 0;
        return payload;
    }

    @Test
    void neverThrowsAndReleasesEverythingOnArbitraryBytes() {
        Session small = new Session(40);
        List<byte[]> seeds = List.of(
                Datagrams.ipv4(1, 0, 17, new byte[0], Datagrams.payload(44), SENDER, SESSION_ADDRESS),
                Datagrams.ipv4(1, DONT_FRAGMENT, 17, new byte[0], Datagrams.payload(44), SENDER, SESSION_ADDRESS),
                Datagrams.ipv4(1, 0, 17, HexFormat.of().parseHex("070704000000000194040000"), Datagrams.payload(40),
                        SENDER, SESSION_ADDRESS),
                icmpMessage(8, SENDER));
        Fuzz.run("ip-session-mtu", seeds, buf -> {
            if (buf.readableBytes() < 20 || (buf.getByte(0) & 0xF0) != 0x40) {
                return; // toSessions turns these away before any session is looked up
            }
            plane.toSession(buf.retain(), small);
            for (byte[] fragment : small.take()) {
                if (fragment.length > small.mtu) {
                    throw new AssertionError("sent " + fragment.length + " octets to a session of MTU " + small.mtu);
                }
            }
            tun.forEach(ByteBuf::release);
            tun.clear();
            now += 1_000_000; // 1 ms a packet: the rate limit's refill is exercised too
        });
        assertThat(allocator.live()).isZero();
    }
}
