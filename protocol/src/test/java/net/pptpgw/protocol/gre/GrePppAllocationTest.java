package net.pptpgw.protocol.gre;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.lang.management.ManagementFactory;
import net.pptpgw.protocol.ppp.PppDecodeStatus;
import net.pptpgw.protocol.ppp.PppHeader;
import org.junit.jupiter.api.Test;

/**
 * The data plane's per-packet work (decode GRE and PPP headers, then re-encapsulate in place)
 * allocates nothing: measured with the JVM's per-thread allocation counter around 10^5
 * packets after warm-up, allowing a small constant for the measurement itself.
 */
class GrePppAllocationTest {

    private static final int PACKETS = 100_000;
    private static final long ALLOWED_BYTES = 4096;

    @Test
    void decodeAndReencodeAllocateNothing() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        assertThat(threads.isThreadAllocatedMemorySupported()).isTrue();
        threads.setThreadAllocatedMemoryEnabled(true);

        // A 1400-byte PPP frame in GRE, in a direct buffer as the receive path gets it.
        ByteBuf packet = Unpooled.directBuffer(1400 + GreHeader.MAX_LENGTH + PppHeader.MAX_LENGTH);
        packet.writerIndex(GreHeader.MAX_LENGTH + PppHeader.MAX_LENGTH).readerIndex(packet.writerIndex());
        packet.writeZero(1400 - PppHeader.MAX_LENGTH);
        PppHeader.prependTo(packet, 0x0021, false, false);
        new GreHeader().callId(7).sequence(0).acknowledgment(0).prependTo(packet);
        int start = packet.readerIndex();
        int length = packet.readableBytes();

        GreHeader gre = new GreHeader();
        PppHeader ppp = new PppHeader();
        long checksum = run(packet, start, length, gre, ppp, PACKETS); // warm-up: let the JIT compile the loop

        long before = threads.getCurrentThreadAllocatedBytes();
        checksum += run(packet, start, length, gre, ppp, PACKETS);
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;

        assertThat(checksum).isEqualTo(2L * PACKETS * 7);
        assertThat(allocated).as("bytes allocated for %d packets", PACKETS).isLessThan(ALLOWED_BYTES);
        packet.release();
    }

    private static long run(ByteBuf packet, int start, int length, GreHeader gre, PppHeader ppp, int packets) {
        long checksum = 0;
        for (int i = 0; i < packets; i++) {
            packet.setIndex(start, start + length);
            if (gre.decode(packet, start, length) != GreDecodeStatus.OK) {
                throw new AssertionError("gre");
            }
            if (ppp.decode(packet, gre.payloadOffset(), gre.payloadLength()) != PppDecodeStatus.OK) {
                throw new AssertionError("ppp");
            }
            // Re-encapsulate for the other direction: PPP with PFC/ACFC, GRE with the next numbers.
            packet.readerIndex(ppp.payloadOffset());
            PppHeader.prependTo(packet, ppp.protocol(), false, false);
            gre.sequence(SequenceNumbers.next(gre.sequence())).acknowledgment(gre.acknowledgment()).prependTo(packet);
            checksum += gre.callId();
        }
        return checksum;
    }
}
