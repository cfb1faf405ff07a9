package net.pptpgw.concentrator.data;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import net.pptpgw.concentrator.call.Call;
import net.pptpgw.concentrator.call.CallClearCause;
import net.pptpgw.concentrator.call.CallTable;
import net.pptpgw.protocol.gre.GreDecodeStatus;
import net.pptpgw.protocol.gre.GreHeader;
import net.pptpgw.protocol.testing.Packets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The data plane on an {@link EmbeddedChannel} standing in for the raw GRE socket: datagrams
 * in are whole IPv4 packets as the socket delivers them, datagrams out are GRE to the peer.
 * The event loop's clock is frozen and moved by hand for the ack and reorder timers.
 */
class GreDataPlaneTest {

    private static final byte[] PEER = Packets.address(192, 0, 2, 10);
    private static final byte[] FORGER = Packets.address(192, 0, 2, 66);
    private static final byte[] US = Packets.address(192, 0, 2, 1);
    private static final int PEER_CALL_ID = 0x1234;
    private static final int PEER_WINDOW = 4;

    /** What the PPP side saw: frames as hex with the user of their context, and closes. */
    private final List<String> received = new ArrayList<>();
    private final List<PacketContext> contexts = new ArrayList<>();
    private final List<String> closed = new ArrayList<>();
    private int windowOpened;
    private final List<PppLink> links = new ArrayList<>();
    private final PppLinkFactory factory = link -> {
        links.add(link);
        return new PppFrameHandler() {
            @Override
            public void frameReceived(ByteBuf frame, PacketContext context) {
                received.add(ByteBufUtil.hexDump(frame));
                contexts.add(context);
                frame.release();
            }

            @Override
            public void sendWindowOpened() {
                windowOpened++;
            }

            @Override
            public void linkClosed(CallClearCause cause) {
                closed.add(link.call().callId() + ":" + cause.tag());
            }
        };
    };

    private final MeterRegistry meters = new SimpleMeterRegistry();
    private final CallTable calls = new CallTable(CallTable.CALL_ID_SPACE, Duration.ZERO, new SplittableRandom(7),
            System::nanoTime);
    private GreDataPlane plane;
    private EmbeddedChannel gre;
    private final EmbeddedChannel control = new EmbeddedChannel();
    private final List<ByteBuf> sentFrames = new ArrayList<>();

    @BeforeEach
    void setUp() {
        plane = new GreDataPlane(GreConfig.defaults().withReorder(4, Duration.ofMillis(5)), 16, calls, factory,
                meters);
        gre = new EmbeddedChannel(plane.handler());
        gre.freezeTime();
    }

    @AfterEach
    void nothingLeaks() {
        assertThat(gre.finishAndReleaseAll()).as("unread outbound datagrams").isFalse();
        assertThat(sentFrames).allSatisfy(f -> assertThat(f.refCnt()).isZero());
    }

    private Call establish() {
        Call call = ((CallTable.Allocated) calls.allocate(id -> new Call(id, PEER_CALL_ID, address(PEER), control, 1,
                PEER_WINDOW, 0, 10_000_000, 0))).call();
        plane.callEstablished(call);
        gre.runPendingTasks();
        return call;
    }

    private void clear(Call call, CallClearCause cause) {
        calls.release(call);
        plane.callCleared(call, cause);
        gre.runPendingTasks();
    }

    private void receive(byte[] source, int callId, Long sequence, Long ack, String payloadHex) {
        byte[] gre = Packets.enhancedGre(callId, sequence, ack, HexFormat.of().parseHex(payloadHex));
        byte[] ip = Packets.ipv4Gre(source, US, gre);
        this.gre.writeInbound(new DatagramPacket(Unpooled.wrappedBuffer(ip), new InetSocketAddress(address(US), 0),
                new InetSocketAddress(address(source), 0)));
    }

    /** The next datagram sent, its GRE header decoded into {@code header}; its buffer is released. */
    private DatagramPacket sent(GreHeader header) {
        DatagramPacket packet = gre.readOutbound();
        assertThat(packet).as("a datagram sent").isNotNull();
        assertThat(header.decode(packet.content())).isEqualTo(GreDecodeStatus.OK);
        sentFrames.add(packet.content());
        return packet;
    }

