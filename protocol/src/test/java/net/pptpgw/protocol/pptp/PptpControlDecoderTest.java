package net.pptpgw.protocol.pptp;

import static net.pptpgw.protocol.pptp.ControlMessageVectors.hex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import net.pptpgw.protocol.MalformedPacketException;
import net.pptpgw.protocol.pptp.ControlMessageVectors.Vector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Framing of the control connection's TCP stream: boundaries, header errors, and what follows an error. */
class PptpControlDecoderTest {

    @Test
    void threeMessagesInOneBuffer() {
        EmbeddedChannel channel = new EmbeddedChannel(new PptpControlDecoder());
        channel.writeInbound(Unpooled.wrappedBuffer(
                ControlMessageVectors.START_CONTROL_CONNECTION_REQUEST.bytes(),
                ControlMessageVectors.ECHO_REQUEST.bytes(),
                ControlMessageVectors.OUTGOING_CALL_REQUEST.bytes()));
        assertThat(readAll(channel)).containsExactly(
                ControlMessageVectors.START_CONTROL_CONNECTION_REQUEST.message(),
                ControlMessageVectors.ECHO_REQUEST.message(),
                ControlMessageVectors.OUTGOING_CALL_REQUEST.message());
        assertThat(channel.finish()).isFalse();
    }

    @Test
    void oneMessageByteByByte() {
        byte[] bytes = ControlMessageVectors.INCOMING_CALL_REQUEST.bytes();
        EmbeddedChannel channel = new EmbeddedChannel(new PptpControlDecoder());
        for (int i = 0; i < bytes.length - 1; i++) {
            assertThat(channel.writeInbound(Unpooled.wrappedBuffer(bytes, i, 1))).as("after octet %d", i).isFalse();
        }
        assertThat(channel.writeInbound(Unpooled.wrappedBuffer(bytes, bytes.length - 1, 1))).isTrue();
        assertThat(channel.<ControlMessage>readInbound()).isEqualTo(ControlMessageVectors.INCOMING_CALL_REQUEST.message());
        assertThat(channel.finish()).isFalse();
    }

    @Test
    void everyTypeOneAfterAnotherSplitAtRandomPoints() {
        byte[] stream = ControlMessageVectors.concatenated();
        List<ControlMessage> expected = ControlMessageVectors.all().stream().map(Vector::message).toList();
        SplittableRandom random = new SplittableRandom(2637);
        for (int round = 0; round < 200; round++) {
            EmbeddedChannel channel = new EmbeddedChannel(new PptpControlDecoder());
            int at = 0;
            while (at < stream.length) {
                int chunk = Math.min(stream.length - at, 1 + random.nextInt(300));
                channel.writeInbound(Unpooled.wrappedBuffer(stream, at, chunk));
                at += chunk;
            }
            assertThat(readAll(channel)).isEqualTo(expected);
            assertThat(channel.finish()).isFalse();
        }
    }

