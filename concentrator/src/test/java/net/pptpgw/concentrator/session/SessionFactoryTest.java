package net.pptpgw.concentrator.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.EventLoop;
import io.netty.channel.embedded.EmbeddedChannel;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import net.pptpgw.concentrator.Ipv4;
import net.pptpgw.concentrator.auth.ChapSecrets;
import net.pptpgw.concentrator.call.Call;
import net.pptpgw.concentrator.call.CallClearCause;
import net.pptpgw.concentrator.data.PacketContext;
import net.pptpgw.concentrator.data.PppFrameHandler;
import net.pptpgw.concentrator.data.PppLink;
import net.pptpgw.concentrator.ip.IpDataPlane;
import net.pptpgw.concentrator.ip.TunDropReason;
import net.pptpgw.concentrator.pool.AddressPool;
import net.pptpgw.protocol.ppp.fsm.AuthenticationMethod;
import net.pptpgw.protocol.ppp.fsm.AutomatonConfig;
import net.pptpgw.protocol.ppp.fsm.CcpSettings;
import net.pptpgw.protocol.ppp.fsm.IpcpAgreement;
import net.pptpgw.protocol.ppp.fsm.IpcpSettings;
import net.pptpgw.protocol.ppp.fsm.LcpSettings;
import net.pptpgw.protocol.ppp.fsm.MppeAgreement;
import net.pptpgw.protocol.ppp.fsm.Termination;
import net.pptpgw.protocol.ppp.session.Phase;
import net.pptpgw.protocol.ppp.session.PppOutput;
import net.pptpgw.protocol.ppp.session.PppSession;
import net.pptpgw.protocol.ppp.session.PppSessionConfig;
import net.pptpgw.protocol.ppp.session.PppTimers;
import net.pptpgw.protocol.ppp.session.Role;
import net.pptpgw.protocol.testing.Packets;
import org.junit.jupiter.api.Test;

/**
 * {@link SessionFactory} with our own PPP engine as the client, over an in-memory link on an
 * {@link EmbeddedChannel}'s event loop (virtual time): authentication methods and MPPE as the
 * policy says, addresses from the pool or chap-secrets, IP both ways through the
 * {@link IpDataPlane}, and every way a session ends releasing its address exactly once.
 */
class SessionFactoryTest {

    private static final Inet4Address LOCAL = Ipv4.parse("10.88.0.1");
    private static final String SECRETS = """
            u1 * "pass one" *
            u3 * "pass three" 10.88.1.3
            u4 * "pass four" 10.77.0.9
            """;

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final AddressPool pool = AddressPool.parse(List.of("10.88.0.10-10.88.0.20", "10.88.1.0/29"));
    private final List<ByteBuf> tun = new ArrayList<>();
    private final IpDataPlane ip = new IpDataPlane(Ipv4.fromInt(0x0A580001), pool, meters, tun::add);
    private final EmbeddedChannel loop = new EmbeddedChannel();
    private final EmbeddedChannel control = new EmbeddedChannel();
    private int nextCallId = 100;

    private SessionFactory factory(SessionPolicy policy) throws Exception {
        return new SessionFactory(policy, pool, ChapSecrets.parse("test", SECRETS), ip, meters, new SplittableRandom(7),
                ByteBufAllocator.DEFAULT);
    }

    private static SessionPolicy policy(List<AuthenticationMethod> methods, CcpSettings ccp, Duration echo) {
        return new SessionPolicy("pptpd", LOCAL, methods, ccp, List.of(Ipv4.parse("198.51.100.53")), List.of(), echo,
                2, 1);
    }

    private static SessionPolicy msChapV2Mppe() {
        return policy(List.of(AuthenticationMethod.MS_CHAP_V2), CcpSettings.require128Stateless(), Duration.ZERO);
    }

    // ------------------------------------------------------------------ the two ends

    /** The call's link as the session sees it: frames to the client are queued. */
    final class TestLink implements PppLink {
        final Call call;
        final ArrayDeque<ByteBuf> toClient = new ArrayDeque<>();
        PacketContext context;
        boolean open = true;
        /** The peer's receive window is full (RFC 2637 §4.4): {@link #canSend} says no. */
        boolean busy;
        PppFrameHandler handler;

