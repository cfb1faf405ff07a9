package net.pptpgw.client.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.lang.management.ManagementFactory;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import net.pptpgw.protocol.ppp.fsm.AuthenticationMethod;
import net.pptpgw.protocol.ppp.fsm.AutomatonConfig;
import net.pptpgw.protocol.ppp.fsm.CcpSettings;
import net.pptpgw.protocol.ppp.fsm.IpcpSettings;
import net.pptpgw.protocol.ppp.fsm.LcpSettings;
import net.pptpgw.protocol.ppp.session.PppOutput;
import net.pptpgw.protocol.ppp.session.PppSession;
import net.pptpgw.protocol.ppp.session.PppSessionConfig;
import net.pptpgw.protocol.ppp.session.PppTimers;
import net.pptpgw.protocol.ppp.session.Role;
import net.pptpgw.protocol.ppp.session.Secret;
import org.junit.jupiter.api.Test;

/**
 * What a client PPP engine holds once its network is up with MS-CHAPv2 and MPPE-128: 1,000
 * client engines negotiate with server engines in this JVM (frames handed across directly), the
 * servers are dropped, and the heap the clients keep is measured. This is the PPP part of a
 * load-generator session after setup, MPPE keys and RC4 state included.
 */
class NetworkUpFootprintTest {

    private static final int SESSIONS = 1_000;

    /** One side of a pair: frames go into the other side's queue, timers never fire (nothing is lost here). */
    private static final class End implements PppOutput, PppTimers {
        final ArrayDeque<ByteBuf> peerInbox;
        boolean up;

        End(ArrayDeque<ByteBuf> peerInbox) {
            this.peerInbox = peerInbox;
        }

        @Override
        public void sendFrame(ByteBuf frame) {
            peerInbox.add(frame);
        }

        @Override
        public void ipPacketReceived(ByteBuf packet) {
            packet.release();
        }

        @Override
        public void networkUp(net.pptpgw.protocol.ppp.fsm.IpcpAgreement ipcp,
                Optional<net.pptpgw.protocol.ppp.fsm.MppeAgreement> mppe) {
            up = mppe.isPresent();
        }

        @Override
        public Timer schedule(Duration delay, Runnable task) {
            return () -> { };
        }
    }

    @Test
    void aClientWithMppe128UpHoldsAFewKilobytes() throws Exception {
        Inet4Address local = (Inet4Address) InetAddress.getByName("10.0.0.1");
        Inet4Address peer = (Inet4Address) InetAddress.getByName("10.0.0.2");
        PppSessionConfig client = new PppSessionConfig(Role.CLIENT,
                LcpSettings.client(List.of(AuthenticationMethod.MS_CHAP_V2)), IpcpSettings.client(false, false),
                CcpSettings.require128Stateless(), AutomatonConfig.DEFAULTS, "loadgen",
                Optional.of(new PppSessionConfig.Credentials("user", "secret")), Optional.empty(), 1, Duration.ZERO, 3);
        PppSessionConfig server = new PppSessionConfig(Role.SERVER,
                LcpSettings.server(List.of(AuthenticationMethod.MS_CHAP_V2)),
                IpcpSettings.server(local, peer, List.of(), List.of()), CcpSettings.require128Stateless(),
                AutomatonConfig.DEFAULTS, "pptpd", Optional.empty(),
                Optional.of(user -> Optional.of(new Secret.Password("secret"))), 1, Duration.ZERO, 3);
        SplittableRandom random = new SplittableRandom(7);
        List<PppSession> clients = new ArrayList<>(SESSIONS);

        long before = usedHeap();
        for (int i = 0; i < SESSIONS; i++) {
            ArrayDeque<ByteBuf> toClient = new ArrayDeque<>();
            ArrayDeque<ByteBuf> toServer = new ArrayDeque<>();
            End clientEnd = new End(toServer);
            End serverEnd = new End(toClient);
            PppSession c = new PppSession(client, clientEnd, clientEnd, random, UnpooledByteBufAllocator.DEFAULT);
            PppSession s = new PppSession(server, serverEnd, serverEnd, random, UnpooledByteBufAllocator.DEFAULT);
            c.start();
            s.start();
            for (int rounds = 0; rounds < 200 && !(toClient.isEmpty() && toServer.isEmpty()); rounds++) {
                while (!toServer.isEmpty()) {
                    s.receive(toServer.poll());
                }
                while (!toClient.isEmpty()) {
                    c.receive(toClient.poll());
                }
            }
            assertThat(clientEnd.up).as("session %d network up with MPPE", i).isTrue();
            assertThat(c.isNetworkUp()).isTrue();
            clients.add(c);
        }
        long after = usedHeap();

        long perSession = (after - before) / SESSIONS;
        System.out.printf("client PPP engine, network up with MPPE-128: %d bytes per session%n", perSession);
        assertThat(clients).hasSize(SESSIONS);
        // Measured ~14 KiB while MPPE kept four int[256] RC4 states and two SHA-1 digests per
        // session, ~8.2 KiB (8,389 bytes, 2026-11-27) since MPPE's state is compact (protocol's
        // SessionFootprintTest: ~3 KiB per network-up session). The rest here is not per session:
        // nothing runs before the measurement starts, so one-off heap (static tables, per-thread
        // MPPE scratch, caches: ~5.5 MB) is divided by the 1,000 sessions; with one session
        // negotiated before the first usedHeap() the same loop measured 2,818 bytes per session.
        // A regression bound.
        assertThat(perSession).as("heap per network-up client engine").isLessThan(10 * 1024);
    }

    private static long usedHeap() throws InterruptedException {
        var memory = ManagementFactory.getMemoryMXBean();
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            System.gc();
            Thread.sleep(50);
            used = Math.min(used, memory.getHeapMemoryUsage().getUsed());
        }
        return used;
    }
}