    static Stream<Arguments> badHeaders() {
        return Stream.of(
                Arguments.of("length below the header", "000b 0001 1a2b3c4d 0005 0000", "bad-length", 2),
                Arguments.of("length 0", "0000", "bad-length", 2),
                Arguments.of("length above the longest message", "00dd 0001 1a2b3c4d 0009 0000", "bad-length", 2),
                Arguments.of("length 65535", "ffff", "bad-length", 2),
                Arguments.of("length of another type", "009c 0001 1a2b3c4d 0005 0000", "bad-length", 10),
                Arguments.of("management message", "0010 0002 1a2b3c4d 0005 0000", "not-control-message", 4),
                Arguments.of("message type 0", "0010 0000 1a2b3c4d 0005 0000", "not-control-message", 4),
                Arguments.of("wrong magic cookie", "0010 0001 4d3c2b1a 0005 0000", "bad-magic-cookie", 8),
                Arguments.of("control message type 0", "0010 0001 1a2b3c4d 0000 0000", "unknown-message-type", 10),
                Arguments.of("control message type 16", "0010 0001 1a2b3c4d 0010 0000", "unknown-message-type", 10),
                Arguments.of("control message type 65535", "0010 0001 1a2b3c4d ffff 0000", "unknown-message-type", 10),
                Arguments.of("HTTP on the PPTP port", "474554202f20485454502f312e31", "bad-length", 2));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badHeaders")
    void badHeaderIsRejected(String name, String hex, String reason, int octetsToDetect) {
        EmbeddedChannel channel = new EmbeddedChannel(new PptpControlDecoder());
        MalformedPacketException e = catchThrowableOfType(MalformedPacketException.class,
                () -> channel.writeInbound(Unpooled.wrappedBuffer(hex(hex))));
        assertThat(e).as("exception").isNotNull();
        assertThat(e.protocol()).isEqualTo("pptp");
        assertThat(e.reason()).isEqualTo(reason);
        assertThat(channel.finish()).isFalse();
    }

    /**
     * The error is raised by the octet that makes it certain, not when the whole message (or
     * whatever the Length field announces) has arrived.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("badHeaders")
    void badHeaderIsRejectedAsSoonAsItsOctetsArrive(String name, String hex, String reason, int octetsToDetect) {
        byte[] bytes = hex(hex);
        EmbeddedChannel channel = new EmbeddedChannel(new PptpControlDecoder());
        for (int i = 0; i < octetsToDetect - 1; i++) {
            channel.writeInbound(Unpooled.wrappedBuffer(bytes, i, 1));
        }
        assertThatThrownBy(() -> channel.writeInbound(Unpooled.wrappedBuffer(bytes, octetsToDetect - 1, 1)))
                .isInstanceOfSatisfying(MalformedPacketException.class, e -> assertThat(e.reason()).isEqualTo(reason));
        channel.finishAndReleaseAll();
    }

    @Test
    void afterAnErrorEverythingIsDiscardedAndTheErrorIsReportedOnce() {
        List<Throwable> caught = new ArrayList<>();
        PptpControlDecoder decoder = new PptpControlDecoder();
        EmbeddedChannel channel = new EmbeddedChannel(decoder, new ChannelInboundHandlerAdapter() {
            @Override
            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                caught.add(cause);
            }
        });
        // A good message, then one with a broken cookie, in one segment.
        byte[] broken = ControlMessageVectors.ECHO_REQUEST.bytes().clone();
        broken[4] = 0;
        channel.writeInbound(Unpooled.wrappedBuffer(ControlMessageVectors.ECHO_REPLY.bytes(), broken));
        assertThat(readAll(channel)).containsExactly(ControlMessageVectors.ECHO_REPLY.message());
        assertThat(decoder.failed()).isTrue();

        // Garbage, then valid messages: none of it is decoded, buffered or reported.
        byte[] garbage = new byte[4096];
        Arrays.fill(garbage, (byte) 0xFF);
        channel.writeInbound(Unpooled.wrappedBuffer(garbage));
        channel.writeInbound(Unpooled.wrappedBuffer(ControlMessageVectors.concatenated()));
        assertThat(readAll(channel)).isEmpty();
        assertThat(caught).hasSize(1);
        assertThat(caught.getFirst()).isInstanceOfSatisfying(MalformedPacketException.class,
                e -> assertThat(e.reason()).isEqualTo("bad-magic-cookie"));
        assertThat(channel.finish()).isFalse();
    }

    @Test
    void nonZeroReservedFieldsDoNotBreakFraming() {
        byte[] first = ControlMessageVectors.CALL_CLEAR_REQUEST.bytes().clone();
        first[10] = (byte) 0xAA; // Reserved0
        first[14] = (byte) 0xBB; // Reserved1
        EmbeddedChannel channel = new EmbeddedChannel(new PptpControlDecoder());
        channel.writeInbound(Unpooled.wrappedBuffer(first, ControlMessageVectors.SET_LINK_INFO.bytes()));
        assertThat(readAll(channel)).containsExactly(ControlMessageVectors.CALL_CLEAR_REQUEST.message(),
                ControlMessageVectors.SET_LINK_INFO.message());
        assertThat(channel.finish()).isFalse();
    }

    @Test
    void frameDecodeRejectsFramesThatAreNotExactlyOneMessage() {
        byte[] echo = ControlMessageVectors.ECHO_REQUEST.bytes();
        assertReason(new byte[0], "bad-length");
        assertReason(Arrays.copyOf(echo, 1), "bad-length");
        assertReason(Arrays.copyOf(echo, 9), "bad-length");
        assertReason(Arrays.copyOf(echo, 15), "bad-length");
        assertReason(Arrays.copyOf(echo, 17), "bad-length");
        byte[] twoMessages = ControlMessageVectors.concatenated();
        assertReason(twoMessages, "bad-length");
    }

    private static void assertReason(byte[] frame, String reason) {
        ByteBuf buffer = Unpooled.wrappedBuffer(frame);
        assertThatThrownBy(() -> ControlMessages.decode(buffer))
                .isInstanceOfSatisfying(MalformedPacketException.class, e -> assertThat(e.reason()).isEqualTo(reason));
    }

    private static List<Object> readAll(EmbeddedChannel channel) {
        List<Object> messages = new ArrayList<>();
        for (Object message; (message = channel.readInbound()) != null; ) {
            messages.add(message);
        }
        return messages;
    }
}
