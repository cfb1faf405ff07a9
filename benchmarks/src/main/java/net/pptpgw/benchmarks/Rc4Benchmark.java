package net.pptpgw.benchmarks;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import javax.crypto.Cipher;
import javax.crypto.ShortBufferException;
import javax.crypto.spec.SecretKeySpec;
import net.pptpgw.protocol.ppp.mppe.MppeKeyStrength;
import net.pptpgw.protocol.ppp.mppe.MppeSessionKey;
import net.pptpgw.protocol.ppp.mppe.Rc4;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * RC4 over one 1400-octet packet in place: this project's {@link Rc4} against the JDK's
 * {@code ARCFOUR} cipher, in the same run.
 *
 * <p>One operation is one octet ({@code @OperationsPerInvocation(1400)}) and the unit is
 * operations per microsecond, so every score reads directly as MB/s (10^6 octets per second),
 * the unit {@code openssl speed} uses (its "k" is 1000 octets per second).
 * {@code benchmarks/rc4-vs-openssl.sh} runs this next to {@code openssl speed -evp rc4}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class Rc4Benchmark {

    static final int PACKET = 1400;

    private final byte[] packet = new byte[PACKET];
    private final Rc4 ours = new Rc4();
    private final Rc4 keyedInstance = new Rc4();
    private ByteBuf directPacket;
    private ByteBuf packetBuffer;
    private Cipher jce;
    private MppeSessionKey statelessKey;

    @Setup
    public void setUp() throws Exception {
        SplittableRandom random = new SplittableRandom(1400);
        random.nextBytes(packet);
        byte[] key = new byte[16];
        random.nextBytes(key);
        ours.setKey(key, 0, key.length);
        jce = Cipher.getInstance("ARCFOUR");
        jce.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "ARCFOUR"));
        directPacket = PooledByteBufAllocator.DEFAULT.directBuffer(PACKET).writeBytes(packet);
        statelessKey = new MppeSessionKey(key, MppeKeyStrength.BITS_128);
        packetBuffer = Unpooled.wrappedBuffer(packet); // the array, as the other byte[] benchmarks
    }

    @TearDown
    public void tearDown() {
        directPacket.release();
    }

    /** Ours on a byte array: the stateful keystream runs on across packets, as MPPE stateful mode does. */
    @Benchmark
    @OperationsPerInvocation(PACKET)
    public byte[] ours() {
        ours.process(packet, 0, PACKET);
        return packet;
    }

    /** Ours on a pooled direct buffer, as packets arrive from the network. */
    @Benchmark
    @OperationsPerInvocation(PACKET)
    public ByteBuf oursDirect() {
        ours.process(directPacket, 0, PACKET);
        return directPacket;
    }

    /** The JDK's ARCFOUR, in place on the same array. */
    @Benchmark
    @OperationsPerInvocation(PACKET)
    public int jce() throws ShortBufferException {
        return jce.update(packet, 0, PACKET, packet, 0);
    }

    /**
     * MPPE stateless mode (RFC 3078): a key change (SHA-1 and RC4 of the key) and a re-key
     * before every packet, then the packet.
     */
    @Benchmark
    @OperationsPerInvocation(PACKET)
    public byte[] oursStatelessMppe() {
        statelessKey.change();
        statelessKey.processPacket(packetBuffer, 0, PACKET);
        return packet;
    }

    /**
     * The same as {@link #oursStatelessMppe} through a keyed {@code Rc4} instance (its key schedule
     * kept in a {@code byte[256]} state, widened and narrowed again around the packet), as stateless
     * mode did before {@code Rc4.processOnce}: the two side by side show what keeping no state
     * saves.
     */
    @Benchmark
    @OperationsPerInvocation(PACKET)
    public byte[] oursStatelessMppeKeyedInstance() {
        statelessKey.change();
        statelessKey.keyCipher(keyedInstance);
        keyedInstance.process(packet, 0, PACKET);
        return packet;
    }
}
