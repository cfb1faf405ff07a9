package net.pptpgw.protocol.ppp.session;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.random.RandomGenerator;
import net.pptpgw.protocol.ppp.PppHeader;
import net.pptpgw.protocol.ppp.fsm.AuthenticationMethod;
import net.pptpgw.protocol.ppp.fsm.AutomatonConfig;
import net.pptpgw.protocol.ppp.fsm.CcpSettings;
import net.pptpgw.protocol.ppp.fsm.IpcpAgreement;
import net.pptpgw.protocol.ppp.fsm.IpcpSettings;
import net.pptpgw.protocol.ppp.fsm.LcpSettings;
import net.pptpgw.protocol.ppp.fsm.MppeAgreement;
import net.pptpgw.protocol.ppp.fsm.Termination;
import net.pptpgw.protocol.ppp.session.PppSessionConfig.Credentials;

/**
 * A server session and a client session joined by an in-memory link with a virtual clock:
 * frames in flight are delivered first, then the earliest timer fires. A fault function sees
 * every frame (its octets, after the sender framed it) and may drop or rewrite it.
 */
final class SessionLink {

    static final Inet4Address SERVER_ADDRESS = address("10.0.0.1");
    static final Inet4Address CLIENT_ADDRESS = address("10.0.0.2");
    static final String USER = "alice";
    static final String PASSWORD = "correct horse";

    /** Decides the fate of one frame: null drops it, otherwise the octets to deliver. */
    interface Fault {
        byte[] apply(End from, byte[] frame);
    }

    record Timer(long deadline, long order, Runnable task, boolean[] cancelled) {}

    private final PriorityQueue<Timer> timerQueue = new PriorityQueue<>(
            (a, b) -> a.deadline != b.deadline ? Long.compare(a.deadline, b.deadline) : Long.compare(a.order, b.order));
    private long now;
    private long timerOrder;
    private final Deque<Object[]> inFlight = new ArrayDeque<>();
    Fault fault = (from, frame) -> frame;

    final End server;
    final End client;

    /** One end: its session and everything it reported. */
    final class End implements PppOutput {
        final String name;
        PppSession session;
        End peer;
        final List<byte[]> sent = new ArrayList<>();
        final List<byte[]> ipReceived = new ArrayList<>();
        final List<String> events = new ArrayList<>();
        Termination down;
        IpcpAgreement ipcp;
        Optional<MppeAgreement> mppe;
        boolean networkUp;
        /** Direct mode for allocation tests: frames go straight to the peer, received IP is kept as is. */
        boolean direct;
        ByteBuf lastIp;

        End(String name) {
            this.name = name;
        }

        @Override
        public void sendFrame(ByteBuf frame) {
            if (direct) {
                peer.session.receive(frame);
                return;
            }
            byte[] octets = ByteBufUtil.getBytes(frame);
            frame.release();
            sent.add(octets);
            // The receiver decrypts in place: it gets its own copy, the record stays as sent.
            byte[] delivered = fault.apply(this, octets.clone());
            if (delivered != null) {
                inFlight.add(new Object[] {peer, delivered});
            }
        }

        @Override
        public void ipPacketReceived(ByteBuf packet) {
            if (direct) {
                lastIp = packet;
                return;
            }
            ipReceived.add(ByteBufUtil.getBytes(packet));
            packet.release();
        }

        @Override
        public void networkUp(IpcpAgreement ipcp, Optional<MppeAgreement> mppe) {
            this.ipcp = ipcp;
            this.mppe = mppe;
            networkUp = true;
        }

        @Override
        public void networkDown() {
            networkUp = false;
        }

        @Override
        public void linkDown(Termination reason) {
            down = reason;
        }

        @Override
        public void event(String message) {
            events.add(message);
        }

        /** Sends an IP packet with the headroom the session wants. */
        boolean sendIp(byte[] packet) {
            ByteBuf buffer = Unpooled.buffer(64 + packet.length);
            buffer.writerIndex(64).readerIndex(64);
            buffer.writeBytes(packet);
            return session.sendIp(buffer);
        }

