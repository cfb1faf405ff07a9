package net.pptpgw.protocol.ppp.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.lang.management.ManagementFactory;
import java.util.List;
import net.pptpgw.protocol.ppp.fsm.AuthenticationMethod;
import net.pptpgw.protocol.ppp.fsm.CcpSettings;
import net.pptpgw.protocol.ppp.fsm.CcpSettings.Mode;
import net.pptpgw.protocol.ppp.fsm.MppeStrength;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The data path through two sessions, sendIp -> PPP + MPPE framing -> receive -> decrypt ->
 * ipPacketReceived, allocates nothing per packet (key changes included): the JVM's per-thread
 * allocation counter around 10^5 packets after warm-up, as GrePppAllocationTest measures.
 */
class DataPathAllocationTest {

    private static final int PACKETS = 100_000;
    private static final long ALLOWED_BYTES = 4096;

    @ParameterizedTest
    @EnumSource(Mode.class)
    void mppeRoundTripAllocatesNothing(Mode mode) {
        CcpSettings ccp = new CcpSettings(CcpSettings.Mppe.REQUIRE, List.of(MppeStrength.BITS_128), List.of(mode));
        SessionLink link = new SessionLink(SessionLink.server(List.of(AuthenticationMethod.MS_CHAP_V2), ccp),
                SessionLink.client(List.of(AuthenticationMethod.MS_CHAP_V2), ccp, SessionLink.PASSWORD), 1).start();
        link.runFor(1_000);
        assertThat(link.client.networkUp).isTrue();
        link.client.direct = true;
        link.server.direct = true;

        ByteBuf packet = Unpooled.directBuffer(64 + 1400);
        byte[] ip = PppSessionTest.packets(1, 1).getFirst();
        packet.writerIndex(64).readerIndex(64);
        packet.writeBytes(ip);
        packet.writeZero(1400 - ip.length);
        byte[] original = ByteBufUtil.getBytes(packet);

        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        threads.setThreadAllocatedMemoryEnabled(true);
        run(link, packet, PACKETS);
        long before = threads.getCurrentThreadAllocatedBytes();
        run(link, packet, PACKETS);
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;

        assertThat(ByteBufUtil.getBytes(link.server.lastIp)).isEqualTo(original);
        assertThat(allocated).as("bytes allocated for %d packets", PACKETS).isLessThan(ALLOWED_BYTES);
        packet.release();
    }

    private static void run(SessionLink link, ByteBuf packet, int packets) {
        for (int i = 0; i < packets; i++) {
            packet.setIndex(64, 64 + 1400);
            link.client.session.sendIp(packet);
            if (link.server.lastIp != packet) {
                throw new AssertionError("packet " + i + " not delivered");
            }
            link.server.lastIp = null;
        }
        link.server.lastIp = packet;
    }
}
