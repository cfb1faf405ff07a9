package net.pptpgw.client.control;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import net.pptpgw.protocol.pptp.BearerCapabilities;
import net.pptpgw.protocol.pptp.CallDisconnectNotify;
import net.pptpgw.protocol.pptp.CallDisconnectResult;
import net.pptpgw.protocol.pptp.ControlMessage;
import net.pptpgw.protocol.pptp.ControlMessages;
import net.pptpgw.protocol.pptp.EchoReply;
import net.pptpgw.protocol.pptp.EchoRequest;
import net.pptpgw.protocol.pptp.EchoResult;
import net.pptpgw.protocol.pptp.FramingCapabilities;
import net.pptpgw.protocol.pptp.GeneralErrorCode;
import net.pptpgw.protocol.pptp.OutgoingCallReply;
import net.pptpgw.protocol.pptp.OutgoingCallResult;
import net.pptpgw.protocol.pptp.PptpControlDecoder;
import net.pptpgw.protocol.pptp.PptpControlEncoder;
import net.pptpgw.protocol.pptp.SetLinkInfo;
import net.pptpgw.protocol.pptp.StartControlConnectionReply;
import net.pptpgw.protocol.pptp.StartControlConnectionRequest;
import net.pptpgw.protocol.pptp.StartControlConnectionResult;
import net.pptpgw.protocol.pptp.StopControlConnectionReason;
import net.pptpgw.protocol.pptp.StopControlConnectionReply;
import net.pptpgw.protocol.pptp.StopControlConnectionRequest;
import net.pptpgw.protocol.pptp.StopControlConnectionResult;
import net.pptpgw.protocol.pptp.WanErrorNotify;
import net.pptpgw.protocol.testing.Fuzz;
import org.junit.jupiter.api.Test;

/**
 * Whatever a PAC sends, the PNS side neither throws nor leaks: random and mutated byte streams
 * (Fuzz) and random sequences of well-formed messages (jqwik) go into a connection that places
 * three calls once established; when the connection closes every call has ended exactly once,
 * the connection reported its end once, and every call ID is free again.
 */
class PnsControlFuzzTest {

    private static final class Run implements PnsControlHandler.Listener, PnsCall.Listener {
        final CallIdAllocator callIds = new CallIdAllocator();
        final Map<PnsCall, Integer> ends = new HashMap<>();
        final List<PnsCall> placed = new ArrayList<>();
        int closes;
        final EmbeddedChannel channel;

        Run() {
            channel = new EmbeddedChannel(new PptpControlDecoder(), new PptpControlEncoder(), new PnsControlHandler(
                    PnsControlConfig.defaults().withReplyTimeout(Duration.ofSeconds(5)), callIds, this));
        }

        @Override
        public void started(PnsControlHandler control, StartControlConnectionReply reply) {
            for (int i = 0; i < 3; i++) {
                placed.add(control.placeCall(this));
            }
        }

        @Override
        public void closed(PnsControlHandler control, ControlEnd end) {
            closes++;
        }

        @Override
        public void connected(PnsCall call, OutgoingCallReply reply) {}

        @Override
        public void ended(PnsCall call, CallEnd end) {
            ends.merge(call, 1, Integer::sum);
        }

        void feed(byte[] stream) {
            channel.writeInbound(Unpooled.wrappedBuffer(stream));
            for (Object out; (out = channel.readOutbound()) != null; ) {
                ((ByteBuf) out).release();
            }
            for (Object in; (in = channel.readInbound()) != null; ) {
                io.netty.util.ReferenceCountUtil.release(in);
            }
        }

        void closeAndCheck() {
            channel.close();
            channel.checkException();
            channel.finishAndReleaseAll();
            assertThat(closes).isEqualTo(1);
            for (PnsCall call : placed) {
                assertThat(ends.get(call)).as("%s ended once", call).isEqualTo(1);
                assertThat(call.state()).isEqualTo(PnsCallState.ENDED);
            }
            assertThat(callIds.inUse()).isZero();
        }
    }

