package net.pptpgw.benchmarks;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.util.concurrent.TimeUnit;
import net.pptpgw.protocol.gre.GreDecodeStatus;
import net.pptpgw.protocol.gre.GreHeader;
import net.pptpgw.protocol.gre.SequenceNumbers;
import net.pptpgw.protocol.ppp.PppDecodeStatus;
import net.pptpgw.protocol.ppp.PppHeader;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Per-packet cost of the data plane's header work on a 1400-byte GRE datagram: decode the
 * enhanced GRE header and the PPP header, then encapsulate again in place (PPP header and GRE
 * header with the next sequence number written into the headroom). The baseline copies the
 * same 1400 bytes from one pooled direct buffer into another, the least any relay that does
 * not work in place would do. Goal: codec at most 3x the copy.
 *
 * <pre>
 * mvn -B -q -pl protocol,benchmarks -am package -DskipTests
 * java -jar benchmarks/target/benchmarks.jar GrePppHeader -f 1 -wi 3 -i 5 -prof gc
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class GrePppHeaderBenchmark {

    static final int DATAGRAM = 1400;
    private static final int HEADROOM = GreHeader.MAX_LENGTH + PppHeader.MAX_LENGTH;

    private final GreHeader gre = new GreHeader();
    private final PppHeader ppp = new PppHeader();
    private ByteBuf packet;
    private int start;
    private ByteBuf copySource;
    private ByteBuf copyTarget;

    @Setup
    public void setUp() {
        // GRE with S and A (16 bytes) + PPP ff 03 00 21 (4 bytes) + 1380 bytes of IPv4, in the
        // pooled direct buffers the receive path uses; headroom in front for re-encapsulation.
        packet = PooledByteBufAllocator.DEFAULT.directBuffer(HEADROOM + DATAGRAM);
        packet.writerIndex(HEADROOM).readerIndex(HEADROOM);
        for (int i = 0; i < DATAGRAM - HEADROOM; i++) {
            packet.writeByte(i);
        }
        PppHeader.prependTo(packet, 0x0021, false, false);
        new GreHeader().callId(7).sequence(0).acknowledgment(0).prependTo(packet);
        start = packet.readerIndex();

        copySource = PooledByteBufAllocator.DEFAULT.directBuffer(DATAGRAM);
        copySource.writeBytes(packet, start, DATAGRAM);
        copyTarget = PooledByteBufAllocator.DEFAULT.directBuffer(DATAGRAM);
    }

    @TearDown
    public void tearDown() {
        packet.release();
        copySource.release();
        copyTarget.release();
    }

    @Benchmark
    public int decodeAndReencodeHeaders() {
        ByteBuf p = packet;
        p.setIndex(start, start + DATAGRAM);
        if (gre.decode(p, start, DATAGRAM) != GreDecodeStatus.OK) {
            throw new IllegalStateException("GRE header rejected");
        }
        if (ppp.decode(p, gre.payloadOffset(), gre.payloadLength()) != PppDecodeStatus.OK) {
            throw new IllegalStateException("PPP header rejected");
        }
        p.readerIndex(ppp.payloadOffset());
        PppHeader.prependTo(p, ppp.protocol(), false, false);
        gre.sequence(SequenceNumbers.next(gre.sequence())).prependTo(p);
        return p.readerIndex() + gre.callId();
    }

    @Benchmark
    public int copyBaseline() {
        ByteBuf target = copyTarget;
        target.clear();
        target.writeBytes(copySource, 0, DATAGRAM);
        return target.writerIndex();
    }
}