        /** The frames sent with this PPP protocol, header stripped. */
        List<byte[]> sent(int protocol) {
            List<byte[]> frames = new ArrayList<>();
            PppHeader header = new PppHeader();
            for (byte[] frame : sent) {
                ByteBuf buffer = Unpooled.wrappedBuffer(frame);
                if (header.decode(buffer).isOk() && header.protocol() == protocol) {
                    frames.add(java.util.Arrays.copyOfRange(frame, header.payloadOffset(),
                            header.payloadOffset() + header.payloadLength()));
                }
            }
            return frames;
        }

        @Override
        public String toString() {
            return name + "[" + session.phase() + (down != null ? ", " + down : "") + "]";
        }
    }

    private final PppTimers timers = (delay, task) -> {
        boolean[] cancelled = {false};
        timerQueue.add(new Timer(now + delay.toMillis(), timerOrder++, task, cancelled));
        return () -> cancelled[0] = true;
    };

    SessionLink(PppSessionConfig serverConfig, RandomGenerator serverRandom, PppSessionConfig clientConfig,
            RandomGenerator clientRandom) {
        server = new End("server");
        client = new End("client");
        server.peer = client;
        client.peer = server;
        server.session = new PppSession(serverConfig, server, timers, serverRandom, UnpooledByteBufAllocator.DEFAULT);
        client.session = new PppSession(clientConfig, client, timers, clientRandom, UnpooledByteBufAllocator.DEFAULT);
    }

    SessionLink(PppSessionConfig serverConfig, PppSessionConfig clientConfig, long seed) {
        this(serverConfig, new java.util.SplittableRandom(seed), clientConfig, new java.util.SplittableRandom(seed * 31 + 7));
    }

    SessionLink start() {
        server.session.start();
        client.session.start();
        return this;
    }

    /** Runs until nothing is in flight and no timer is due before {@code until} ms of virtual time. */
    SessionLink runFor(long millis) {
        long until = now + millis;
        while (true) {
            Object[] flight = inFlight.poll();
            if (flight != null) {
                ((End) flight[0]).session.receive(Unpooled.wrappedBuffer((byte[]) flight[1]));
                continue;
            }
            Timer timer = timerQueue.peek();
            if (timer == null || timer.deadline > until) {
                now = until;
                return this;
            }
            timerQueue.poll();
            now = Math.max(now, timer.deadline);
            if (!timer.cancelled[0]) {
                timer.task.run();
            }
        }
    }

    /** Delivers what is in flight without letting time pass. */
    SessionLink settle() {
        return runFor(0);
    }

    long now() {
        return now;
    }

    // ---- configurations ------------------------------------------------------------------

    static final AutomatonConfig AUTOMATON = AutomatonConfig.DEFAULTS;

    static PppSessionConfig server(List<AuthenticationMethod> methods, CcpSettings ccp) {
        return new PppSessionConfig(Role.SERVER, LcpSettings.server(methods),
                IpcpSettings.server(SERVER_ADDRESS, CLIENT_ADDRESS, List.of(address("10.0.0.53")), List.of()),
                ccp, AUTOMATON, "gateway", Optional.empty(),
                Optional.of(user -> Optional.ofNullable(Map.<String, Secret>of(USER, new Secret.Password(PASSWORD)).get(user))),
                1, Duration.ZERO, 3);
    }

    static PppSessionConfig client(List<AuthenticationMethod> methods, CcpSettings ccp, String password) {
        return new PppSessionConfig(Role.CLIENT, LcpSettings.client(methods), IpcpSettings.client(true, false),
                ccp, AUTOMATON, "client", Optional.of(new Credentials(USER, password)), Optional.empty(),
                1, Duration.ZERO, 3);
    }

    static Inet4Address address(String text) {
        try {
            return (Inet4Address) InetAddress.getByName(text);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
