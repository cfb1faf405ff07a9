package net.pptpgw.concentrator.ip;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;
import net.pptpgw.concentrator.Ipv4;
import net.pptpgw.concentrator.pool.AddressPool;
import net.pptpgw.protocol.testing.Packets;
import org.junit.jupiter.api.Test;

/**
 * {@link IpDataPlane} without a TUN: packets from the kernel reach the session attached at the
 * destination's pool offset (several ranges), packets from a session reach the TUN only with the
 * session's own source address, drops are counted by reason, and every dropped buffer is released.
 */
class IpDataPlaneTest {

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final AddressPool pool = AddressPool.parse(List.of("10.88.0.10-10.88.0.20", "10.88.1.0/29"));
    private final List<ByteBuf> tun = new ArrayList<>();
    private final IpDataPlane plane = new IpDataPlane(Ipv4.fromInt(0x0A580001), pool, meters, tun::add);

    /** A session that keeps what it is sent. */
    private static final class Recorder implements IpSession {
        final List<ByteBuf> received = new ArrayList<>();
        TunDropReason answer;

        @Override
        public TunDropReason fromTun(ByteBuf packet) {
            if (answer != null) {
                packet.release();
                return answer;
            }
            received.add(packet);
            return null;
        }

        @Override
        public int mtu() {
            return 1396;
        }

        @Override
        public int maxSegmentSize() {
            return 1356;
        }
    }

    private static ByteBuf packet(int[] source, int[] destination) {
        return Unpooled.wrappedBuffer(Packets.ipv4(17, Packets.address(source[0], source[1], source[2], source[3]),
                Packets.address(destination[0], destination[1], destination[2], destination[3]), new byte[8]));
    }

    @Test
    void kernelPacketsFindTheirSessionByPoolOffset() {
        Recorder first = new Recorder();
        Recorder second = new Recorder();
        int firstOffset = pool.lookup(0x0A58000C); // 10.88.0.12, first range
        int secondOffset = pool.lookup(0x0A580103); // 10.88.1.3, second range
        assertThat(firstOffset).isEqualTo(2);
        assertThat(secondOffset).isEqualTo(11 + 2);
        plane.attach(firstOffset, first);
        plane.attach(secondOffset, second);

        assertThat(plane.toSessions(packet(new int[] {198, 51, 100, 2}, new int[] {10, 88, 0, 12}))).isNull();
        assertThat(plane.toSessions(packet(new int[] {198, 51, 100, 2}, new int[] {10, 88, 1, 3}))).isNull();
        assertThat(first.received).hasSize(1);
        assertThat(second.received).hasSize(1);
        first.received.forEach(ByteBuf::release);
        second.received.forEach(ByteBuf::release);

        ByteBuf notInPool = packet(new int[] {198, 51, 100, 2}, new int[] {10, 88, 2, 1});
        assertThat(plane.toSessions(notInPool)).isEqualTo(TunDropReason.NO_SESSION);
        ByteBuf nobodyThere = packet(new int[] {198, 51, 100, 2}, new int[] {10, 88, 0, 13});
        assertThat(plane.toSessions(nobodyThere)).isEqualTo(TunDropReason.NO_SESSION);
        assertThat(notInPool.refCnt()).isZero();
        assertThat(nobodyThere.refCnt()).isZero();

        first.answer = TunDropReason.NOT_UP;
        assertThat(plane.toSessions(packet(new int[] {198, 51, 100, 2}, new int[] {10, 88, 0, 12})))
                .isEqualTo(TunDropReason.NOT_UP);

        plane.detach(firstOffset, first);
        assertThat(plane.toSessions(packet(new int[] {198, 51, 100, 2}, new int[] {10, 88, 0, 12})))
                .isEqualTo(TunDropReason.NO_SESSION);
        assertThat(plane.dropped(TunDropReason.NO_SESSION)).isEqualTo(3);
        assertThat(plane.dropped(TunDropReason.NOT_UP)).isEqualTo(1);
        assertThat(meters.get("pptp.ip.packets").tag("direction", "to-peer").counter().count()).isEqualTo(2);
    }

    @Test
    void detachingAnotherSessionsSlotChangesNothing() {
        Recorder old = new Recorder();
        Recorder current = new Recorder();
        plane.attach(0, old);
        plane.attach(0, current); // the address went to a new session
        plane.detach(0, old); // the old one's late teardown
        assertThat(plane.attached(0)).isSameAs(current);
    }

    @Test
    void sessionPacketsNeedTheSessionsOwnSourceAddress() {
        int address = 0x0A58000C;
        ByteBuf own = packet(new int[] {10, 88, 0, 12}, new int[] {198, 51, 100, 2});
        assertThat(plane.fromSession(own, address, 1356)).isNull();
        assertThat(tun).containsExactly(own);

        ByteBuf spoofed = packet(new int[] {10, 88, 0, 13}, new int[] {198, 51, 100, 2});
        assertThat(plane.fromSession(spoofed, address, 1356)).isEqualTo(TunDropReason.SPOOFED_SOURCE);
        assertThat(spoofed.refCnt()).isZero();
        ByteBuf ipv6 = Unpooled.wrappedBuffer(new byte[] {0x60, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
            0, 0, 0, 0});
        assertThat(plane.fromSession(ipv6, address, 1356)).isEqualTo(TunDropReason.NOT_IPV4);
        ByteBuf runt = Unpooled.wrappedBuffer(new byte[] {0x45, 0, 0});
        assertThat(plane.fromSession(runt, address, 1356)).isEqualTo(TunDropReason.NOT_IPV4);
        assertThat(plane.dropped(TunDropReason.SPOOFED_SOURCE)).isEqualTo(1);
        assertThat(meters.get("pptp.ip.dropped").tag("reason", "spoofed-source").counter().count()).isEqualTo(1);
        tun.forEach(ByteBuf::release);
    }

    @Test
    void sessionSynsAreClampedOnTheWayToTheKernel() {
        byte[] syn = MssClampTest.tcpSyn(1, 1460, new byte[0]);
        syn[12] = 10;
        syn[13] = 88;
        syn[14] = 0;
        syn[15] = 12;
        syn = MssClampTest.withChecksum(syn);
        ByteBuf packet = Unpooled.wrappedBuffer(syn);
        assertThat(plane.fromSession(packet, 0x0A58000C, 1356)).isNull();
        assertThat(packet.getUnsignedShort(20 + 20 + 1 + 2)).isEqualTo(1356);
        assertThat(MssClampTest.tcpChecksumOk(syn)).isTrue();
        assertThat(meters.get("pptp.ip.mss.clamped").counter().count()).isEqualTo(1);
        packet.release();
    }

    @Test
    void routesCoverEachRangeWithAlignedPrefixes() {
        assertThat(IpDataPlane.routes(AddressPool.parse(List.of("10.0.0.10-10.0.0.20", "10.1.0.0/24", "192.0.2.7"))))
                .containsExactly("10.0.0.10/31", "10.0.0.12/30", "10.0.0.16/30", "10.0.0.20/32",
                        "10.1.0.1/32", "10.1.0.2/31", "10.1.0.4/30", "10.1.0.8/29", "10.1.0.16/28", "10.1.0.32/27",
                        "10.1.0.64/26", "10.1.0.128/26", "10.1.0.192/27", "10.1.0.224/28", "10.1.0.240/29",
                        "10.1.0.248/30", "10.1.0.252/31", "10.1.0.254/32", "192.0.2.7/32");
    }
}