    private String payload(DatagramPacket packet, GreHeader header) {
        String hex = ByteBufUtil.hexDump(packet.content(), header.payloadOffset(), header.payloadLength());
        packet.release();
        return hex;
    }

    /** A PPP frame with room for the GRE header in front, as the PPP engine should build it. */
    private ByteBuf frame(String hex) {
        ByteBuf frame = Unpooled.buffer(GreHeader.MAX_LENGTH + 64);
        frame.setIndex(GreHeader.MAX_LENGTH, GreHeader.MAX_LENGTH).writeBytes(HexFormat.of().parseHex(hex));
        sentFrames.add(frame);
        return frame;
    }

    private double counter(String name, String... tags) {
        var counter = meters.find(name).tags(tags).counter();
        return counter == null ? 0 : counter.count();
    }

    private static InetAddress address(byte[] address) {
        try {
            return InetAddress.getByAddress(address);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void framesReachTheLinkInSequenceOrderWithTheSessionsContext() {
        Call call = establish();
        assertThat(links).hasSize(1);
        assertThat(links.getFirst().call()).isSameAs(call);
        receive(PEER, call.callId(), 0L, null, "ff03c021010100040000");
        receive(PEER, call.callId(), 2L, null, "ff03c02102");
        receive(PEER, call.callId(), 1L, null, "ff03c02101");
        assertThat(received).containsExactly("ff03c021010100040000", "ff03c02101", "ff03c02102");
        assertThat(contexts).containsOnly(PacketContext.forCall(call.callId()));
        assertThat(counter("pptp.gre.reordered")).isEqualTo(1);
        assertThat(counter("pptp.gre.packets", "direction", "in")).isEqualTo(3);
        assertThat(counter("pptp.gre.bytes", "direction", "in")).isEqualTo(3 * 12 + 10 + 5 + 5);
        receive(PEER, call.callId(), 1L, null, "ff03c02101");
        assertThat(counter("pptp.gre.drops", "reason", "duplicate")).isEqualTo(1);
        gre.advanceTimeBy(100, TimeUnit.MILLISECONDS);
        gre.runScheduledPendingTasks();
        payload(sent(new GreHeader()), new GreHeader()); // the ack-only packet, checked elsewhere
    }

    @Test
    void aGapIsGivenUpWhenTheReorderTimerFires() {
        Call call = establish();
        receive(PEER, call.callId(), 0L, null, "00");
        receive(PEER, call.callId(), 2L, null, "02");
        assertThat(received).containsExactly("00");
        gre.advanceTimeBy(5, TimeUnit.MILLISECONDS);
        gre.runScheduledPendingTasks();
        assertThat(received).containsExactly("00", "02");
        assertThat(counter("pptp.gre.lost")).isEqualTo(1);
        gre.advanceTimeBy(100, TimeUnit.MILLISECONDS);
        gre.runScheduledPendingTasks();
        GreHeader header = new GreHeader();
        payload(sent(header), header);
        assertThat(header.acknowledgment()).isEqualTo(2);
    }

    /**
     * A one-way flow: with our window of 16, the eighth packet delivered unacknowledged gets an
     * ack-only at once instead of after the ack delay, so the peer never waits for the timer
     * with its window full (RFC 2637 §4.4); the timer still covers the rest.
     */
    @Test
    void halfOurWindowUnacknowledgedIsAcknowledgedAtOnce() {
        Call call = establish();
        for (long sequence = 0; sequence < 7; sequence++) {
            receive(PEER, call.callId(), sequence, null, "ff03c021");
        }
        assertThat((Object) gre.readOutbound()).as("7 of 16: the ack waits").isNull();
        receive(PEER, call.callId(), 7L, null, "ff03c021");
        GreHeader header = new GreHeader();
        payload(sent(header), header);
        assertThat(header.isAckOnly()).isTrue();
        assertThat(header.acknowledgment()).isEqualTo(7);
        assertThat((Object) gre.readOutbound()).isNull();

        for (long sequence = 8; sequence < 15; sequence++) {
            receive(PEER, call.callId(), sequence, null, "ff03c021");
        }
        assertThat((Object) gre.readOutbound()).as("7 more since that ack").isNull();
        receive(PEER, call.callId(), 15L, null, "ff03c021");
        payload(sent(header), header);
        assertThat(header.acknowledgment()).isEqualTo(15);

        receive(PEER, call.callId(), 16L, null, "ff03c021");
        gre.advanceTimeBy(100, TimeUnit.MILLISECONDS);
        gre.runScheduledPendingTasks();
        payload(sent(header), header);
        assertThat(header.acknowledgment()).as("the timer for the rest").isEqualTo(16);
        assertThat(counter("pptp.gre.acks.sent", "kind", "ack-only")).isEqualTo(3);
    }

    @Test
    void anAckOnlyPacketGoesOutWhenNoDataTakesTheAckWithinTheDelay() {
        Call call = establish();
        receive(PEER, call.callId(), 0L, null, "ff03c021");
        gre.advanceTimeBy(99, TimeUnit.MILLISECONDS);
        gre.runScheduledPendingTasks();
        assertThat((Object) gre.readOutbound()).isNull();
        gre.advanceTimeBy(1, TimeUnit.MILLISECONDS);
        gre.runScheduledPendingTasks();

        GreHeader header = new GreHeader();
        DatagramPacket ack = sent(header);
        assertThat(ack.recipient()).isEqualTo(new InetSocketAddress(address(PEER), 0));
        assertThat(header.isAckOnly()).isTrue();
        assertThat(header.callId()).as("the peer's call ID").isEqualTo(PEER_CALL_ID);
        assertThat(header.acknowledgment()).isEqualTo(0);
        // Byte for byte: K and A bits, version 1, PPP, payload length 0, call ID, ack 0 (RFC 2637 §4.1).
        assertThat(ByteBufUtil.hexDump(ack.content())).isEqualTo("2081880b0000123400000000");
        ack.release();
        assertThat(counter("pptp.gre.acks.sent", "kind", "ack-only")).isEqualTo(1);

        // Nothing new arrived: no further ack.
        gre.advanceTimeBy(1, TimeUnit.SECONDS);
        gre.runScheduledPendingTasks();
        assertThat((Object) gre.readOutbound()).isNull();

        receive(PEER, call.callId(), 1L, null, "ff03c021");
        receive(PEER, call.callId(), 2L, null, "ff03c021");
        gre.advanceTimeBy(100, TimeUnit.MILLISECONDS);
        gre.runScheduledPendingTasks();
        payload(sent(header), header);
        assertThat(header.acknowledgment()).as("one ack for both").isEqualTo(2);
        assertThat((Object) gre.readOutbound()).isNull();
        assertThat(counter("pptp.gre.acks.sent", "kind", "ack-only")).isEqualTo(2);
    }

    @Test
    void theAckRidesOnOutgoingDataAndNoAckOnlyFollows() {
        Call call = establish();
        receive(PEER, call.callId(), 0L, null, "c0210101");
        PppLink link = links.getFirst();
        assertThat(link.send(frame("ff03c021020100040000"))).isTrue();

        GreHeader header = new GreHeader();
        DatagramPacket data = sent(header);
        assertThat(header.sequence()).isEqualTo(0);
        assertThat(header.hasAcknowledgment()).isTrue();
        assertThat(header.acknowledgment()).isEqualTo(0);
        assertThat(header.callId()).isEqualTo(PEER_CALL_ID);
        assertThat(header.payloadLength()).isEqualTo(10);
        assertThat(ByteBufUtil.hexDump(data.content())).isEqualTo(
                "3081880b000a1234" + "00000000" + "00000000" + "ff03c021020100040000");
        data.release();
        assertThat(counter("pptp.gre.headroom.copies")).as("written in place").isZero();

        assertThat(link.send(frame("ff03c02109"))).isTrue();
        payload(sent(header), header);
        assertThat(header.sequence()).isEqualTo(1);
        assertThat(header.hasAcknowledgment()).as("nothing new to acknowledge").isFalse();

        gre.advanceTimeBy(200, TimeUnit.MILLISECONDS);
        gre.runScheduledPendingTasks();
        assertThat((Object) gre.readOutbound()).isNull();
        assertThat(counter("pptp.gre.acks.sent", "kind", "piggybacked")).isEqualTo(1);
        assertThat(counter("pptp.gre.acks.sent", "kind", "ack-only")).isZero();
        assertThat(counter("pptp.gre.packets", "direction", "out")).isEqualTo(2);
    }

    @Test
    void theSendWindowStopsAtThePeersWindowUntilItAcknowledges() {
        Call call = establish();
        PppLink link = links.getFirst();
        GreHeader header = new GreHeader();
        for (int i = 0; i < PEER_WINDOW; i++) {
            assertThat(link.send(frame("0" + i))).isTrue();
            payload(sent(header), header);
        }
        assertThat(link.canSend()).isFalse();
        assertThat(link.send(frame("ff"))).isFalse();
        assertThat((Object) gre.readOutbound()).isNull();
        assertThat(counter("pptp.gre.drops", "reason", "send-window-full")).isEqualTo(1);

        receive(PEER, call.callId(), null, 1L, ""); // ack-only from the peer: 0 and 1 arrived
        assertThat(counter("pptp.gre.acks.received", "result", "applied")).isEqualTo(1);
        assertThat(windowOpened).as("the PPP side heard the window open").isEqualTo(1);
        assertThat(link.canSend()).isTrue();
        assertThat(link.send(frame("04"))).isTrue();
        payload(sent(header), header);
        assertThat(header.sequence()).isEqualTo(4);
        assertThat(link.send(frame("05"))).isTrue();
        payload(sent(header), header);
        assertThat(link.send(frame("06"))).isFalse();

        receive(PEER, call.callId(), null, 99L, ""); // acknowledges what we never sent: ignored
        assertThat(counter("pptp.gre.acks.received", "result", "ignored")).isEqualTo(1);
        assertThat(windowOpened).as("not for an ignored acknowledgment").isEqualTo(1);
        assertThat(link.send(frame("07"))).isFalse();
        assertThat(received).isEmpty();
    }

    @Test
    void aFullSocketQueueDropsInsteadOfQueueingWithoutBound() {
        establish();
        PppLink link = links.getFirst();
        gre.unsafe().outboundBuffer().setUserDefinedWritability(1, false);
        assertThat(link.send(frame("01"))).isFalse();
        assertThat(counter("pptp.gre.drops", "reason", "socket-busy")).isEqualTo(1);
        gre.unsafe().outboundBuffer().setUserDefinedWritability(1, true);
        assertThat(link.send(frame("02"))).isTrue();
        GreHeader header = new GreHeader();
        assertThat(payload(sent(header), header)).isEqualTo("02");
        assertThat(header.sequence()).as("the dropped frame used no sequence number").isZero();
    }

    @Test
    void aPacketForTheCallIdAddressedToAnotherOfOurAddressesIsDropped() {
        // An unbound raw socket (the client library's) sees every GRE the host receives: another
        // PPTP endpoint on this host may use the same call ID with the same server.
        EmbeddedChannel reachedOnUs = new EmbeddedChannel() {
            @Override
            protected SocketAddress localAddress0() {
                return new InetSocketAddress(address(US), 1723);
            }
        };
        Call call = ((CallTable.Allocated) calls.allocate(id -> new Call(id, PEER_CALL_ID, address(PEER), reachedOnUs,
                1, PEER_WINDOW, 0, 10_000_000, 0))).call();
        plane.callEstablished(call);
        gre.runPendingTasks();
        byte[] otherOfOurs = Packets.address(192, 0, 2, 2);
        byte[] ip = Packets.ipv4Gre(PEER, otherOfOurs, Packets.enhancedGre(call.callId(), 0L, null,
                HexFormat.of().parseHex("c0210101")));
        gre.writeInbound(new DatagramPacket(Unpooled.wrappedBuffer(ip), new InetSocketAddress(address(otherOfOurs), 0),
                new InetSocketAddress(address(PEER), 0)));
        assertThat(received).isEmpty();
        assertThat(counter("pptp.gre.drops", "reason", "wrong-destination")).isEqualTo(1);
        receive(PEER, call.callId(), 0L, null, "c0210101");
        assertThat(received).containsExactly("c0210101");
        clear(call, CallClearCause.CALL_CLEAR_REQUEST);
        gre.advanceTimeBy(1, TimeUnit.SECONDS);
        gre.runScheduledPendingTasks();
        while (gre.readOutbound() instanceof DatagramPacket ack) {
            ack.release();
        }
        reachedOnUs.finishAndReleaseAll();
    }

    @Test
    void aPacketFromAForgedSourceIsDroppedAndTheSessionCarriesOn() {
        Call call = establish();
        // Sequence 0 from the wrong address: were it accepted, the real 0 would be a duplicate.
        receive(FORGER, call.callId(), 0L, 0L, "c02105010004");
        assertThat(received).isEmpty();
        assertThat(counter("pptp.gre.drops", "reason", "wrong-source")).isEqualTo(1);
        receive(PEER, call.callId(), 0L, null, "c0210101");
        assertThat(received).containsExactly("c0210101");
        assertThat(counter("pptp.gre.acks.received", "result", "ignored")).isZero();
        assertThat(plane.sessions()).isEqualTo(1);
        gre.advanceTimeBy(100, TimeUnit.MILLISECONDS);
        gre.runScheduledPendingTasks();
        GreHeader header = new GreHeader();
        payload(sent(header), header);
        assertThat(header.acknowledgment()).isEqualTo(0);
    }

    @Test
    void unknownCallsAndBrokenHeadersAreCountedByReason() {
        Call call = establish();
        receive(PEER, call.callId() ^ 1, 0L, null, "00");
        assertThat(counter("pptp.gre.drops", "reason", "unknown-call")).isEqualTo(1);

        byte[] badVersion = Packets.enhancedGre(call.callId(), 0L, null, new byte[] {1});
        badVersion[1] = (byte) (badVersion[1] & ~7); // version 0
        gre.writeInbound(new DatagramPacket(Unpooled.wrappedBuffer(Packets.ipv4Gre(PEER, US, badVersion)),
                new InetSocketAddress(address(US), 0)));
        assertThat(counter("pptp.gre.drops", "reason", "bad-version")).isEqualTo(1);

        byte[] truncated = Packets.ipv4Gre(PEER, US, Packets.enhancedGre(call.callId(), 0L, null, new byte[] {1, 2}));
        // The IP total length says one byte less than the GRE payload length needs.
        truncated[3]--;
        gre.writeInbound(new DatagramPacket(Unpooled.wrappedBuffer(truncated), new InetSocketAddress(address(US), 0)));
        assertThat(counter("pptp.gre.drops", "reason", "payload-length-exceeds-datagram")).isEqualTo(1);

        gre.writeInbound(new DatagramPacket(Unpooled.wrappedBuffer(new byte[] {0x60, 0, 0}),
                new InetSocketAddress(address(US), 0)));
        assertThat(counter("pptp.gre.drops", "reason", "not-ipv4")).isEqualTo(1);
        assertThat(received).isEmpty();
    }

    @Test
    void clearingCallsRemovesTheirGreStateAndReleasesHeldFrames() {
        List<ByteBuf> inbound = new ArrayList<>();
        for (int round = 0; round < 1000; round++) {
            Call call = establish();
            ByteBuf held = Unpooled.wrappedBuffer(Packets.ipv4Gre(PEER, US,
                    Packets.enhancedGre(call.callId(), 3L, null, new byte[] {3})));
            inbound.add(held);
            gre.writeInbound(new DatagramPacket(held, new InetSocketAddress(address(US), 0)));
            assertThat(plane.sessions()).isEqualTo(1);
            clear(call, CallClearCause.CALL_CLEAR_REQUEST);
            assertThat(plane.sessions()).isZero();
        }
        assertThat(inbound).allSatisfy(b -> assertThat(b.refCnt()).isZero());
        assertThat(closed).hasSize(1000).allMatch(c -> c.endsWith(":call-clear-request"));
        assertThat(links).allMatch(l -> !l.isOpen());
        // A call ID in quarantine or reused: the old link sends nothing.
        assertThat(links.getFirst().send(frame("00"))).isFalse();
        assertThat(counter("pptp.gre.drops", "reason", "link-closed")).isEqualTo(1);
        assertThat(meters.get("pptp.gre.sessions").gauge().value()).isZero();
    }

    @Test
    void greThatArrivesBeforeItsCallsGreStateWaitsForItInsteadOfBeingDropped() {
        // The reply went out and the peer answered at once, before the task that makes the
        // call's GRE state ran (EmbeddedChannel runs tasks on every write, so the task is queued after).
        Call call = ((CallTable.Allocated) calls.allocate(id -> new Call(id, PEER_CALL_ID, address(PEER), control, 1,
                PEER_WINDOW, 0, 10_000_000, 0))).call();
        receive(PEER, call.callId(), 0L, null, "ff03c021010100040000");
        receive(PEER, call.callId(), 1L, null, "ff03c02101");
        assertThat(received).isEmpty();
        plane.callEstablished(call);
        gre.runPendingTasks();
        assertThat(received).containsExactly("ff03c021010100040000", "ff03c02101");
        assertThat(counter("pptp.gre.drops", "reason", "unknown-call")).isZero();

        // Bounded per call: beyond EARLY_PER_CALL a waiting call's packets are dropped as before.
        Call second = ((CallTable.Allocated) calls.allocate(id -> new Call(id, PEER_CALL_ID + 1, address(PEER),
                control, 1, PEER_WINDOW, 0, 10_000_000, 0))).call();
        List<ByteBuf> early = new ArrayList<>();
        for (int i = 0; i < GreDataPlane.EARLY_PER_CALL + 2; i++) {
            ByteBuf datagram = Unpooled.wrappedBuffer(Packets.ipv4Gre(PEER, US,
                    Packets.enhancedGre(second.callId(), (long) i, null, new byte[] {1})));
            early.add(datagram);
            gre.writeInbound(new DatagramPacket(datagram, new InetSocketAddress(address(US), 0)));
        }
        assertThat(counter("pptp.gre.drops", "reason", "unknown-call")).isEqualTo(2);
        // Cleared before its GRE state was made: what waited is released, nothing delivered.
        calls.release(second);
        plane.callCleared(second, CallClearCause.CONNECTION_LOST);
        gre.runPendingTasks();
        assertThat(early).allSatisfy(b -> assertThat(b.refCnt()).isZero());
        assertThat(received).hasSize(2);
        clear(call, CallClearCause.CALL_CLEAR_REQUEST);
    }

    @Test
    void aCallClearedBeforeItsGreStateWasMadeGetsNone() {
        Call call = ((CallTable.Allocated) calls.allocate(id -> new Call(id, PEER_CALL_ID, address(PEER), control, 1,
                PEER_WINDOW, 0, 10_000_000, 0))).call();
        plane.callEstablished(call);
        calls.release(call);
        plane.callCleared(call, CallClearCause.CONNECTION_LOST);
        gre.runPendingTasks();
        assertThat(plane.sessions()).isZero();
        assertThat(links).isEmpty();
    }

    @Test
    void metadataSurvivesEveryStageThatReplacesTheBuffer() {
        Call call = establish();
        PppLink link = links.getFirst();
        PacketContext alice = link.context().withUser("alice").withQos(5, 0x42);
        link.context(alice);

        // Up: frames now carry the new context.
        receive(PEER, call.callId(), 0L, null, "0021450000");
        assertThat(contexts).containsExactly(alice);

        // Down: a "compressor" that builds a new buffer without headroom (as a real one would),
        // then GRE encapsulation, which must copy it once more to get headroom.
        List<PacketContext> seen = new ArrayList<>();
        PacketStage compressor = (packet, context) -> {
            ByteBuf replaced = Unpooled.buffer(packet.readableBytes()).writeBytes(packet);
            packet.release();
            sentFrames.add(replaced);
            seen.add(context);
            return replaced;
        };
        PacketStage check = (packet, context) -> {
            seen.add(context);
            return packet;
        };
        ByteBuf original = frame("0021450000001400");
        assertThat(PacketStage.run(original, link.context(), link, compressor, check)).isTrue();
        assertThat(original.refCnt()).isZero();
        assertThat(seen).containsExactly(alice, alice);

        GreHeader header = new GreHeader();
        DatagramPacket packet = sent(header);
        int length = packet.content().readableBytes();
        assertThat(payload(packet, header)).isEqualTo("0021450000001400");
        assertThat(counter("pptp.gre.headroom.copies")).isEqualTo(1);
        // The last stage still knew the packet's class: its bytes are counted under class 5.
        assertThat(counter("pptp.gre.qos.bytes", "class", "5")).isEqualTo(length);
        assertThat(counter("pptp.gre.qos.bytes", "class", "0")).isZero();
    }
}
