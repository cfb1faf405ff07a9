package net.pptpgw.client.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.ReferenceCountUtil;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import net.pptpgw.client.data.ClientCallRegistry;
import net.pptpgw.concentrator.call.Call;
import net.pptpgw.concentrator.data.GreConfig;
import net.pptpgw.concentrator.data.GreDataPlane;
import net.pptpgw.protocol.ppp.fsm.AuthenticationMethod;
import net.pptpgw.protocol.ppp.fsm.AutomatonConfig;
import net.pptpgw.protocol.ppp.fsm.CcpSettings;
import net.pptpgw.protocol.ppp.fsm.IpcpAgreement;
import net.pptpgw.protocol.ppp.fsm.IpcpSettings;
import net.pptpgw.protocol.ppp.fsm.LcpSettings;
import net.pptpgw.protocol.ppp.fsm.MppeAgreement;
import net.pptpgw.protocol.ppp.fsm.Termination;
import net.pptpgw.protocol.ppp.session.PppSessionConfig;
import net.pptpgw.protocol.ppp.session.Role;
import org.junit.jupiter.api.Test;

/**
 * The client side of a session must stay small: thousands live in one load-generator JVM. This
 * opens 5,000 calls' GRE state and PPP clients (LCP negotiating, restart timers armed) through
 * the real data plane on an {@link EmbeddedChannel} and measures the heap they hold. The TCP
 * control connection (a Netty channel and its pipeline) comes on top and is shared when several
 * calls ride one connection.
 */
class ClientSessionFootprintTest {

    private static final int SESSIONS = 5_000;

    @Test
    void aSessionsGreAndPppStateFitsInAFewKilobytes() throws Exception {
        ClientCallRegistry registry = new ClientCallRegistry();
        GreDataPlane dataPlane = new GreDataPlane(GreConfig.defaults(), 64, registry, registry,
                new SimpleMeterRegistry());
        List<ByteBuf> firstFrames = new ArrayList<>();
        EmbeddedChannel gre = new EmbeddedChannel(new ChannelOutboundHandlerAdapter() {
            @Override
            public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
                if (firstFrames.isEmpty() && msg instanceof DatagramPacket packet) {
                    firstFrames.add(packet.content().copy());
                }
                ReferenceCountUtil.release(msg);
            }
        }, dataPlane.handler());
        EmbeddedChannel control = new EmbeddedChannel();
        InetAddress server = InetAddress.getByName("192.0.2.1");
        PppSessionConfig config = new PppSessionConfig(Role.CLIENT,
                LcpSettings.client(List.of(AuthenticationMethod.MS_CHAP_V2)), IpcpSettings.client(false, false),
                CcpSettings.require128Stateless(), AutomatonConfig.DEFAULTS, "loadgen",
                Optional.of(new PppSessionConfig.Credentials("user", "password")), Optional.empty(), 1,
                Duration.ZERO, 3);
        PppClientSession.Listener listener = new PppClientSession.Listener() {
            @Override
            public void networkUp(PppClientSession session, IpcpAgreement ipcp, Optional<MppeAgreement> mppe) {}

            @Override
            public void linkDown(PppClientSession session, Termination reason) {}
        };
        SplittableRandom random = new SplittableRandom(1);
        List<PppClientSession> sessions = new ArrayList<>(SESSIONS);

        long before = usedHeap();
        for (int i = 0; i < SESSIONS; i++) {
            Call call = new Call(i, 0x8000 + i, server, control, i, 64, 0, 100_000_000L, System.nanoTime());
            registry.add(call, link -> {
                PppClientSession session = new PppClientSession(link, config, listener, random,
                        UnpooledByteBufAllocator.DEFAULT);
                sessions.add(session);
                session.start();
                return session;
            });
            dataPlane.callEstablished(call);
            gre.runPendingTasks();
        }
        long after = usedHeap();

        assertThat(sessions).hasSize(SESSIONS);
        assertThat(dataPlane.sessions()).isEqualTo(SESSIONS);
        // The first session's first frame went out as GRE for the PAC's call ID with an LCP Configure-Request.
        String first = ByteBufUtil.hexDump(firstFrames.getFirst());
        assertThat(first).startsWith("3001880b").contains("8000" + "00000000").contains("c02101");
        long perSession = (after - before) / SESSIONS;
        System.out.printf("client GRE+PPP state: %d bytes per session (%d sessions)%n", perSession, SESSIONS);
        assertThat(perSession).as("heap per session").isLessThan(6 * 1024);

        firstFrames.forEach(ByteBuf::release);
        gre.finishAndReleaseAll();
        control.finishAndReleaseAll();
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
