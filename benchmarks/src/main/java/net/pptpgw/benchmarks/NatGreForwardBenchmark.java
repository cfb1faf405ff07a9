package net.pptpgw.benchmarks;

import com.github.benmanes.caffeine.cache.Scheduler;
import com.github.benmanes.caffeine.cache.Ticker;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import net.pptpgw.nathelper.CallMapping;
import net.pptpgw.nathelper.GreForwarder;
import net.pptpgw.nathelper.MappingTable;
import net.pptpgw.nathelper.NatHelperConfig;
import net.pptpgw.nathelper.NatMetrics;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Per-packet cost of the NAT helper's GRE decision and rewrite ({@link GreForwarder}), with 20
 * and with 10,000 live mappings toward one server, against a plain copy of the same packet.
 *
 * <p>One 1400-byte IPv4 + enhanced GRE packet per direction (RFC 2637 §4.1: key and sequence
 * number present) in a pooled direct buffer, as the raw socket delivers it: before each call the
 * benchmark writes the next mapping's addresses and call ID into it (two or three stores,
 * included in the figure), the mappings taken in a shuffled order. The packet stays hot in the
 * cache, as one that {@code recvmmsg} has just copied in is, while with 10,000 mappings the
 * lookups and the mapping objects miss the caches as a real mix of tunnels does. {@code wanToLan}
 * rewrites in place (key, destination, TTL, checksum).
 *
 * <pre>
 * mvn -B -q -pl protocol,linux-io,nat-helper,benchmarks -am package -DskipTests
 * java -jar benchmarks/target/benchmarks.jar NatGreForward -f 1 -wi 3 -i 5 -prof gc
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class NatGreForwardBenchmark {

    static final int PACKET = 1400;
    private static final int GRE_HEADER = 12;
    private static final int TTL = 64;
    private static final int CLIENT_CALL_ID = 0x4242;
    /** The key's call ID: IPv4 header (20) + flags, protocol type, payload length (6). */
    private static final int GRE_CALL_ID = 20 + 6;

    @Param({"20", "10000"})
    int mappings;

    private MappingTable table;
    private GreForwarder forwarder;
    private ByteBuf fromClient;
    private ByteBuf fromServer;
    private int[] clientAddresses;
    private int[] serverCallIds;
    private int[] gatewayCallIds;
    private int[] order;
    private int next;
    private int wanAddress;
    private ByteBuf copySource;
    private ByteBuf copyTarget;

    @Setup
    public void setUp() {
        NatMetrics metrics = new NatMetrics(new SimpleMeterRegistry());
        table = new MappingTable(NatHelperConfig.Timeouts.KERNEL, metrics, Ticker.systemTicker(),
                new SplittableRandom(1), Scheduler.disabledScheduler());
        forwarder = new GreForwarder(table, metrics);
        Inet4Address server = address(198 << 24 | 18 << 16 | 2);
        wanAddress = 198 << 24 | 18 << 16 | 1;
        clientAddresses = new int[mappings];
        serverCallIds = new int[mappings];
        gatewayCallIds = new int[mappings];
        for (int i = 0; i < mappings; i++) {
            int client = 10 << 24 | 64 << 16 | i; // 10.64.0.0/16: one address per client
            // Every client picked the same call ID: the collision the helper exists for.
            CallMapping call = table.open(address(client), CLIENT_CALL_ID, server);
            int serverCallId = i + 1;
            table.learnServerCallId(call, serverCallId);
            clientAddresses[i] = client;
            serverCallIds[i] = serverCallId;
            gatewayCallIds[i] = call.gatewayCallId();
        }
        fromClient = packet(clientAddresses[0], ipv4(server), serverCallIds[0]);
        fromServer = packet(ipv4(server), wanAddress, gatewayCallIds[0]);
        order = new int[mappings];
        for (int i = 0; i < mappings; i++) {
            order[i] = i;
        }
        SplittableRandom random = new SplittableRandom(7);
        for (int i = mappings - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        copySource = packet(wanAddress, wanAddress, 1);
        copyTarget = PooledByteBufAllocator.DEFAULT.directBuffer(PACKET);
    }

    @TearDown
    public void tearDown() {
        fromClient.release();
        fromServer.release();
        copySource.release();
        copyTarget.release();
    }

    private int nextMapping() {
        int n = next + 1;
        next = n == order.length ? 0 : n;
        return order[next];
    }

    @Benchmark
    public int lanToWan() {
        int i = nextMapping();
        ByteBuf p = fromClient;
        p.setInt(12, clientAddresses[i]); // source
        p.setShort(GRE_CALL_ID, serverCallIds[i]);
        if (!forwarder.lanToWan(p, System.nanoTime())) {
            throw new IllegalStateException("client GRE dropped");
        }
        return forwarder.greOffset() + forwarder.greLength();
    }

    @Benchmark
    public int wanToLan() {
        int i = nextMapping();
        ByteBuf p = fromServer;
        // This mapping's packet as the server sent it (the last call rewrote TTL, destination, key).
        p.setByte(8, TTL);
        p.setInt(16, wanAddress);
        p.setShort(GRE_CALL_ID, gatewayCallIds[i]);
        if (!forwarder.wanToLan(p, System.nanoTime())) {
            throw new IllegalStateException("server GRE dropped");
        }
        return forwarder.ipLength();
    }

    /** The least a relay that does not work in place does: copy the packet, direct to direct. */
    @Benchmark
    public int copyBaseline() {
        ByteBuf target = copyTarget;
        target.clear();
        target.writeBytes(copySource, 0, PACKET);
        return target.writerIndex();
    }

    /** A 1400-byte IPv4 packet of enhanced GRE with key and sequence number, checksum set. */
    private static ByteBuf packet(int source, int destination, int callId) {
        ByteBuf p = PooledByteBufAllocator.DEFAULT.directBuffer(PACKET);
        p.writeByte(0x45).writeByte(0).writeShort(PACKET).writeShort(0).writeShort(0x4000)
                .writeByte(TTL).writeByte(47).writeShort(0).writeInt(source).writeInt(destination);
        int payload = PACKET - 20 - GRE_HEADER;
        p.writeShort(0x3001).writeShort(0x880B).writeShort(payload).writeShort(callId).writeInt(1);
        for (int i = 0; i < payload; i++) {
            p.writeByte(i);
        }
        int sum = 0;
        for (int i = 0; i < 20; i += 2) {
            sum += p.getUnsignedShort(i);
        }
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xFFFF) + (sum >>> 16);
        }
        p.setShort(10, ~sum & 0xFFFF);
        return p;
    }

    private static int ipv4(Inet4Address address) {
        byte[] b = address.getAddress();
        return (b[0] & 0xFF) << 24 | (b[1] & 0xFF) << 16 | (b[2] & 0xFF) << 8 | b[3] & 0xFF;
    }

    private static Inet4Address address(int a) {
        try {
            return (Inet4Address) InetAddress.getByAddress(
                    new byte[] {(byte) (a >>> 24), (byte) (a >>> 16), (byte) (a >>> 8), (byte) a});
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }
}
