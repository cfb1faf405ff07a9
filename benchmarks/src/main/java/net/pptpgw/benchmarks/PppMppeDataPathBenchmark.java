package net.pptpgw.benchmarks;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import net.pptpgw.protocol.ppp.fsm.AuthenticationMethod;
import net.pptpgw.protocol.ppp.fsm.AutomatonConfig;
import net.pptpgw.protocol.ppp.fsm.CcpSettings;
import net.pptpgw.protocol.ppp.fsm.IpcpAgreement;
import net.pptpgw.protocol.ppp.fsm.IpcpSettings;
import net.pptpgw.protocol.ppp.fsm.LcpSettings;
import net.pptpgw.protocol.ppp.fsm.MppeAgreement;
import net.pptpgw.protocol.ppp.fsm.MppeStrength;
import net.pptpgw.protocol.ppp.session.PppOutput;
import net.pptpgw.protocol.ppp.session.PppSession;
import net.pptpgw.protocol.ppp.session.PppSessionConfig;
import net.pptpgw.protocol.ppp.session.PppSessionConfig.Credentials;
import net.pptpgw.protocol.ppp.session.PppTimers;
import net.pptpgw.protocol.ppp.session.Role;
import net.pptpgw.protocol.ppp.session.Secret;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The per-packet data path of a PPP session with MPPE 128-bit on, for one 1400-octet IPv4
 * packet in a pooled direct buffer with headroom: {@link PppSession#sendIp} (Protocol field,
 * MPPE header, RC4 in place over Protocol + packet, PPP header) and, in {@link #sendAndReceive},
 * the peer session's {@link PppSession#receive} (PPP header decode, coherency count check,
 * RC4 in place) up to {@link PppOutput#ipPacketReceived}.
 *
 * <p>The two sessions really negotiate (LCP, MS-CHAPv2, CCP, IPCP) in {@link #setUp} over an
 * in-memory link, so the MPPE keys and modes are the ones production derives. RFC 3078 §3:
 * stateless mode changes the key (SHA-1 + RC4 of the key) before every packet, stateful mode
 * every 256 packets; both are measured ({@link #mode}).
 *
 * <p>One operation is one octet of IP packet ({@code @OperationsPerInvocation(1400)}) in ops/us,
 * so the score reads as MB/s of IP payload, directly comparable with {@code openssl speed -evp
 * rc4 -bytes 1400} (see {@code benchmarks/rc4-vs-openssl.sh}). Run with {@code -prof gc}: the
 * data path is meant to allocate nothing per packet.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class PppMppeDataPathBenchmark {

    static final int PACKET = 1400;
    /** Transport headroom (GRE + IP in production) plus what PppSession needs to frame in place. */
    static final int HEADROOM = 64;

    @Param({"STATELESS", "STATEFUL"})
    public CcpSettings.Mode mode;

    private End server;
    private End client;
    private ByteBuf packet;

    /** One session's end of the in-memory link. */
    private static final class End implements PppOutput {
        PppSession session;
        End peer;
        boolean networkUp;
        /** Measurement: false = the frame stops here (sendIp only), true = the peer receives it. */
        boolean deliver;
        boolean negotiating = true;
        final ArrayDeque<Flight> inFlight;
        ByteBuf lastFrame;
        ByteBuf lastIp;

        End(ArrayDeque<Flight> inFlight) {
            this.inFlight = inFlight;
        }

        @Override
        public void sendFrame(ByteBuf frame) {
            if (negotiating) {
                inFlight.add(new Flight(peer, frame));
                return;
            }
            lastFrame = frame;
            if (deliver) {
                peer.session.receive(frame);
            }
        }

        @Override
        public void ipPacketReceived(ByteBuf ip) {
            lastIp = ip;
        }

        @Override
        public void networkUp(IpcpAgreement ipcp, Optional<MppeAgreement> mppe) {
            networkUp = mppe.isPresent();
        }

        @Override
        public void networkDown() {
            networkUp = false;
        }
    }

    /** A control frame on its way during negotiation: delivered after the sender's call returns. */
    private record Flight(End to, ByteBuf frame) {}

    @Setup
    public void setUp() {
        CcpSettings ccp = new CcpSettings(CcpSettings.Mppe.REQUIRE, List.of(MppeStrength.BITS_128), List.of(mode));
        List<AuthenticationMethod> methods = List.of(AuthenticationMethod.MS_CHAP_V2);
        PppSessionConfig serverConfig = new PppSessionConfig(Role.SERVER, LcpSettings.server(methods),
                IpcpSettings.server(address("10.0.0.1"), address("10.0.0.2"), List.of(), List.of()),
                ccp, AutomatonConfig.DEFAULTS, "gateway", Optional.empty(),
                Optional.of(user -> user.equals("alice") ? Optional.of(new Secret.Password("bench")) : Optional.empty()),
                1, Duration.ZERO, 3);
        PppSessionConfig clientConfig = new PppSessionConfig(Role.CLIENT, LcpSettings.client(methods),
                IpcpSettings.client(false, false), ccp, AutomatonConfig.DEFAULTS, "client",
                Optional.of(new Credentials("alice", "bench")), Optional.empty(), 1, Duration.ZERO, 3);

        ArrayDeque<Flight> inFlight = new ArrayDeque<>();
        ArrayDeque<Runnable> timers = new ArrayDeque<>();
        PppTimers timer = (delay, task) -> {
            boolean[] cancelled = {false};
            timers.add(() -> {
                if (!cancelled[0]) {
                    task.run();
                }
            });
            return () -> cancelled[0] = true;
        };
        server = new End(inFlight);
        client = new End(inFlight);
        server.peer = client;
        client.peer = server;
        server.session = new PppSession(serverConfig, server, timer, new SplittableRandom(1), UnpooledByteBufAllocator.DEFAULT);
        client.session = new PppSession(clientConfig, client, timer, new SplittableRandom(2), UnpooledByteBufAllocator.DEFAULT);
        server.session.start();
        client.session.start();
        // Deliver frames in order; fire a timer (restart) only when nothing is in flight.
        for (int steps = 0; !(server.networkUp && client.networkUp); steps++) {
            if (steps > 10_000) {
                throw new IllegalStateException("sessions did not come up with MPPE: server " + server.session.phase()
                        + ", client " + client.session.phase());
            }
            if (!inFlight.isEmpty()) {
                Flight flight = inFlight.poll();
                flight.to().session.receive(flight.frame());
            } else if (!timers.isEmpty()) {
                timers.poll().run();
            } else {
                throw new IllegalStateException("negotiation stalled: server " + server.session.phase()
                        + ", client " + client.session.phase());
            }
        }
        server.negotiating = false;
        client.negotiating = false;

        packet = PooledByteBufAllocator.DEFAULT.directBuffer(HEADROOM + PACKET);
        packet.writerIndex(HEADROOM).readerIndex(HEADROOM);
        packet.writeBytes(ipv4Udp(PACKET));
    }

    @TearDown
    public void tearDown() {
        packet.release();
    }

    /** The sending side only: frame and encrypt one packet in place. */
    @Benchmark
    @OperationsPerInvocation(PACKET)
    public ByteBuf sendIp() {
        client.deliver = false;
        packet.setIndex(HEADROOM, HEADROOM + PACKET);
        if (!client.session.sendIp(packet)) {
            throw new IllegalStateException("network down");
        }
        return client.lastFrame;
    }

    /** Both sides: the client frames and encrypts, the server decodes and decrypts back to the IP packet. */
    @Benchmark
    @OperationsPerInvocation(PACKET)
    public ByteBuf sendAndReceive() {
        client.deliver = true;
        server.lastIp = null;
        packet.setIndex(HEADROOM, HEADROOM + PACKET);
        if (!client.session.sendIp(packet) || server.lastIp != packet) {
            // A dropped frame would also have been released by the receiver: stop rather than measure garbage.
            throw new IllegalStateException("packet not delivered");
        }
        return server.lastIp;
    }

    /** A plausible IPv4/UDP packet of {@code length} octets (the session does not parse it). */
    private static byte[] ipv4Udp(int length) {
        byte[] ip = new byte[length];
        new SplittableRandom(1400).nextBytes(ip);
        ip[0] = 0x45;
        ip[1] = 0;
        ip[2] = (byte) (length >>> 8);
        ip[3] = (byte) length;
        ip[6] = 0x40; // DF
        ip[7] = 0;
        ip[8] = 64;
        ip[9] = 17;
        byte[][] addresses = {address("10.0.0.2").getAddress(), address("10.0.0.1").getAddress()};
        System.arraycopy(addresses[0], 0, ip, 12, 4);
        System.arraycopy(addresses[1], 0, ip, 16, 4);
        ip[10] = 0;
        ip[11] = 0;
        int sum = 0;
        for (int i = 0; i < 20; i += 2) {
            sum += ((ip[i] & 0xff) << 8) | (ip[i + 1] & 0xff);
        }
        sum = (sum & 0xffff) + (sum >>> 16);
        sum = ~((sum & 0xffff) + (sum >>> 16)) & 0xffff;
        ip[10] = (byte) (sum >>> 8);
        ip[11] = (byte) sum;
        return ip;
    }

    private static Inet4Address address(String text) {
        try {
            return (Inet4Address) InetAddress.getByName(text);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
