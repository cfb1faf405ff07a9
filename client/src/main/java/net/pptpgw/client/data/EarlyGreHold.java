package net.pptpgw.client.data;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Holds the GRE a PAC sends for one of our calls before our data plane knows the call, and
 * hands it on once it does. A PAC starts PPP (its LCP Configure-Request) right after its
 * Outgoing-Call-Reply; we learn the call from that reply on the control connection's event
 * loop and register it with the GRE data plane through a task on the GRE loop, so the PAC's
 * first packets can be read before the task runs. The data plane would drop them as
 * unknown-call and the session would wait for the PAC's restart timer (RFC 1661 §4.6, 3 s).
 *
 * <p>A call is expected from its Outgoing-Call-Request on ({@link #expect}); up to
 * {@value #MAX_HELD} packets keyed with its call ID (RFC 2637 §4.1) wait here until
 * {@link #release}, which runs as a GRE-loop task queued after the data plane's own
 * registration task and so finds the call registered. Sits in the GRE channel's pipeline just
 * before the data plane's handler.
 */
public final class EarlyGreHold extends ChannelInboundHandlerAdapter {

    /** A PAC sends one Configure-Request and perhaps an echo or two before we answer. */
    static final int MAX_HELD = 8;
    /** Byte offset of the key's call ID in an enhanced GRE header (§4.1). */
    private static final int KEY_CALL_ID_OFFSET = 6;

    /** Calls expected, by our call ID; each queue is touched on the GRE loop only. */
    private final ConcurrentHashMap<Integer, ArrayDeque<Object>> expected = new ConcurrentHashMap<>();
    private volatile ChannelHandlerContext context;

    /** Our call {@code callId} asked for (OCRQ sent); returns the token for {@link #release}/{@link #forget}. */
    public Object expect(int callId) {
        ArrayDeque<Object> queue = new ArrayDeque<>(2);
        expected.put(callId, queue);
        return queue;
    }

    /**
     * The data plane has been told of the call (its task queued on {@code gre}'s loop): hands the
     * held packets on after that task. Safe from any thread.
     */
    public void release(Channel gre, int callId, Object token) {
        gre.eventLoop().execute(() -> {
            @SuppressWarnings("unchecked")
            ArrayDeque<Object> queue = (ArrayDeque<Object>) token;
            if (!expected.remove(callId, queue)) {
                return;
            }
            ChannelHandlerContext ctx = context;
            if (queue.isEmpty() || ctx == null) {
                queue.forEach(ReferenceCountUtil::release);
                return;
            }
            for (Object packet; (packet = queue.poll()) != null; ) {
                ctx.fireChannelRead(packet);
            }
            ctx.fireChannelReadComplete();
        });
    }

    /** The call ended without reaching the data plane: drops what was held. Safe from any thread. */
    public void forget(Channel gre, int callId, Object token) {
        gre.eventLoop().execute(() -> {
            @SuppressWarnings("unchecked")
            ArrayDeque<Object> queue = (ArrayDeque<Object>) token;
            if (expected.remove(callId, queue)) {
                queue.forEach(ReferenceCountUtil::release);
                queue.clear();
            }
        });
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        context = ctx;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!expected.isEmpty() && msg instanceof DatagramPacket packet) {
            var datagram = packet.content();
            int start = datagram.readerIndex();
            if (datagram.readableBytes() >= 1) {
                int ipHeaderLength = (datagram.getUnsignedByte(start) & 0x0F) * 4;
                if (datagram.readableBytes() >= ipHeaderLength + KEY_CALL_ID_OFFSET + 2) {
                    int callId = datagram.getUnsignedShort(start + ipHeaderLength + KEY_CALL_ID_OFFSET);
                    ArrayDeque<Object> queue = expected.get(callId);
                    if (queue != null) {
                        if (queue.size() < MAX_HELD) {
                            queue.add(msg);
                        } else {
                            ReferenceCountUtil.release(msg);
                        }
                        return;
                    }
                }
            }
        }
        ctx.fireChannelRead(msg);
    }
}
