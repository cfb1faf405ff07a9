package net.pptpgw.protocol.pptp;

import static net.pptpgw.protocol.pptp.ControlMessageVectors.hex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.stream.Collectors;
import net.pptpgw.protocol.pptp.ControlMessageType.Sender;
import net.pptpgw.protocol.pptp.ControlMessageVectors.Vector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Byte-exact vectors for every message type, through the static API and through the Netty handlers. */
class ControlMessageCodecTest {

    static List<Vector> vectors() {
        return ControlMessageVectors.all();
    }

    @Test
    void vectorsCoverEveryMessageType() {
        assertThat(vectors().stream().map(v -> v.message().type()).collect(Collectors.toSet()))
                .isEqualTo(EnumSet.allOf(ControlMessageType.class));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void decodesVector(Vector vector) {
        ByteBuf frame = Unpooled.wrappedBuffer(vector.bytes());
        assertThat(ControlMessages.decode(frame)).isEqualTo(vector.message());
        assertThat(frame.isReadable()).as("whole frame consumed").isFalse();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void encodesVector(Vector vector) {
        ByteBuf out = Unpooled.buffer();
        ControlMessages.encode(vector.message(), out);
        assertThat(ByteBufUtil.hexDump(out)).isEqualTo(ByteBufUtil.hexDump(vector.bytes()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void decoderHandlerDecodesVector(Vector vector) {
        EmbeddedChannel channel = new EmbeddedChannel(new PptpControlDecoder());
        assertThat(channel.writeInbound(Unpooled.wrappedBuffer(vector.bytes()))).isTrue();
        assertThat(channel.<ControlMessage>readInbound()).isEqualTo(vector.message());
        assertThat(channel.finish()).isFalse();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void encoderHandlerEncodesVector(Vector vector) {
        EmbeddedChannel channel = new EmbeddedChannel(new PptpControlEncoder());
        assertThat(channel.writeOutbound(vector.message())).isTrue();
        ByteBuf out = channel.readOutbound();
        try {
            assertThat(ByteBufUtil.hexDump(out)).isEqualTo(ByteBufUtil.hexDump(vector.bytes()));
            assertThat(out.capacity()).as("buffer sized to the message").isEqualTo(vector.bytes().length);
        } finally {
            out.release();
        }
        assertThat(channel.finish()).isFalse();
    }

    @Test
    void messageTypesHaveTheCodesAndLengthsOfRfc2637() {
        // RFC 2637 §2.1-§2.15, in code order 1..15.
        int[] lengths = {156, 156, 16, 16, 16, 20, 168, 32, 220, 24, 28, 16, 148, 40, 24};
        ControlMessageType[] types = ControlMessageType.values();
        assertThat(types).hasSize(15);
        for (int i = 0; i < types.length; i++) {
            assertThat(types[i].code()).isEqualTo(i + 1);
            assertThat(types[i].length()).as(types[i].rfcName()).isEqualTo(lengths[i]);
            assertThat(ControlMessageType.fromCode(i + 1)).isSameAs(types[i]);
        }
        assertThat(ControlMessageType.fromCode(0)).isNull();
        assertThat(ControlMessageType.fromCode(16)).isNull();
        assertThat(ControlMessageType.fromCode(0xFFFF)).isNull();
        assertThat(ControlMessageType.MAX_LENGTH).isEqualTo(Arrays.stream(lengths).max().orElseThrow());
    }

    @Test
    void callIdFieldsAreWhereRfc2637PutsThem() {
        assertCallIds(ControlMessageType.OUTGOING_CALL_REQUEST, 12, ControlMessageType.NO_FIELD);
        assertCallIds(ControlMessageType.OUTGOING_CALL_REPLY, 12, 14);
        assertCallIds(ControlMessageType.INCOMING_CALL_REQUEST, 12, ControlMessageType.NO_FIELD);
        assertCallIds(ControlMessageType.INCOMING_CALL_REPLY, 12, 14);
        assertCallIds(ControlMessageType.INCOMING_CALL_CONNECTED, ControlMessageType.NO_FIELD, 12);
        assertCallIds(ControlMessageType.CALL_CLEAR_REQUEST, 12, ControlMessageType.NO_FIELD);
        assertCallIds(ControlMessageType.CALL_DISCONNECT_NOTIFY, 12, ControlMessageType.NO_FIELD);
        assertCallIds(ControlMessageType.WAN_ERROR_NOTIFY, ControlMessageType.NO_FIELD, 12);
        assertCallIds(ControlMessageType.SET_LINK_INFO, ControlMessageType.NO_FIELD, 12);
        for (ControlMessageType type : ControlMessageType.values()) {
            if (type.code() <= 6) {
                assertCallIds(type, ControlMessageType.NO_FIELD, ControlMessageType.NO_FIELD);
            }
        }
    }

    private static void assertCallIds(ControlMessageType type, int callIdOffset, int peerCallIdOffset) {
        assertThat(type.callIdOffset()).as(type + " call ID offset").isEqualTo(callIdOffset);
        assertThat(type.peerCallIdOffset()).as(type + " peer call ID offset").isEqualTo(peerCallIdOffset);
        assertThat(type.hasCallId()).isEqualTo(callIdOffset != ControlMessageType.NO_FIELD);
        assertThat(type.hasPeerCallId()).isEqualTo(peerCallIdOffset != ControlMessageType.NO_FIELD);
    }

    /** What a NAT helper does: overwrite the call ID fields in place, then the message decodes with the new values. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void callIdOffsetsRewriteInPlace(Vector vector) {
        ControlMessageType type = vector.message().type();
        ByteBuf frame = Unpooled.wrappedBuffer(vector.bytes().clone());
        if (type.hasCallId()) {
            assertThat(frame.getUnsignedShort(type.callIdOffset())).isEqualTo(callId(vector.message()));
            frame.setShort(type.callIdOffset(), 0xBEEF);
        }
        if (type.hasPeerCallId()) {
            assertThat(frame.getUnsignedShort(type.peerCallIdOffset())).isEqualTo(peerCallId(vector.message()));
            frame.setShort(type.peerCallIdOffset(), 0xCAFE);
        }
        ControlMessage rewritten = ControlMessages.decode(frame);
        assertThat(callId(rewritten)).isEqualTo(type.hasCallId() ? 0xBEEF : -1);
        assertThat(peerCallId(rewritten)).isEqualTo(type.hasPeerCallId() ? 0xCAFE : -1);
    }

    private static int callId(ControlMessage message) {
        return switch (message) {
            case OutgoingCallRequest m -> m.callId();
            case OutgoingCallReply m -> m.callId();
            case IncomingCallRequest m -> m.callId();
            case IncomingCallReply m -> m.callId();
            case CallClearRequest m -> m.callId();
            case CallDisconnectNotify m -> m.callId();
            default -> -1;
        };
    }

    private static int peerCallId(ControlMessage message) {
        return switch (message) {
            case OutgoingCallReply m -> m.peerCallId();
            case IncomingCallReply m -> m.peerCallId();
            case IncomingCallConnected m -> m.peerCallId();
            case WanErrorNotify m -> m.peerCallId();
            case SetLinkInfo m -> m.peerCallId();
            default -> -1;
        };
    }

    @Test
    void sendersFollowRfc2637() {
        assertThat(EnumSet.allOf(ControlMessageType.class).stream().filter(t -> t.sender() == Sender.PNS))
                .containsExactlyInAnyOrder(ControlMessageType.OUTGOING_CALL_REQUEST,
                        ControlMessageType.INCOMING_CALL_REPLY, ControlMessageType.CALL_CLEAR_REQUEST,
                        ControlMessageType.SET_LINK_INFO);
        assertThat(EnumSet.allOf(ControlMessageType.class).stream().filter(t -> t.sender() == Sender.PAC))
                .containsExactlyInAnyOrder(ControlMessageType.OUTGOING_CALL_REPLY,
                        ControlMessageType.INCOMING_CALL_REQUEST, ControlMessageType.INCOMING_CALL_CONNECTED,
                        ControlMessageType.CALL_DISCONNECT_NOTIFY, ControlMessageType.WAN_ERROR_NOTIFY);
    }

    @Test
    void unknownResultAndErrorCodesAreKeptAndReencoded() {
        byte[] bytes = ControlMessageVectors.OUTGOING_CALL_REPLY.bytes().clone();
        bytes[16] = 99; // result code
        bytes[17] = (byte) 200; // error code
        OutgoingCallReply reply = (OutgoingCallReply) ControlMessages.decode(Unpooled.wrappedBuffer(bytes));
        assertThat(reply.resultCode()).isEqualTo(new OutgoingCallResult(99));
        assertThat(reply.resultCode().isKnown()).isFalse();
        assertThat(reply.resultCode()).hasToString("unknown(99)");
        assertThat(reply.errorCode()).isEqualTo(new GeneralErrorCode(200)).hasToString("unknown(200)");
        assertThat(encode(reply)).isEqualTo(bytes);
    }

    @Test
    void codeNamesFollowRfc2637() {
        assertThat(GeneralErrorCode.BAD_CALL_ID).hasToString("Bad-Call ID(5)");
        assertThat(GeneralErrorCode.PAC_ERROR.isKnown()).isTrue();
        assertThat(OutgoingCallResult.DO_NOT_ACCEPT).hasToString("Do Not Accept(7)");
        assertThat(CallDisconnectResult.ADMIN_SHUTDOWN).hasToString("Admin Shutdown(3)");
        assertThat(StopControlConnectionReason.STOP_PROTOCOL).hasToString("Stop-Protocol(2)");
        assertThat(StartControlConnectionResult.UNSUPPORTED_VERSION.code()).isEqualTo(5);
        assertThat(new StartControlConnectionResult(0).isKnown()).isFalse();
        assertThat(IncomingCallResult.CONNECT).hasToString("Connect(1)");
        assertThat(EchoResult.GENERAL_ERROR).hasToString("General Error(2)");
        assertThat(StopControlConnectionResult.OK).hasToString("OK(1)");
        assertThat(BearerType.ANY).hasToString("Any(3)");
        assertThat(new FramingType(0xFFFF_FFFFL)).hasToString("unknown(4294967295)");
    }

    @Test
    void capabilityBitsTheRfcDoesNotDefineAreKept() {
        byte[] bytes = ControlMessageVectors.START_CONTROL_CONNECTION_REQUEST.bytes().clone();
        bytes[16] = (byte) 0x80; // framing capabilities 0x80000001
        bytes[23] = 0x06; // bearer capabilities 0x00000006: digital + an undefined bit
        StartControlConnectionRequest request =
                (StartControlConnectionRequest) ControlMessages.decode(Unpooled.wrappedBuffer(bytes));
        assertThat(request.framingCapabilities().asynchronous()).isTrue();
        assertThat(request.framingCapabilities().synchronous()).isFalse();
        assertThat(request.framingCapabilities().unknownBits()).isEqualTo(0x8000_0000);
        assertThat(request.framingCapabilities()).hasToString("FramingCapabilities[asynchronous|0x80000000]");
        assertThat(request.bearerCapabilities().analog()).isFalse();
        assertThat(request.bearerCapabilities().digital()).isTrue();
        assertThat(request.bearerCapabilities().unknownBits()).isEqualTo(4);
        assertThat(FramingCapabilities.NONE).hasToString("FramingCapabilities[none]");
        assertThat(encode(request)).isEqualTo(bytes);
    }

    @Test
    void reservedFieldsAreIgnored() {
        byte[] bytes = ControlMessageVectors.INCOMING_CALL_CONNECTED.bytes().clone();
        bytes[10] = 0x55; // Reserved0
        bytes[11] = 0x55;
        bytes[14] = 0x55; // Reserved1
        bytes[15] = 0x55;
        assertThat(ControlMessages.decode(Unpooled.wrappedBuffer(bytes)))
                .isEqualTo(ControlMessageVectors.INCOMING_CALL_CONNECTED.message());
        byte[] stop = ControlMessageVectors.STOP_CONTROL_CONNECTION_REQUEST.bytes().clone();
        Arrays.fill(stop, 13, 16, (byte) 0xFF); // Reserved1, Reserved2
        assertThat(ControlMessages.decode(Unpooled.wrappedBuffer(stop)))
                .isEqualTo(ControlMessageVectors.STOP_CONTROL_CONNECTION_REQUEST.message());
    }

    @Test
    void stringsEndAtTheFirstNulAndFillTheirWholeField() {
        byte[] bytes = ControlMessageVectors.START_CONTROL_CONNECTION_REQUEST.bytes().clone();
        // host name "pns" NUL "xyz": octets after the first NUL are stale buffer contents, not name
        byte[] host = hex("706e73 00 78797a");
        System.arraycopy(host, 0, bytes, 28, host.length);
        // vendor string: all 64 octets used, no NUL at all
        Arrays.fill(bytes, 92, 156, (byte) 'v');
        StartControlConnectionRequest request =
                (StartControlConnectionRequest) ControlMessages.decode(Unpooled.wrappedBuffer(bytes));
        assertThat(request.hostName()).isEqualTo("pns");
        assertThat(request.vendorString()).isEqualTo("v".repeat(64));
        assertThat(encode(request)).hasSize(156);
    }

    @Test
    void stringOctetsAboveAsciiSurviveDecodeAndEncode() {
        byte[] bytes = ControlMessageVectors.CALL_DISCONNECT_NOTIFY.bytes().clone();
        Arrays.fill(bytes, 20, 148, (byte) 0xE9); // 128 octets of 0xE9, no NUL
        CallDisconnectNotify notify = (CallDisconnectNotify) ControlMessages.decode(Unpooled.wrappedBuffer(bytes));
        assertThat(notify.callStatistics()).isEqualTo("\u00e9".repeat(128));
        assertThat(encode(notify)).isEqualTo(bytes);
    }

    @Test
    void recordsRejectWhatCannotBeEncoded() {
        assertThatThrownBy(() -> new StartControlConnectionRequest(0x0100, FramingCapabilities.NONE,
                BearerCapabilities.NONE, 0, 0, "h".repeat(65), ""))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("host name");
        assertThatThrownBy(() -> new CallDisconnectNotify(1, CallDisconnectResult.REQUEST, GeneralErrorCode.NONE, 0,
                "s".repeat(129)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("call statistics");
        assertThatThrownBy(() -> new OutgoingCallRequest(1, 1, 0, 0, BearerType.ANY, FramingType.ANY, 0, 0, 0,
                "a\u0000b", ""))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("phone number");
        assertThatThrownBy(() -> new IncomingCallRequest(1, 1, BearerType.ANALOG, 0, 0, 0, "\u20ac", "", ""))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("U+20AC");
        assertThatThrownBy(() -> new CallClearRequest(65536)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new CallClearRequest(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new EchoRequest(1L << 32)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new EchoRequest(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new GeneralErrorCode(256)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new EchoReply(1, null, GeneralErrorCode.NONE)).isInstanceOf(NullPointerException.class);
        // The longest strings that fit are fine.
        new StartControlConnectionRequest(0x0100, FramingCapabilities.NONE, BearerCapabilities.NONE, 0, 0,
                "h".repeat(64), "\u00ff".repeat(64));
    }

    static byte[] encode(ControlMessage message) {
        ByteBuf out = Unpooled.buffer();
        ControlMessages.encode(message, out);
        return ByteBufUtil.getBytes(out);
    }
}
