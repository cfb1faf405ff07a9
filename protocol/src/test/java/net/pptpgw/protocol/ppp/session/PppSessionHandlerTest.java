package net.pptpgw.protocol.ppp.session;

import static net.pptpgw.protocol.ppp.session.SessionLink.CLIENT_ADDRESS;
import static net.pptpgw.protocol.ppp.session.SessionLink.PASSWORD;
import static net.pptpgw.protocol.ppp.session.SessionLink.SERVER_ADDRESS;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import net.pptpgw.protocol.gre.GreDecoder;
import net.pptpgw.protocol.gre.GreEncoder;
import net.pptpgw.protocol.gre.GrePacket;
import net.pptpgw.protocol.ppp.fsm.AuthenticationMethod;
import net.pptpgw.protocol.ppp.fsm.CcpSettings;
import net.pptpgw.protocol.ppp.fsm.CcpSettings.Mode;
import net.pptpgw.protocol.ppp.fsm.MppeAgreement;
import net.pptpgw.protocol.ppp.fsm.MppeStrength;
import net.pptpgw.protocol.ppp.fsm.Termination;
import net.pptpgw.protocol.ppp.hdlc.HdlcFrameDecoder;
import net.pptpgw.protocol.ppp.hdlc.HdlcFrameEncoder;
import net.pptpgw.protocol.ppp.session.PppSessionEvent.LinkDown;
import net.pptpgw.protocol.ppp.session.PppSessionEvent.NetworkUp;
import org.junit.jupiter.api.Test;

/**
 * {@link PppSessionHandler} on two transports, a server pipeline and a client pipeline wired
 * back to back on {@link EmbeddedChannel}s: MS-CHAPv2 + MPPE-128 negotiate through the handler
 * and IP packets written at one end are read at the other, encrypted on the wire.
 */
class PppSessionHandlerTest {

    private static final CcpSettings MPPE_128 = new CcpSettings(CcpSettings.Mppe.REQUIRE,
            List.of(MppeStrength.BITS_128), List.of(Mode.STATEFUL));

    /** Records the user events that reach the end of the pipeline. */
    static final class Events extends ChannelInboundHandlerAdapter {
        final List<PppSessionEvent> seen = new ArrayList<>();

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
            if (event instanceof PppSessionEvent pppEvent) {
                seen.add(pppEvent);
            }
            ctx.fireUserEventTriggered(event);
        }

