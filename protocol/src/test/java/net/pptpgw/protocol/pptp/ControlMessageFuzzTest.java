package net.pptpgw.protocol.pptp;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import net.pptpgw.protocol.MalformedPacketException;
import net.pptpgw.protocol.pptp.ControlMessageVectors.Vector;
import net.pptpgw.protocol.testing.Fuzz;
import org.junit.jupiter.api.Test;

/**
 * Random and mutated input for both entry points: nothing but {@link MalformedPacketException}
 * may come out, and whatever decodes must re-encode to a message that decodes to the same
 * record.
 */
class ControlMessageFuzzTest {

    @Test
    void frameDecoder() {
        List<byte[]> seeds = ControlMessageVectors.all().stream().map(Vector::bytes).toList();
        Fuzz.run("pptp-control-frame", seeds, frame -> {
            int length = frame.readableBytes();
            ControlMessage message = ControlMessages.decode(frame);
            assertThat(length).isEqualTo(message.type().length());
            assertThat(frame.isReadable()).isFalse();
            assertReencodes(message);
        });
    }

    /**
     * The stream decoder on an {@link EmbeddedChannel}, fed each input in random chunks. Beyond
     * "no other exception": at most one error per connection, and no message after it.
     */
    @Test
    void streamDecoder() {
        List<byte[]> seeds = new ArrayList<>(ControlMessageVectors.all().stream().map(Vector::bytes).toList());
        seeds.add(ControlMessageVectors.concatenated());
        seeds.add(concat(ControlMessageVectors.ECHO_REQUEST.bytes(), ControlMessageVectors.ECHO_REPLY.bytes(),
                ControlMessageVectors.CALL_CLEAR_REQUEST.bytes()));
        Fuzz.run("pptp-control-stream", seeds, input -> {
            // Chunking derived from the input itself, so fuzz.seed replays a failure exactly.
            SplittableRandom random = new SplittableRandom(Arrays.hashCode(ByteBufUtil.getBytes(input)));
            List<Throwable> errors = new ArrayList<>();
            List<Object> messages = new ArrayList<>();
            EmbeddedChannel channel = new EmbeddedChannel(new PptpControlDecoder(), new ChannelInboundHandlerAdapter() {
                @Override
                public void channelRead(ChannelHandlerContext ctx, Object message) {
                    if (!errors.isEmpty()) {
                        throw new AssertionError("message decoded after the framing error: " + message);
                    }
                    messages.add(message);
                }

                @Override
                public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                    errors.add(cause);
                }
            });
            try {
                while (input.isReadable()) {
                    int chunk = 1 + random.nextInt(Math.min(input.readableBytes(), 1 + random.nextInt(300)));
                    channel.writeInbound(input.readRetainedSlice(chunk));
                }
            } finally {
                channel.finishAndReleaseAll();
            }
            assertThat(errors).as("errors on one connection").hasSizeLessThanOrEqualTo(1);
            for (Throwable error : errors) {
                if (!(error instanceof MalformedPacketException)) {
                    throw new AssertionError("stream decoder raised " + error, error);
                }
            }
            for (Object message : messages) {
                assertReencodes((ControlMessage) message);
            }
            if (!errors.isEmpty()) {
                throw (MalformedPacketException) errors.getFirst();
            }
        });
    }

    private static void assertReencodes(ControlMessage message) {
        ByteBuf out = Unpooled.buffer();
        ControlMessages.encode(message, out);
        assertThat(out.readableBytes()).isEqualTo(message.type().length());
        assertThat(ControlMessages.decode(out)).isEqualTo(message);
    }

    private static byte[] concat(byte[]... parts) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }
}