        TestLink() throws Exception {
            int callId = nextCallId++;
            call = new Call(callId, callId + 1000, InetAddress.getByName("192.0.2.11"), control, 1, 64, 0, 10_000_000,
                    System.nanoTime());
            context = PacketContext.forCall(callId);
        }

        @Override
        public Call call() {
            return call;
        }

        @Override
        public EventLoop eventLoop() {
            return loop.eventLoop();
        }

        @Override
        public PacketContext context() {
            return context;
        }

        @Override
        public void context(PacketContext context) {
            this.context = context;
        }

        @Override
        public boolean send(ByteBuf frame, PacketContext context) {
            if (!open || busy) { // as GreSession drops
                frame.release();
                return false;
            }
            toClient.add(frame);
            return true;
        }

        @Override
        public boolean canSend() {
            return open && !busy;
        }

        @Override
        public boolean isOpen() {
            return open;
        }

        /** The call clears (CDN, TCP close...): what GreDataPlane does. */
        void clear(CallClearCause cause) {
            open = false;
            handler.linkClosed(cause);
        }
    }

    /** Our PPP engine as the client, on the same loop. */
    final class Client implements PppOutput, PppTimers {
        final PppSession session;
        final ArrayDeque<ByteBuf> toServer = new ArrayDeque<>();
        final List<ByteBuf> received = new ArrayList<>();
        IpcpAgreement ipcp;
        Optional<MppeAgreement> mppe;
        Termination down;

        Client(String user, String password, List<AuthenticationMethod> methods, CcpSettings ccp) {
            this(user, password, methods, ccp, LcpSettings.PPTP_MRU);
        }

        Client(String user, String password, List<AuthenticationMethod> methods, CcpSettings ccp, int mru) {
            PppSessionConfig config = new PppSessionConfig(Role.CLIENT, LcpSettings.client(methods).withMru(mru),
                    IpcpSettings.client(true, false), ccp, AutomatonConfig.DEFAULTS, "client",
                    Optional.of(new PppSessionConfig.Credentials(user, password)), Optional.empty(), 1, Duration.ZERO, 3);
            session = new PppSession(config, this, this, new SplittableRandom(11), ByteBufAllocator.DEFAULT);
        }

        @Override
        public void sendFrame(ByteBuf frame) {
            toServer.add(frame);
        }

        @Override
        public void ipPacketReceived(ByteBuf packet) {
            received.add(packet);
        }

        @Override
        public void networkUp(IpcpAgreement ipcp, Optional<MppeAgreement> mppe) {
            this.ipcp = ipcp;
            this.mppe = mppe;
        }

        @Override
        public void linkDown(Termination reason) {
            down = reason;
        }

        @Override
        public Timer schedule(Duration delay, Runnable task) {
            var future = loop.eventLoop().schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
            return () -> future.cancel(false);
        }

        Inet4Address address() {
            return ipcp.localAddress();
        }
    }

    /** Delivers frames both ways and runs due tasks until both ends are quiet. */
    private void pump(TestLink link, Client client, boolean clientAnswers) {
        for (int round = 0; round < 1000; round++) {
            loop.runPendingTasks();
            boolean moved = false;
            ByteBuf frame;
            while ((frame = link.toClient.poll()) != null) {
                moved = true;
                if (clientAnswers) {
                    client.session.receive(frame);
                } else {
                    frame.release();
                }
            }
            while ((frame = client.toServer.poll()) != null) {
                moved = true;
                link.handler.frameReceived(frame, link.context());
            }
            if (!moved) {
                return;
            }
        }
        throw new AssertionError("the two ends never went quiet");
    }

    /** Lets {@code seconds} of virtual time pass, a second at a time, pumping between. */
    private void advance(int seconds, TestLink link, Client client, boolean clientAnswers) {
        for (int i = 0; i < seconds; i++) {
            loop.advanceTimeBy(1, TimeUnit.SECONDS);
            loop.runScheduledPendingTasks();
            pump(link, client, clientAnswers);
        }
    }

    private TestLink open(SessionFactory factory) throws Exception {
        TestLink link = new TestLink();
        assertThat(factory.admitCall(link.call)).isNull();
        link.handler = factory.linkOpened(link);
        return link;
    }