    @Test
    void anyStreamFromThePacLeavesNothingBehind() {
        List<byte[]> seeds = List.of(
                stream(sccrp(1), ocrp(0x10, 0, 1), new SetLinkInfo(0, -1, -1), new EchoRequest(9),
                        new CallDisconnectNotify(0x10, CallDisconnectResult.REQUEST, GeneralErrorCode.NONE, 0, ""),
                        ocrp(0x11, 1, 7)),
                stream(sccrp(1), ocrp(0x20, 2, 1), new StopControlConnectionRequest(StopControlConnectionReason.NONE)),
                stream(sccrp(2)),
                stream(sccrp(1), new StopControlConnectionReply(StopControlConnectionResult.OK, GeneralErrorCode.NONE),
                        new EchoReply(1, EchoResult.OK, GeneralErrorCode.NONE)));
        Fuzz.run("pns control connection", seeds, input -> {
            Run run = new Run();
            run.feed(ByteBufUtil.getBytes(input));
            run.closeAndCheck();
        });
    }

    @Property(tries = 300)
    void anySequenceOfPacMessagesLeavesNothingBehind(@ForAll("pacMessages") @Size(max = 12) List<ControlMessage> messages) {
        Run run = new Run();
        run.feed(stream(sccrp(1)));
        for (ControlMessage message : messages) {
            if (!run.channel.isOpen()) {
                break;
            }
            run.feed(stream(message));
        }
        run.closeAndCheck();
    }

    @Provide
    Arbitrary<List<ControlMessage>> pacMessages() {
        Arbitrary<Integer> ourCallId = Arbitraries.integers().between(0, 3);
        Arbitrary<Integer> pacCallId = Arbitraries.integers().between(0x100, 0x103);
        Arbitrary<Integer> result = Arbitraries.integers().between(1, 8);
        Arbitrary<ControlMessage> message = Arbitraries.oneOf(
                Combinators.combine(pacCallId, ourCallId, result).as((pac, ours, code) -> (ControlMessage) ocrp(pac, ours, code)),
                pacCallId.map(pac -> new CallDisconnectNotify(pac, CallDisconnectResult.REQUEST, GeneralErrorCode.NONE, 0, "")),
                ourCallId.map(ours -> new SetLinkInfo(ours, 0, 0)),
                Arbitraries.longs().between(0, 0xFFFFFFFFL).map(EchoRequest::new),
                pacCallId.map(pac -> new WanErrorNotify(pac, 0, 0, 0, 0, 0, 0)),
                result.map(code -> (ControlMessage) sccrp(code)),
                Arbitraries.just(new StopControlConnectionRequest(StopControlConnectionReason.STOP_PROTOCOL)),
                Arbitraries.just(new StopControlConnectionReply(StopControlConnectionResult.OK, GeneralErrorCode.NONE)));
        return message.list();
    }

    private static StartControlConnectionReply sccrp(int result) {
        return new StartControlConnectionReply(StartControlConnectionRequest.PROTOCOL_VERSION_1_0,
                new StartControlConnectionResult(result), GeneralErrorCode.NONE, FramingCapabilities.BOTH,
                BearerCapabilities.BOTH, 1, 1, "pac", "fuzz");
    }

    private static OutgoingCallReply ocrp(int pacCallId, int ourCallId, int result) {
        return new OutgoingCallReply(pacCallId, ourCallId, new OutgoingCallResult(result), GeneralErrorCode.NONE, 0,
                64000, 16, 0, 0);
    }

    private static byte[] stream(ControlMessage... messages) {
        ByteBuf out = Unpooled.buffer();
        for (ControlMessage message : messages) {
            ControlMessages.encode(message, out);
        }
        return ByteBufUtil.getBytes(out);
    }
}
