package net.pptpgw.gateway.inspect;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import net.pptpgw.protocol.MalformedPacketException;
import net.pptpgw.protocol.pptp.CallClearRequest;
import net.pptpgw.protocol.pptp.CallDisconnectNotify;
import net.pptpgw.protocol.pptp.CallDisconnectResult;
import net.pptpgw.protocol.pptp.ControlMessage;
import net.pptpgw.protocol.pptp.EchoReply;
import net.pptpgw.protocol.pptp.EchoRequest;
import net.pptpgw.protocol.pptp.EchoResult;
import net.pptpgw.protocol.pptp.GeneralErrorCode;
import net.pptpgw.protocol.pptp.OutgoingCallResult;
import net.pptpgw.protocol.pptp.SetLinkInfo;
import org.junit.jupiter.api.Test;

/** The control stream framer: messages in any segmentation, and its recovery after damage. */
class ControlStreamFramerTest {

    /** What the framer told its listener, as text. */
    private static final class Recorder implements ControlStreamFramer.Listener {
        final List<ControlMessage> messages = new ArrayList<>();
        final List<String> events = new ArrayList<>();

        @Override
        public void message(ControlMessage message, long frame, Instant timestamp) {
            messages.add(message);
            events.add(frame + " " + message.type().abbreviation());
        }

        @Override
        public void malformed(MalformedPacketException e, long frame, Instant timestamp) {
            events.add(frame + " malformed " + e.reason());
        }

        @Override
        public void resynchronised(long skipped, long frame, Instant timestamp) {
            events.add(frame + " skipped " + skipped);
        }

        @Override
        public void unfinished(int octets, long frame, Instant timestamp) {
            events.add(frame + " unfinished " + octets);
        }
    }

    private static void feed(ControlStreamFramer framer, byte[] bytes, long frame) {
        framer.bytes(Unpooled.wrappedBuffer(bytes), frame, Instant.EPOCH);
    }

    @Provide
    Arbitrary<ControlMessage> messages() {
        Arbitrary<Integer> callId = Arbitraries.integers().between(0, 0xFFFF);
        return Arbitraries.oneOf(
                callId.map(SyntheticCapture::outgoingCallRequest),
                callId.map(id -> SyntheticCapture.outgoingCallReply(id, id ^ 0x5555, OutgoingCallResult.CONNECTED)),
                callId.map(CallClearRequest::new),
                callId.map(id -> new CallDisconnectNotify(id, CallDisconnectResult.REQUEST, GeneralErrorCode.NONE, 0, "stats")),
                callId.map(id -> new SetLinkInfo(id, 0, -1)),
                Arbitraries.longs().between(0, 0xFFFF_FFFFL).map(EchoRequest::new),
                Arbitraries.longs().between(0, 0xFFFF_FFFFL).map(id -> new EchoReply(id, EchoResult.OK, GeneralErrorCode.NONE)));
    }

    @Property(tries = 300)
    void anySegmentationYieldsTheSameMessages(@ForAll @Size(min = 1, max = 8) List<@net.jqwik.api.From("messages") ControlMessage> sent,
                                              @ForAll @Size(max = 20) List<@IntRange(min = 1, max = 200) Integer> cuts) {
        byte[] stream = SyntheticCapture.encode(sent.toArray(ControlMessage[]::new));
        Recorder recorder = new Recorder();
        ControlStreamFramer framer = new ControlStreamFramer(recorder);
        int at = 0;
        long frame = 1;
        for (int cut : cuts) {
            int end = Math.min(stream.length, at + cut);
            feed(framer, Arrays.copyOfRange(stream, at, end), frame++);
            at = end;
        }
        feed(framer, Arrays.copyOfRange(stream, at, stream.length), frame);
        framer.end();

        assertThat(recorder.messages).isEqualTo(sent);
        assertThat(recorder.events).noneMatch(e -> e.contains("malformed") || e.contains("skipped") || e.contains("unfinished"));
    }

    @Test
    void aMessageBelongsToTheFrameThatCompletesIt() {
        byte[] two = SyntheticCapture.encode(new CallClearRequest(1), new EchoRequest(2));
        Recorder recorder = new Recorder();
        ControlStreamFramer framer = new ControlStreamFramer(recorder);
        feed(framer, Arrays.copyOfRange(two, 0, 10), 5);
        feed(framer, Arrays.copyOfRange(two, 10, 20), 6);
        feed(framer, Arrays.copyOfRange(two, 20, 32), 7);

        assertThat(recorder.events).containsExactly("6 CCRQ", "7 ECHORQ");
    }

    @Test
    void afterAGapReadingResumesAtTheNextHeader() {
        byte[] stream = SyntheticCapture.encode(new CallClearRequest(1), new EchoRequest(2), new EchoRequest(3));
        Recorder recorder = new Recorder();
        ControlStreamFramer framer = new ControlStreamFramer(recorder);
        feed(framer, Arrays.copyOfRange(stream, 0, 10), 1);
        framer.gap(); // octets 10..19 lost: the rest of the first message and 4 of the second
        feed(framer, Arrays.copyOfRange(stream, 20, stream.length), 2);

        assertThat(recorder.events).containsExactly("2 skipped 12", "2 ECHORQ");
        assertThat(recorder.messages).containsExactly(new EchoRequest(3));
    }

    @Test
    void aCaptureStartingMidStreamSkipsToTheFirstHeader() {
        byte[] stream = SyntheticCapture.encode(new EchoRequest(1), new EchoRequest(2));
        Recorder recorder = new Recorder();
        ControlStreamFramer framer = new ControlStreamFramer(recorder);
        framer.startedMidStream();
        feed(framer, Arrays.copyOfRange(stream, 3, stream.length), 1);

        assertThat(recorder.events).containsExactly("1 skipped 13", "1 ECHORQ");
    }

    @Test
    void aBadHeaderIsReportedOnceAndTheNextMessageIsRead() {
        byte[] stream = SyntheticCapture.encode(new EchoRequest(1), new EchoRequest(2));
        stream[9] = 99; // control message type 99
        Recorder recorder = new Recorder();
        ControlStreamFramer framer = new ControlStreamFramer(recorder);
        feed(framer, stream, 4);

        assertThat(recorder.events).containsExactly("4 malformed unknown-message-type", "4 skipped 16", "4 ECHORQ");
    }

    @Test
    void anImplausibleLengthIsRejectedWithoutWaitingForIt() {
        byte[] stream = SyntheticCapture.encode(new EchoRequest(1));
        stream[0] = (byte) 0xff; // Length 65296
        Recorder recorder = new Recorder();
        ControlStreamFramer framer = new ControlStreamFramer(recorder);
        feed(framer, stream, 1);

        assertThat(recorder.events).containsExactly("1 malformed bad-length");
    }

    @Test
    void aStreamEndingInsideAMessageIsUnfinished() {
        byte[] stream = SyntheticCapture.encode(new EchoRequest(1), new EchoRequest(2));
        Recorder recorder = new Recorder();
        ControlStreamFramer framer = new ControlStreamFramer(recorder);
        feed(framer, Arrays.copyOf(stream, 20), 3);
        framer.end();

        assertThat(recorder.events).containsExactly("3 ECHORQ", "3 unfinished 4");
    }
}