    private Client connect(SessionFactory factory, TestLink link, Client client) {
        client.session.start();
        pump(link, client, true);
        return client;
    }

    private double counter(String name, String... tags) {
        var counter = meters.find(name).tags(tags).counter();
        return counter == null ? 0 : counter.count();
    }

    private double gauge(String name, String... tags) {
        return meters.get(name).tags(tags).gauge().value();
    }

    private static ByteBuf withHeadroom(byte[] packet) {
        ByteBuf buf = Unpooled.directBuffer(IpDataPlane.HEADROOM + packet.length);
        buf.writerIndex(IpDataPlane.HEADROOM).readerIndex(IpDataPlane.HEADROOM);
        return buf.writeBytes(packet);
    }

    private static byte[] bytes(ByteBuf buf) {
        byte[] out = new byte[buf.readableBytes()];
        buf.getBytes(buf.readerIndex(), out);
        return out;
    }

    // ------------------------------------------------------------------ tests

    @Test
    void msChapV2WithMppe128CarriesIpBothWays() throws Exception {
        SessionFactory factory = factory(msChapV2Mppe());
        TestLink link = open(factory);
        Client client = connect(factory, link, new Client("u1", "pass one", List.of(AuthenticationMethod.MS_CHAP_V2),
                CcpSettings.require128Stateless()));

        assertThat(client.ipcp).as("client network up").isNotNull();
        assertThat(client.mppe).hasValueSatisfying(m -> assertThat(m.toString()).contains("128"));
        assertThat(client.address()).isEqualTo(Ipv4.parse("10.88.0.10"));
        assertThat(client.ipcp.peerAddress()).contains(LOCAL);
        assertThat(client.ipcp.primaryDns()).contains(Ipv4.parse("198.51.100.53"));
        assertThat(link.context.user()).isEqualTo("u1");
        assertThat(factory.sessions().list()).singleElement().satisfies(info -> {
            assertThat(info.user()).isEqualTo("u1");
            assertThat(info.address()).isEqualTo(client.address());
            assertThat(info.state()).isEqualTo(SessionState.UP);
            assertThat(info.callId()).isEqualTo(link.call.callId());
        });
        assertThat(gauge("pptp.sessions", "state", "up")).isEqualTo(1);
        assertThat(counter("pptp.session.setups")).isEqualTo(1);
        assertThat(meters.get("pptp.session.setup.latency").timer().count()).isEqualTo(1);

        // Client -> TUN: decrypted, its own source only.
        byte[] fromClient = Packets.ipv4(17, Packets.address(10, 88, 0, 10), Packets.address(198, 51, 100, 2),
                new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
        client.session.sendIp(withHeadroom(fromClient));
        byte[] spoofed = Packets.ipv4(17, Packets.address(10, 88, 0, 11), Packets.address(198, 51, 100, 2),
                new byte[8]);
        client.session.sendIp(withHeadroom(spoofed));
        pump(link, client, true);
        assertThat(tun).hasSize(1);
        assertThat(bytes(tun.getFirst())).isEqualTo(fromClient);
        assertThat(ip.dropped(TunDropReason.SPOOFED_SOURCE)).isEqualTo(1);

        // TUN -> client: found by address, encrypted in place.
        byte[] toClient = Packets.ipv4(17, Packets.address(198, 51, 100, 2), Packets.address(10, 88, 0, 10),
                new byte[] {9, 9, 9});
        ByteBuf fromTun = withHeadroom(toClient);
        assertThat(ip.toSessions(fromTun)).isNull();
        // Built in place: PPP, MPPE (and then GRE) headers went into the TUN read's headroom.
        assertThat(link.toClient.peekLast()).isSameAs(fromTun);
        assertThat(fromTun.readerIndex()).isGreaterThanOrEqualTo(net.pptpgw.protocol.gre.GreHeader.MAX_LENGTH);
        pump(link, client, true);
        assertThat(client.received).singleElement().satisfies(p -> assertThat(bytes(p)).isEqualTo(toClient));
        assertThat(factory.sessions().list().getFirst().packetsIn()).isEqualTo(1);
        assertThat(factory.sessions().list().getFirst().packetsOut()).isEqualTo(1);
        tun.forEach(ByteBuf::release);
        client.received.forEach(ByteBuf::release);
    }

    /**
     * Stateful MPPE and a full link (the peer's receive window, RFC 2637 §4.4): packets wait
     * BEFORE they are encrypted and go out in order when the window opens, so the coherency count
     * has no gap and the client decrypts them without a Reset-Request (RFC 3078 §8.2).
     * Encrypting first and dropping at the GRE send window desynchronised the stream on every
     * drop: one tunnel at full speed moved 2-6 Mbit/s. Past the per-session limit packets are
     * dropped, still before MPPE; what waits is released when the session ends.
     */
    @Test
    void aFullLinkKeepsPacketsWaitingBeforeStatefulMppeAndSendsThemInOrder() throws Exception {
        CcpSettings stateful = new CcpSettings(CcpSettings.Mppe.REQUIRE, List.of(net.pptpgw.protocol.ppp.fsm.MppeStrength.BITS_128),
                List.of(CcpSettings.Mode.STATEFUL));
        SessionFactory factory = factory(policy(List.of(AuthenticationMethod.MS_CHAP_V2), stateful, Duration.ZERO));
        TestLink link = open(factory);
        Client client = connect(factory, link, new Client("u1", "pass one", List.of(AuthenticationMethod.MS_CHAP_V2),
                stateful));
        assertThat(client.mppe).hasValueSatisfying(m -> assertThat(m.toString()).contains("stateful"));
        byte[] first = Packets.ipv4(17, Packets.address(198, 51, 100, 2), Packets.address(10, 88, 0, 10), new byte[] {1});
        byte[] second = Packets.ipv4(17, Packets.address(198, 51, 100, 2), Packets.address(10, 88, 0, 10), new byte[] {2});

        link.busy = true;
        int sent = link.toClient.size();
        assertThat(ip.toSessions(withHeadroom(first))).isNull();
        assertThat(ip.toSessions(withHeadroom(second))).isNull();
        assertThat(link.toClient).as("both wait").hasSize(sent);

        link.busy = false;
        link.handler.sendWindowOpened(); // the peer's acknowledgment arrived
        pump(link, client, true);
        assertThat(client.received).extracting(SessionFactoryTest::bytes).containsExactly(first, second);
        assertThat(client.toServer).as("no CCP Reset-Request").isEmpty();
        client.received.forEach(ByteBuf::release);
        client.received.clear();

        link.busy = true;
        List<ByteBuf> waiting = new ArrayList<>();
        for (int i = 0; i < CallSession.WAIT_LIMIT; i++) {
            ByteBuf packet = withHeadroom(first);
            waiting.add(packet);
            assertThat(ip.toSessions(packet)).isNull();
        }
        assertThat(ip.toSessions(withHeadroom(first))).as("past the limit").isEqualTo(TunDropReason.LINK_BUSY);
        assertThat(ip.dropped(TunDropReason.LINK_BUSY)).isEqualTo(1);
        link.clear(CallClearCause.CALL_CLEAR_REQUEST);
        assertThat(waiting).as("released when the session ended").allSatisfy(p -> assertThat(p.refCnt()).isZero());
    }

    @Test
    void theClientsMruLessMppeIsTheSessionsMtu() throws Exception {
        SessionFactory factory = factory(msChapV2Mppe());
        TestLink link = open(factory);
        Client client = connect(factory, link, new Client("u1", "pass one", List.of(AuthenticationMethod.MS_CHAP_V2),
                CcpSettings.require128Stateless(), 1200));
        assertThat(client.mppe).isPresent();
        int mtu = 1200 - 4; // RFC 3078 §3: the MPPE header and the encrypted Protocol field are in the MRU

        // Don't-Fragment: refused, and the sender told the MTU (RFC 1191) through the TUN.
        byte[] withDf = Packets.ipv4(17, Packets.address(198, 51, 100, 2), Packets.address(10, 88, 0, 10),
                new byte[1300]);
        assertThat(ip.toSessions(withHeadroom(withDf))).isEqualTo(TunDropReason.TOO_BIG);
        assertThat(tun).singleElement().satisfies(answer -> {
            assertThat((int) answer.getUnsignedByte(20)).as("ICMP type").isEqualTo(3);
            assertThat((int) answer.getUnsignedByte(21)).as("ICMP code").isEqualTo(4);
            assertThat(answer.getUnsignedShort(26)).as("Next-Hop MTU").isEqualTo(mtu);
            assertThat(answer.getInt(12)).as("from the TUN's address").isEqualTo(Ipv4.toInt(LOCAL));
        });

        // Without: fragments that fit, through PPP and MPPE, whole again at the client.
        byte[] withoutDf = withDf.clone();
        withoutDf[6] = 0;
        withoutDf[10] = 0;
        withoutDf[11] = 0;
        int sum = java.util.stream.IntStream.range(0, 10)
                .map(i -> ((withoutDf[2 * i] & 0xFF) << 8) | (withoutDf[2 * i + 1] & 0xFF)).sum();
        sum = (sum & 0xFFFF) + (sum >>> 16);
        sum = (sum & 0xFFFF) + (sum >>> 16);
        int checksum = ~sum & 0xFFFF;
        withoutDf[10] = (byte) (checksum >> 8);
        withoutDf[11] = (byte) checksum;
        assertThat(ip.toSessions(withHeadroom(withoutDf))).isNull();
        pump(link, client, true);
        assertThat(client.received).hasSize(2);
        java.io.ByteArrayOutputStream data = new java.io.ByteArrayOutputStream();
        for (ByteBuf fragment : client.received) {
            assertThat(fragment.readableBytes()).isLessThanOrEqualTo(mtu);
            byte[] bytes = bytes(fragment);
            data.write(bytes, 20, bytes.length - 20);
        }
        assertThat(data.toByteArray()).isEqualTo(new byte[1300]);
        tun.forEach(ByteBuf::release);
        client.received.forEach(ByteBuf::release);
    }

    @Test
    void wrongPasswordIsAWindowsStyleFailureAndReleasesEverything() throws Exception {
        SessionFactory factory = factory(msChapV2Mppe());
        TestLink link = open(factory);
        Client client = connect(factory, link, new Client("u1", "wrong", List.of(AuthenticationMethod.MS_CHAP_V2),
                CcpSettings.require128Stateless()));
        advance(10, link, client, true);

        assertThat(client.down).isNotNull();
        assertThat(client.down.detail()).contains("E=691 R=0 C=").contains("V=3 M=Authentication failed");
        assertThat(factory.sessions().size()).isZero();
        assertThat(pool.allocated()).isZero();
        assertThat(counter("pptp.session.auth.failures", "method", "ms-chap-v2")).isEqualTo(1);
        assertThat(counter("pptp.session.setup.failures", "reason", "authentication-failed")).isEqualTo(1);
        assertThat(gauge("pptp.sessions", "state", "authenticate") + gauge("pptp.sessions", "state", "establish")
                + gauge("pptp.sessions", "state", "terminate")).isZero();
        // The call is still up on the link's side: the session asked the control plane to clear it;
        // when it does, nothing is released twice.
        link.clear(CallClearCause.CALL_CLEAR_REQUEST);
        assertThat(pool.allocated()).isZero();
    }

    @Test
    void anAuthenticationFailureIsCountedWhenTheClientClearsTheCallBeforeTheTerminateExchangeEnds() throws Exception {
        SessionFactory factory = factory(msChapV2Mppe());
        TestLink link = open(factory);
        Client client = new Client("u1", "wrong", List.of(AuthenticationMethod.MS_CHAP_V2),
                CcpSettings.require128Stateless());
        client.session.start();
        // Both ways until our Failure goes out; the client never answers our Terminate-Request.
        boolean failureSent = false;
        for (int round = 0; round < 100 && !failureSent; round++) {
            loop.runPendingTasks();
            ByteBuf frame;
            while ((frame = link.toClient.poll()) != null) {
                failureSent |= isChapFailure(frame);
                if (failureSent) {
                    frame.release();
                } else {
                    client.session.receive(frame);
                }
            }
            while (!failureSent && (frame = client.toServer.poll()) != null) {
                link.handler.frameReceived(frame, link.context());
            }
        }
        assertThat(failureSent).isTrue();
        assertThat(counter("pptp.session.auth.failures", "method", "ms-chap-v2")).isEqualTo(1);
        assertThat(factory.sessions().size()).as("LCP is still terminating").isEqualTo(1);

        // A client that heard the Failure clears the call at once (Windows and pptp do).
        link.clear(CallClearCause.CALL_CLEAR_REQUEST);

        assertThat(factory.sessions().size()).isZero();
        assertThat(pool.allocated()).isZero();
        assertThat(counter("pptp.session.auth.failures", "method", "ms-chap-v2")).isEqualTo(1);
        assertThat(counter("pptp.session.ended", "cause", "authentication-failed")).isEqualTo(1);
        assertThat(counter("pptp.session.setup.failures", "reason", "authentication-failed")).isEqualTo(1);
        client.toServer.forEach(ByteBuf::release);
    }

    /** A CHAP Failure (RFC 1994 §4.2, code 4), with or without Address and Control. */
    private static boolean isChapFailure(ByteBuf frame) {
        int at = frame.readerIndex();
        if (frame.readableBytes() >= 2 && frame.getUnsignedShort(at) == 0xFF03) {
            at += 2;
        }
        return frame.writerIndex() - at >= 3 && frame.getUnsignedShort(at) == 0xC223 && frame.getByte(at + 2) == 4;
    }

    @Test
    void papWithoutMppeWhenThePolicyAllowsIt() throws Exception {
        SessionFactory factory = factory(policy(List.of(AuthenticationMethod.MS_CHAP_V2, AuthenticationMethod.PAP),
                new CcpSettings(CcpSettings.Mppe.ALLOW, List.of(net.pptpgw.protocol.ppp.fsm.MppeStrength.BITS_128),
                        List.of(CcpSettings.Mode.STATELESS)), Duration.ZERO));
        TestLink link = open(factory);
        Client client = connect(factory, link, new Client("u1", "pass one", List.of(AuthenticationMethod.PAP),
                CcpSettings.deny()));
        assertThat(client.ipcp).isNotNull();
        assertThat(client.mppe).isEmpty();
        assertThat(factory.sessions().list().getFirst().user()).isEqualTo("u1");
    }

    @Test
    void aUsersFixedAddressFromChapSecretsIsHonoured() throws Exception {
        SessionFactory factory = factory(msChapV2Mppe());
        TestLink link = open(factory);
        assertThat(pool.isAllocated(0)).isTrue(); // the dynamic pick, 10.88.0.10
        Client client = connect(factory, link, new Client("u3", "pass three",
                List.of(AuthenticationMethod.MS_CHAP_V2), CcpSettings.require128Stateless()));
        assertThat(client.address()).isEqualTo(Ipv4.parse("10.88.1.3"));
        assertThat(pool.allocated()).isEqualTo(1);
        assertThat(pool.isAllocated(0)).isFalse();
        assertThat(pool.isAllocated(pool.lookup(Ipv4.toInt(Ipv4.parse("10.88.1.3"))))).isTrue();
        // A packet to the fixed address reaches the session.
        assertThat(ip.toSessions(withHeadroom(Packets.ipv4(17, Packets.address(198, 51, 100, 2),
                Packets.address(10, 88, 1, 3), new byte[4])))).isNull();

        // Fixed to an address outside the pool: no session, nothing held.
        TestLink other = open(factory);
        Client refused = connect(factory, other, new Client("u4", "pass four",
                List.of(AuthenticationMethod.MS_CHAP_V2), CcpSettings.require128Stateless()));
        advance(10, other, refused, true);
        assertThat(refused.down).isNotNull();
        assertThat(refused.ipcp).isNull();
        assertThat(pool.allocated()).isEqualTo(1);
        assertThat(counter("pptp.session.ended", "cause", "address-unavailable")).isEqualTo(1);
    }

    @Test
    void everyTeardownReleasesTheAddressOnce() throws Exception {
        SessionFactory factory = factory(policy(List.of(AuthenticationMethod.MS_CHAP_V2),
                CcpSettings.require128Stateless(), Duration.ofSeconds(5)));
        // 1. The call clears under the session (CDN, TCP close): PPP's Down.
        TestLink cleared = open(factory);
        Client first = connect(factory, cleared, new Client("u1", "pass one", List.of(AuthenticationMethod.MS_CHAP_V2),
                CcpSettings.require128Stateless()));
        assertThat(first.ipcp).isNotNull();
        cleared.clear(CallClearCause.CONNECTION_LOST);
        cleared.clear(CallClearCause.CONNECTION_LOST);
        assertThat(pool.allocated()).isZero();
        assertThat(counter("pptp.session.ended", "cause", "connection-lost")).isEqualTo(1);
        assertThat(ip.toSessions(withHeadroom(Packets.ipv4(17, Packets.address(198, 51, 100, 2),
                Packets.address(10, 88, 0, 10), new byte[4])))).isEqualTo(TunDropReason.NO_SESSION);

        // 2. An operator ends it: LCP Terminate-Request to the client, then everything goes.
        TestLink ended = open(factory);
        Client second = connect(factory, ended, new Client("u1", "pass one", List.of(AuthenticationMethod.MS_CHAP_V2),
                CcpSettings.require128Stateless()));
        long id = factory.sessions().list().getFirst().id();
        assertThat(factory.sessions().end(id, "maintenance")).isTrue();
        pump(ended, second, true);
        advance(4, ended, second, true);
        assertThat(second.down).isNotNull();
        assertThat(second.down.cause()).isEqualTo(Termination.PEER_TERMINATED);
        assertThat(factory.sessions().size()).isZero();
        assertThat(pool.allocated()).isZero();
        assertThat(factory.sessions().end(id, "again")).isFalse();

        // 3. The client goes silent: LCP echo failures end the session.
        TestLink silent = open(factory);
        Client third = connect(factory, silent, new Client("u1", "pass one", List.of(AuthenticationMethod.MS_CHAP_V2),
                CcpSettings.require128Stateless()));
        assertThat(third.ipcp).isNotNull();
        advance(40, silent, third, false);
        assertThat(factory.sessions().size()).isZero();
        assertThat(pool.allocated()).isZero();
        assertThat(counter("pptp.session.ended", "cause", PppSession.ECHO_TIMEOUT)).isEqualTo(1);

        // 4. The client hangs up with LCP Terminate-Request.
        TestLink hangUp = open(factory);
        Client fourth = connect(factory, hangUp, new Client("u1", "pass one", List.of(AuthenticationMethod.MS_CHAP_V2),
                CcpSettings.require128Stateless()));
        fourth.session.close(Termination.of(Termination.ADMINISTRATIVE_CLOSE, "bye"));
        pump(hangUp, fourth, true);
        advance(4, hangUp, fourth, true);
        assertThat(factory.sessions().size()).isZero();
        assertThat(pool.allocated()).isZero();
        assertThat(counter("pptp.session.ended", "cause", Termination.PEER_TERMINATED)).isEqualTo(1);
        for (SessionState state : SessionState.values()) {
            assertThat(gauge("pptp.sessions", "state", state.tag())).as(state.tag()).isZero();
        }
    }

    @Test
    void serverStoppingSendsEveryPeerATerminateRequestWithTheReasonAndCompletesWhenAllHaveEnded() throws Exception {
        SessionFactory factory = factory(msChapV2Mppe());
        TestLink acking = open(factory);
        Client answers = connect(factory, acking, new Client("u1", "pass one",
                List.of(AuthenticationMethod.MS_CHAP_V2), CcpSettings.require128Stateless()));
        TestLink silent = open(factory);
        Client ignores = connect(factory, silent, new Client("u1", "pass one",
                List.of(AuthenticationMethod.MS_CHAP_V2), CcpSettings.require128Stateless()));
        assertThat(answers.ipcp).isNotNull();
        assertThat(ignores.ipcp).isNotNull();

        var stopping = factory.serverStopping("gateway shutting down").toCompletableFuture();
        loop.runPendingTasks();
        // Both requests went out at once, before either peer answered.
        assertThat(terminateRequestData(silent.toClient)).isEqualTo("gateway shutting down");
        assertThat(terminateRequestData(acking.toClient)).isEqualTo("gateway shutting down");
        // A session starting now (its call was placed just before the shutdown) is ended too.
        TestLink late = open(factory);
        loop.runPendingTasks();
        assertThat(terminateRequestData(late.toClient)).isEqualTo("gateway shutting down");

        pump(acking, answers, true);
        assertThat(answers.session.phase()).isEqualTo(Phase.TERMINATE);
        assertThat(factory.sessions().size()).as("the Terminate-Ack ended one; the silent and late ones wait")
                .isEqualTo(2);
        assertThat(stopping).isNotDone();

        // The server clears the others' calls when the grace is over.
        silent.clear(CallClearCause.SHUTDOWN);
        assertThat(stopping).isNotDone();
        late.clear(CallClearCause.SHUTDOWN);
        assertThat(stopping).isCompleted();
        assertThat(factory.sessions().size()).isZero();
        assertThat(pool.allocated()).isZero();
        assertThat(counter("pptp.session.ended", "cause", "shutdown")).isEqualTo(3);
        for (SessionState state : SessionState.values()) {
            assertThat(gauge("pptp.sessions", "state", state.tag())).as(state.tag()).isZero();
        }
        // The client that answered leaves Stopping after a Restart period (RFC 1661 §4.2), knowing why.
        advance(4, acking, answers, true);
        assertThat(answers.down.cause()).isEqualTo(Termination.PEER_TERMINATED);
        assertThat(answers.down.detail()).endsWith("gateway shutting down");
        // Nothing live: the next shutdown has nothing to wait for.
        SessionFactory idle = factory(msChapV2Mppe());
        assertThat(idle.serverStopping("gateway shutting down").toCompletableFuture()).isCompleted();
        silent.toClient.forEach(ByteBuf::release);
        late.toClient.forEach(ByteBuf::release);
    }

    /** The Data of the first LCP Terminate-Request (RFC 1661 §5.5, code 5) among {@code frames}, as text; null for none. */
    private static String terminateRequestData(ArrayDeque<ByteBuf> frames) {
        for (ByteBuf frame : frames) {
            int at = frame.readerIndex();
            if (frame.readableBytes() >= 2 && frame.getUnsignedShort(at) == 0xFF03) {
                at += 2;
            }
            if (frame.writerIndex() - at >= 6 && frame.getUnsignedShort(at) == 0xC021 && frame.getByte(at + 2) == 5) {
                int length = frame.getUnsignedShort(at + 4);
                return frame.toString(at + 6, length - 4, java.nio.charset.StandardCharsets.US_ASCII);
            }
        }
        return null;
    }

    @Test
    void anAddressHeldForACallIsReleasedIfTheCallClearsBeforeItsSessionStarts() throws Exception {
        SessionFactory factory = factory(msChapV2Mppe());
        TestLink link = new TestLink();
        assertThat(factory.admitCall(link.call)).isNull();
        assertThat(pool.allocated()).isEqualTo(1);
        factory.callCleared(link.call, CallClearCause.CALL_CLEAR_REQUEST);
        assertThat(pool.allocated()).isZero();
        // The GRE side comes late: no session, nothing held.
        PppFrameHandler handler = factory.linkOpened(link);
        ByteBuf frame = Unpooled.wrappedBuffer(new byte[] {(byte) 0xc0, 0x21, 1, 1, 0, 4});
        handler.frameReceived(frame, link.context);
        assertThat(frame.refCnt()).isZero();
        assertThat(factory.sessions().size()).isZero();
        assertThat(pool.allocated()).isZero();
    }

    @Test
    void anExhaustedPoolRefusesTheCall() throws Exception {
        AddressPool tiny = AddressPool.parse(List.of("10.88.0.10"));
        SessionFactory factory = new SessionFactory(msChapV2Mppe(), tiny, ChapSecrets.parse("test", SECRETS),
                new IpDataPlane(Ipv4.fromInt(0x0A580001), tiny, meters, tun::add), meters, new SplittableRandom(1),
                ByteBufAllocator.DEFAULT);
        TestLink first = new TestLink();
        TestLink second = new TestLink();
        assertThat(factory.admitCall(first.call)).isNull();
        assertThat(factory.admitCall(second.call)).isEqualTo("pool-exhausted");
        assertThat(counter("pptp.session.setup.failures", "reason", "pool-exhausted")).isEqualTo(1);
        factory.callCleared(first.call, CallClearCause.CALL_CLEAR_REQUEST);
        assertThat(tiny.allocated()).isZero();
    }
}
