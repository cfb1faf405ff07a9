package net.pptpgw.gateway.inspect;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class TcpStreamReassemblerTest {

    private static final Instant T = Instant.parse("2026-01-01T00:00:00Z");
    private static final long ISN = 1000;

    /** Writes down what the reassembler hands out: text for bytes, [gap N] and [no SYN] for the rest. */
    private static final class Recorder implements TcpStreamReassembler.Listener {
        final StringBuilder story = new StringBuilder();
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final List<Long> frames = new ArrayList<>();
        long gaps;

        @Override
        public void bytes(ByteBuf data, Instant timestamp, long frame) {
            byte[] copy = ByteBufUtil.getBytes(data);
            story.append(new String(copy, StandardCharsets.ISO_8859_1));
            bytes.writeBytes(copy);
            frames.add(frame);
        }

        @Override
        public void gap(long missing, Instant timestamp, long frame) {
            story.append("[gap ").append(missing).append(']');
            gaps += missing;
        }

        @Override
        public void startedWithoutSyn(Instant timestamp, long frame) {
            story.append("[no SYN]");
        }
    }

    private final Recorder recorder = new Recorder();
    private final TcpStreamReassembler stream = new TcpStreamReassembler(recorder);

    @Test
    void inOrderSegmentsComeOutAsTheyCame() {
        syn(ISN);
        data(ISN + 1, "Start-");
        data(ISN + 7, "Control");
        assertThat(recorder.story).hasToString("Start-Control");
        assertThat(stream.deliveredBytes()).isEqualTo(13);
    }

    @Test
    void retransmissionsAndOverlapsAreDeliveredOnce() {
        syn(ISN);
        data(ISN + 1, "abcd");
        data(ISN + 1, "abcd");         // retransmitted whole
        data(ISN + 3, "cdefg");        // repacketised: overlaps by two bytes
        data(ISN + 2, "bc");           // old news
        assertThat(recorder.story).hasToString("abcdefg");
        assertThat(stream.duplicateBytes()).isEqualTo(4 + 2 + 2);
    }

    @Test
    void outOfOrderSegmentsWaitForTheHole() {
        syn(ISN);
        data(ISN + 1, "ab", 10);
        data(ISN + 5, "ef", 12);
        data(ISN + 7, "gh", 13);
        assertThat(recorder.story).hasToString("ab");
        data(ISN + 3, "cd", 14);
        assertThat(recorder.story).hasToString("abcdefgh");
        assertThat(recorder.frames).containsExactly(10L, 14L, 12L, 13L);
    }

    @Test
    void aHoleNeverFilledIsAGapAtFlush() {
        syn(ISN);
        data(ISN + 1, "ab");
        data(ISN + 6, "fg");
        data(ISN + 4, "de");     // overlaps the held segment by nothing, leaves one byte missing before it
        stream.flush();
        assertThat(recorder.story).hasToString("ab[gap 1]defg");
        assertThat(stream.missingBytes()).isEqualTo(1);
    }

    @Test
    void payloadCutBySnapLengthIsAGapOfTheRest() {
        syn(ISN);
        stream.segment(segment(ISN + 1, 0, "abc", 10), T, 1);
        data(ISN + 11, "k");
        assertThat(recorder.story).hasToString("abc[gap 7]k");
    }

    @Test
    void boundedBufferGivesUpOnTheOldestHole() {
        TcpStreamReassembler small = new TcpStreamReassembler(recorder, 4);
        small.segment(segment(ISN, TcpSegment.SYN, "", 0), T, 1);
        small.segment(segment(ISN + 1, 0, "ab", 2), T, 2);
        small.segment(segment(ISN + 5, 0, "ef", 2), T, 3);
        small.segment(segment(ISN + 7, 0, "ghi", 3), T, 4); // 5 bytes waiting > 4
        assertThat(recorder.story).hasToString("ab[gap 2]efghi");
    }

    @Test
    void sequenceNumbersWrapPast2To32() {
        long isn = 0xffff_fffdL;
        syn(isn);
        data(0xffff_fffeL, "ab");
        data(0x0000_0002L, "ef");      // held: after the wrap, beyond the hole
        data(0x0000_0000L, "cd");
        assertThat(recorder.story).hasToString("abcdef");
    }

    @Test
    void captureStartedMidConnection() {
        data(77_000, "tail of a message");
        assertThat(recorder.story).hasToString("[no SYN]tail of a message");
    }

    @Test
    void aRetransmittedSynChangesNothingButANewOneStartsAfresh() {
        syn(ISN);
        data(ISN + 1, "first");
        syn(ISN);                       // retransmitted SYN
        data(ISN + 6, "!");
        data(ISN + 20, "held");
        syn(5000);                      // a new connection on the same ports
        data(5001, "second");
        assertThat(recorder.story).hasToString("first![gap 13]heldsecond");
    }

    @Property(tries = 200)
    void anySegmentingDuplicatingAndReorderingGivesBackTheStream(
            @ForAll @Size(min = 1, max = 3000) byte[] content, @ForAll("initialSequenceNumbers") long isn, @ForAll Random random) {
        List<TcpSegment> segments = cut(content, isn, random);
        for (int i = 0, extra = random.nextInt(8); i < extra; i++) { // retransmissions and overlapping repacketisations
            int from = random.nextInt(content.length);
            int to = from + 1 + random.nextInt(Math.min(300, content.length - from));
            segments.add(segment(isn + 1 + from, 0, slice(content, from, to), to - from));
        }
        Collections.shuffle(segments, random);
        segments.addFirst(segment(isn, TcpSegment.SYN, "", 0));

        // jqwik runs every try on the same test instance: a fresh reassembler for each
        Recorder recorder = new Recorder();
        TcpStreamReassembler stream = new TcpStreamReassembler(recorder);
        segments.forEach(s -> stream.segment(s, T, 1));
        stream.flush();

        assertThat(recorder.bytes.toByteArray()).isEqualTo(content);
        assertThat(recorder.gaps).isZero();
    }

    @Property(tries = 200)
    void aLostSegmentIsAGapOfExactlyItsLength(
            @ForAll @Size(min = 2, max = 3000) byte[] content, @ForAll("initialSequenceNumbers") long isn, @ForAll Random random) {
        List<TcpSegment> segments = cut(content, isn, random);
        int lost = random.nextInt(segments.size());
        TcpSegment dropped = segments.remove(lost);
        int from = (int) ((dropped.sequenceNumber() - isn - 1) & 0xffffffffL);
        Collections.shuffle(segments, random);
        segments.addFirst(segment(isn, TcpSegment.SYN, "", 0));

        // jqwik runs every try on the same test instance: a fresh reassembler for each
        Recorder recorder = new Recorder();
        TcpStreamReassembler stream = new TcpStreamReassembler(recorder);
        segments.forEach(s -> stream.segment(s, T, 1));
        stream.flush();

        byte[] expected = new byte[content.length - dropped.payloadLength()];
        System.arraycopy(content, 0, expected, 0, from);
        System.arraycopy(content, from + dropped.payloadLength(), expected, from, content.length - from - dropped.payloadLength());
        if (from + dropped.payloadLength() < content.length) {
            assertThat(recorder.gaps).isEqualTo(dropped.payloadLength());
        } else {
            assertThat(recorder.gaps).isZero(); // the lost tail is not a hole: nothing came after it
        }
        assertThat(recorder.bytes.toByteArray()).isEqualTo(expected);
    }

    @Provide
    Arbitrary<Long> initialSequenceNumbers() {
        return Arbitraries.oneOf(
                Arbitraries.longs().between(0, 0xffff_ffffL),
                Arbitraries.longs().between(0xffff_ffffL - 3000, 0xffff_ffffL)); // the stream wraps past 2^32
    }

    private static List<TcpSegment> cut(byte[] content, long isn, Random random) {
        List<TcpSegment> segments = new ArrayList<>();
        for (int from = 0; from < content.length; ) {
            int to = Math.min(content.length, from + 1 + random.nextInt(400));
            segments.add(segment(isn + 1 + from, 0, slice(content, from, to), to - from));
            from = to;
        }
        return segments;
    }

    private static byte[] slice(byte[] content, int from, int to) {
        return java.util.Arrays.copyOfRange(content, from, to);
    }

    private void syn(long sequence) {
        stream.segment(segment(sequence, TcpSegment.SYN, "", 0), T, 0);
    }

    private void data(long sequence, String text) {
        data(sequence, text, 0);
    }

    private void data(long sequence, String text, long frame) {
        stream.segment(segment(sequence, TcpSegment.ACK | TcpSegment.PSH, text, text.length()), T, frame);
    }

    private static TcpSegment segment(long sequence, int flags, String captured, int length) {
        return segment(sequence, flags, captured.getBytes(StandardCharsets.ISO_8859_1), length);
    }

    private static TcpSegment segment(long sequence, int flags, byte[] captured, int length) {
        return new TcpSegment(40000, 1723, sequence & 0xffffffffL, 0, flags, 65535, Unpooled.EMPTY_BUFFER,
                Unpooled.wrappedBuffer(captured), length);
    }
}