        <T extends PppSessionEvent> Optional<T> last(Class<T> type) {
            return seen.stream().filter(type::isInstance).map(type::cast).reduce((a, b) -> b);
        }
    }

    /** The GRE side of a call, reduced to what PPP needs: payloads in, numbered data packets out (RFC 2637 §4.1). */
    static final class GreFraming extends ChannelDuplexHandler {
        private final int peerCallId;
        private long sequence;

        GreFraming(int peerCallId) {
            this.peerCallId = peerCallId;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            GrePacket packet = (GrePacket) msg;
            if (packet.isAckOnly()) {
                packet.release();
            } else {
                ctx.fireChannelRead(packet.payload());
            }
        }

        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
            ctx.write(GrePacket.data(peerCallId, sequence++ & 0xFFFFFFFFL, (ByteBuf) msg), promise);
        }
    }

    /** Two channels joined by a lossless link that also keeps a copy of every octet each one sent. */
    static final class Link {
        final EmbeddedChannel server;
        final EmbeddedChannel client;
        final Events serverEvents = new Events();
        final Events clientEvents = new Events();
        final PppSessionHandler serverHandler;
        final PppSessionHandler clientHandler;
        final List<byte[]> fromClient = new ArrayList<>();

        Link(Supplier<ChannelHandler[]> serverTransport, Supplier<ChannelHandler[]> clientTransport,
                PppSessionConfig serverConfig, PppSessionConfig clientConfig) {
            serverHandler = new PppSessionHandler(serverConfig, new SplittableRandom(1), null);
            clientHandler = new PppSessionHandler(clientConfig, new SplittableRandom(2), null);
            server = new EmbeddedChannel();
            client = new EmbeddedChannel();
            server.pipeline().addLast(serverTransport.get()).addLast(serverHandler, serverEvents);
            client.pipeline().addLast(clientTransport.get()).addLast(clientHandler, clientEvents);
        }

        /** Delivers what each side wrote to the other until both are quiet. */
        Link shuttle() {
            boolean moved = true;
            while (moved) {
                moved = move(client, server, fromClient) | move(server, client, null);
            }
            return this;
        }

        private static boolean move(EmbeddedChannel from, EmbeddedChannel to, List<byte[]> record) {
            boolean moved = false;
            ByteBuf bytes;
            while ((bytes = from.readOutbound()) != null) {
                if (record != null) {
                    record.add(ByteBufUtil.getBytes(bytes));
                }
                to.writeInbound(bytes);
                moved = true;
            }
            return moved;
        }

        /** Writes an IP packet at {@code from}, with the headroom the session frames it in. */
        ChannelFuture sendIp(EmbeddedChannel from, byte[] packet) {
            ByteBuf buffer = Unpooled.buffer(64 + packet.length);
            buffer.writerIndex(64).readerIndex(64);
            buffer.writeBytes(packet);
            return from.writeAndFlush(buffer);
        }

        static List<byte[]> received(EmbeddedChannel at) {
            List<byte[]> packets = new ArrayList<>();
            ByteBuf packet;
            while ((packet = at.readInbound()) != null) {
                packets.add(ByteBufUtil.getBytes(packet));
                packet.release();
            }
            return packets;
        }
    }

    private static PppSessionConfig server() {
        return SessionLink.server(List.of(AuthenticationMethod.MS_CHAP_V2), MPPE_128);
    }

    private static PppSessionConfig client() {
        return SessionLink.client(List.of(AuthenticationMethod.MS_CHAP_V2), MPPE_128, PASSWORD);
    }

    private static ChannelHandler[] hdlc() {
        return new ChannelHandler[] {new HdlcFrameEncoder(), new HdlcFrameDecoder()};
    }

    @Test
    void overAsyncHdlc() {
        Link link = new Link(PppSessionHandlerTest::hdlc, PppSessionHandlerTest::hdlc, server(), client()).shuttle();

        assertNetworkUpWithMppe128(link);
        assertIpCrossesBothWays(link);
        // HDLC framing on the wire: flag-delimited, and the data frames are 0x00FD (MPPE), never clear IPv4.
        assertThat(link.fromClient).allSatisfy(bytes -> assertThat(bytes[0]).isEqualTo((byte) 0x7E));
    }

    @Test
    void overGre() {
        Link link = new Link(() -> new ChannelHandler[] {new GreEncoder(), new GreDecoder(), new GreFraming(0x1234)},
                () -> new ChannelHandler[] {new GreEncoder(), new GreDecoder(), new GreFraming(0x4321)},
                server(), client()).shuttle();

        assertNetworkUpWithMppe128(link);
        assertIpCrossesBothWays(link);
        // Enhanced GRE (RFC 2637 §4.1): version 1, protocol 0x880B, the server's call ID, numbered from 0.
        ByteBuf first = Unpooled.wrappedBuffer(link.fromClient.getFirst());
        assertThat(first.getUnsignedShort(0) & 0x7).isEqualTo(1);
        assertThat(first.getUnsignedShort(2)).isEqualTo(0x880B);
        assertThat(first.getUnsignedShort(6)).isEqualTo(0x4321);
        assertThat(first.getUnsignedInt(8)).isZero();
    }

    private static void assertNetworkUpWithMppe128(Link link) {
        for (Events events : List.of(link.serverEvents, link.clientEvents)) {
            NetworkUp up = events.last(NetworkUp.class).orElseThrow(() -> new AssertionError(events.seen.toString()));
            assertThat(up.mppe()).contains(new MppeAgreement(MppeStrength.BITS_128, false));
            assertThat(events.seen).anySatisfy(event -> assertThat(event).isInstanceOf(PppSessionEvent.LinkUp.class));
            assertThat(events.last(LinkDown.class)).isEmpty();
        }
        assertThat(link.serverEvents.last(PppSessionEvent.Authenticated.class).orElseThrow().peerName())
                .contains(SessionLink.USER);
        assertThat(link.serverEvents.last(NetworkUp.class).orElseThrow().ipcp().peerAddress()).contains(CLIENT_ADDRESS);
        assertThat(link.clientEvents.last(NetworkUp.class).orElseThrow().ipcp().localAddress()).isEqualTo(CLIENT_ADDRESS);
        assertThat(link.clientEvents.last(NetworkUp.class).orElseThrow().ipcp().peerAddress()).contains(SERVER_ADDRESS);
        assertThat(link.serverHandler.session().phase()).isEqualTo(Phase.NETWORK);
    }

    private static void assertIpCrossesBothWays(Link link) {
        List<byte[]> fromClient = PppSessionTest.packets(300, 1);
        List<byte[]> fromServer = PppSessionTest.packets(300, 2);
        for (int i = 0; i < 300; i++) {
            assertThat(link.sendIp(link.client, fromClient.get(i)).isSuccess()).isTrue();
            assertThat(link.sendIp(link.server, fromServer.get(i)).isSuccess()).isTrue();
            link.shuttle();
        }
        assertThat(Link.received(link.server)).containsExactlyElementsOf(fromClient);
        assertThat(Link.received(link.client)).containsExactlyElementsOf(fromServer);
        // The plaintext never crosses the link.
        byte[] marker = "packet-1-".getBytes(StandardCharsets.US_ASCII);
        assertThat(link.fromClient).noneMatch(bytes -> indexOf(bytes, marker) >= 0);
    }

    @Test
    void aWriteBeforeTheNetworkIsUpFailsItsPromise() {
        EmbeddedChannel channel = new EmbeddedChannel(hdlc());
        channel.pipeline().addLast(new PppSessionHandler(client(), new SplittableRandom(3), null));
        ChannelFuture write = channel.writeAndFlush(Unpooled.wrappedBuffer(PppSessionTest.packets(1, 1).getFirst()));

        assertThat(write.cause()).isInstanceOf(PppSessionHandler.NetworkNotUpException.class);
        ByteBuf request = channel.readOutbound();
        assertThat(request).as("LCP Configure-Request sent on activation").isNotNull();
        request.release();
        channel.finishAndReleaseAll();
    }

    @Test
    void timersRunOnTheChannelsEventLoopAndTheLinkDiesWithAReason() {
        EmbeddedChannel channel = new EmbeddedChannel(hdlc());
        Events events = new Events();
        channel.pipeline().addLast(new PppSessionHandler(client(), new SplittableRandom(4), null), events);
        // Nobody answers: Max-Configure (10) Configure-Requests, 3 s apart, then LCP gives up (RFC 1661 §4.6).
        for (int i = 0; i < 12; i++) {
            channel.advanceTimeBy(3, TimeUnit.SECONDS);
            channel.runScheduledPendingTasks();
        }
        int requests = 0;
        for (ByteBuf frame; (frame = channel.readOutbound()) != null; frame.release()) {
            requests++;
        }

        assertThat(requests).isEqualTo(10);
        assertThat(events.last(LinkDown.class)).map(down -> down.reason().cause()).contains(Termination.NO_RESPONSE);
        assertThat(channel.isOpen()).as("closing the transport is the caller's call").isTrue();
        channel.finishAndReleaseAll();
    }

    @Test
    void channelInactiveIsTheDownEvent() {
        Link link = new Link(PppSessionHandlerTest::hdlc, PppSessionHandlerTest::hdlc, server(), client()).shuttle();
        link.client.close();

        assertThat(link.clientEvents.last(LinkDown.class)).map(down -> down.reason().cause())
                .contains(Termination.LOWER_LAYER_DOWN);
        link.server.finishAndReleaseAll();
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
