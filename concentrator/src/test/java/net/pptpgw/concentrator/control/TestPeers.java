package net.pptpgw.concentrator.control;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.ImmediateEventExecutor;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.random.RandomGenerator;
import net.pptpgw.concentrator.ConcentratorConfig;
import net.pptpgw.concentrator.call.Call;
import net.pptpgw.concentrator.call.CallClearCause;
import net.pptpgw.concentrator.call.CallListener;
import net.pptpgw.protocol.pptp.ControlMessage;
import net.pptpgw.protocol.pptp.ControlMessages;

/**
 * A control plane with a hand-driven clock and fixed "random" numbers (call IDs from 0x4000,
 * Echo-Request identifiers from 0x101), and peers as {@link EmbeddedChannel}s with a real
 * remote address, each behind the server's own {@link ControlChannelInitializer}.
 */
final class TestPeers {

    static final int FIRST_CALL_ID = 0x4000;

    final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    final MeterRegistry meters = new SimpleMeterRegistry();
    final List<Call> established = new ArrayList<>();
    final List<String> cleared = new ArrayList<>();
    final ControlPlane plane;
    final ChannelGroup group = new DefaultChannelGroup(ImmediateEventExecutor.INSTANCE);

    TestPeers(ConcentratorConfig config) {
        this(config, CallListener.NONE);
    }

    /** Calls are also announced to {@code next}, which may refuse them ({@link CallListener#admitCall}). */
    TestPeers(ConcentratorConfig config, CallListener next) {
        CallListener listener = new CallListener() {
            @Override
            public String admitCall(Call call) {
                return next.admitCall(call);
            }

            @Override
            public void callEstablished(Call call) {
                next.callEstablished(call);
                established.add(call);
            }

            @Override
            public void callCleared(Call call, CallClearCause cause) {
                cleared.add(call.callId() + ":" + cause);
                next.callCleared(call, cause);
            }
        };
        plane = new ControlPlane(config, meters, listener, nanos::get, new FixedRandom());
    }

    TestPeers() {
        this(ConcentratorConfig.defaults());
    }

    /** A new connection from {@code address}:40000, through the rate check and pipeline setup. */
    PeerChannel connect(String address) {
        try {
            return new PeerChannel(new InetSocketAddress(InetAddress.getByName(address), 40000), this);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    void advanceClock(long seconds) {
        nanos.addAndGet(seconds * 1_000_000_000L);
    }

    double counter(String name, String... tags) {
        var counter = meters.find(name).tags(tags).counter();
        return counter == null ? 0 : counter.count();
    }

    double gauge(String name, String... tags) {
        return meters.get(name).tags(tags).gauge().value();
    }

    static byte[] encode(ControlMessage message) {
        ByteBuf out = Unpooled.buffer();
        ControlMessages.encode(message, out);
        return ByteBufUtil.getBytes(out);
    }

    static byte[] hex(String... parts) {
        return HexFormat.of().parseHex(String.join("", parts).replace(" ", ""));
    }

    static String zeros(int octets) {
        return "00".repeat(octets);
    }

    /** {@code text} as ISO-8859-1 octets in hex, NUL-padded to {@code size}. */
    static String field(String text, int size) {
        return HexFormat.of().formatHex(text.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1))
                + zeros(size - text.length());
    }

    private static final class FixedRandom implements RandomGenerator {
        @Override
        public long nextLong() {
            return 0x0100;
        }

        @Override
        public int nextInt() {
            return 0x0100;
        }

        @Override
        public int nextInt(int bound) {
            return FIRST_CALL_ID % bound;
        }
    }

    static final class PeerChannel extends EmbeddedChannel {
        private InetSocketAddress remote;

        PeerChannel(InetSocketAddress remote, TestPeers peers) {
            super(false, false, new ControlChannelInitializer(peers.plane, peers.group));
            this.remote = remote;
            try {
                register();
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }

        @Override
        protected SocketAddress remoteAddress0() {
            return remote;
        }

        ControlConnectionHandler handler() {
            return pipeline().get(ControlConnectionHandler.class);
        }

        /** Writes {@code bytes} as one TCP segment and runs what became due. */
        PeerChannel receive(byte[] bytes) {
            writeInbound(Unpooled.wrappedBuffer(bytes));
            runPendingTasks();
            return this;
        }

        PeerChannel receive(ControlMessage message) {
            return receive(encode(message));
        }

        /** Every octet written to the peer since the last call, as hex. */
        String sent() {
            runPendingTasks();
            StringBuilder hex = new StringBuilder();
            for (Object out; (out = readOutbound()) != null; ) {
                ByteBuf buf = (ByteBuf) out;
                hex.append(ByteBufUtil.hexDump(buf));
                buf.release();
            }
            return hex.toString();
        }

        /** Every message written to the peer since the last call, decoded. */
        List<ControlMessage> sentMessages() {
            runPendingTasks();
            List<ControlMessage> messages = new ArrayList<>();
            for (Object out; (out = readOutbound()) != null; ) {
                ByteBuf buf = (ByteBuf) out;
                while (buf.isReadable()) {
                    int length = buf.getUnsignedShort(buf.readerIndex());
                    messages.add(ControlMessages.decode(buf.readSlice(length)));
                }
                buf.release();
            }
            return messages;
        }

        void elapse(long seconds) {
            advanceTimeBy(seconds, java.util.concurrent.TimeUnit.SECONDS);
            runPendingTasks();
            runScheduledPendingTasks();
        }
    }
}
