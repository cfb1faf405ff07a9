package net.pptpgw.protocol.pptp;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;
import net.pptpgw.protocol.pptp.ControlMessageVectors.Vector;

/**
 * Round trips: every message type, built from arbitrary field values, encodes to exactly its
 * length with a correct header, decodes back to an equal record, and re-encodes to the same
 * octets. Plus framing: any sequence of messages, cut anywhere, comes out of the stream decoder
 * whole and in order.
 */
class ControlMessagePropertiesTest {

    private static final long U32 = 0xFFFF_FFFFL;

    @Property
    void startControlConnectionRequest(@ForAll @IntRange(max = 65535) int protocolVersion, @ForAll int framing,
            @ForAll int bearer, @ForAll @IntRange(max = 65535) int maximumChannels,
            @ForAll @IntRange(max = 65535) int firmwareRevision, @ForAll("string64") String hostName,
            @ForAll("string64") String vendorString) {
        roundTrip(new StartControlConnectionRequest(protocolVersion, new FramingCapabilities(framing),
                new BearerCapabilities(bearer), maximumChannels, firmwareRevision, hostName, vendorString));
    }

    @Property
    void startControlConnectionReply(@ForAll @IntRange(max = 65535) int protocolVersion,
            @ForAll @IntRange(max = 255) int resultCode, @ForAll @IntRange(max = 255) int errorCode,
            @ForAll int framing, @ForAll int bearer, @ForAll @IntRange(max = 65535) int maximumChannels,
            @ForAll @IntRange(max = 65535) int firmwareRevision, @ForAll("string64") String hostName,
            @ForAll("string64") String vendorString) {
        roundTrip(new StartControlConnectionReply(protocolVersion, new StartControlConnectionResult(resultCode),
                new GeneralErrorCode(errorCode), new FramingCapabilities(framing), new BearerCapabilities(bearer),
                maximumChannels, firmwareRevision, hostName, vendorString));
    }

    @Property
    void stopControlConnectionRequest(@ForAll @IntRange(max = 255) int reason) {
        roundTrip(new StopControlConnectionRequest(new StopControlConnectionReason(reason)));
    }

    @Property
    void stopControlConnectionReply(@ForAll @IntRange(max = 255) int resultCode,
            @ForAll @IntRange(max = 255) int errorCode) {
        roundTrip(new StopControlConnectionReply(new StopControlConnectionResult(resultCode),
                new GeneralErrorCode(errorCode)));
    }

    @Property
    void echoRequest(@ForAll @LongRange(max = U32) long identifier) {
        roundTrip(new EchoRequest(identifier));
    }

    @Property
    void echoReply(@ForAll @LongRange(max = U32) long identifier, @ForAll @IntRange(max = 255) int resultCode,
            @ForAll @IntRange(max = 255) int errorCode) {
        roundTrip(new EchoReply(identifier, new EchoResult(resultCode), new GeneralErrorCode(errorCode)));
    }

    @Property
    void outgoingCallRequest(@ForAll @IntRange(max = 65535) int callId,
            @ForAll @IntRange(max = 65535) int callSerialNumber, @ForAll @LongRange(max = U32) long minimumBps,
            @ForAll @LongRange(max = U32) long maximumBps, @ForAll @LongRange(max = U32) long bearerType,
            @ForAll @LongRange(max = U32) long framingType, @ForAll @IntRange(max = 65535) int window,
            @ForAll @IntRange(max = 65535) int delay, @ForAll @IntRange(max = 65535) int phoneNumberLength,
            @ForAll("string64") String phoneNumber, @ForAll("string64") String subaddress) {
        roundTrip(new OutgoingCallRequest(callId, callSerialNumber, minimumBps, maximumBps, new BearerType(bearerType),
                new FramingType(framingType), window, delay, phoneNumberLength, phoneNumber, subaddress));
    }

    @Property
    void outgoingCallReply(@ForAll @IntRange(max = 65535) int callId, @ForAll @IntRange(max = 65535) int peerCallId,
            @ForAll @IntRange(max = 255) int resultCode, @ForAll @IntRange(max = 255) int errorCode,
            @ForAll @IntRange(max = 65535) int causeCode, @ForAll @LongRange(max = U32) long connectSpeed,
            @ForAll @IntRange(max = 65535) int window, @ForAll @IntRange(max = 65535) int delay,
            @ForAll @LongRange(max = U32) long physicalChannelId) {
        roundTrip(new OutgoingCallReply(callId, peerCallId, new OutgoingCallResult(resultCode),
                new GeneralErrorCode(errorCode), causeCode, connectSpeed, window, delay, physicalChannelId));
    }

    @Property
    void incomingCallRequest(@ForAll @IntRange(max = 65535) int callId,
            @ForAll @IntRange(max = 65535) int callSerialNumber, @ForAll @LongRange(max = U32) long callBearerType,
            @ForAll @LongRange(max = U32) long physicalChannelId, @ForAll @IntRange(max = 65535) int dialedLength,
            @ForAll @IntRange(max = 65535) int dialingLength, @ForAll("string64") String dialedNumber,
            @ForAll("string64") String dialingNumber, @ForAll("string64") String subaddress) {
        roundTrip(new IncomingCallRequest(callId, callSerialNumber, new BearerType(callBearerType), physicalChannelId,
                dialedLength, dialingLength, dialedNumber, dialingNumber, subaddress));
    }

    @Property
    void incomingCallReply(@ForAll @IntRange(max = 65535) int callId, @ForAll @IntRange(max = 65535) int peerCallId,
            @ForAll @IntRange(max = 255) int resultCode, @ForAll @IntRange(max = 255) int errorCode,
            @ForAll @IntRange(max = 65535) int window, @ForAll @IntRange(max = 65535) int delay) {
        roundTrip(new IncomingCallReply(callId, peerCallId, new IncomingCallResult(resultCode),
                new GeneralErrorCode(errorCode), window, delay));
    }

    @Property
    void incomingCallConnected(@ForAll @IntRange(max = 65535) int peerCallId,
            @ForAll @LongRange(max = U32) long connectSpeed, @ForAll @IntRange(max = 65535) int window,
            @ForAll @IntRange(max = 65535) int delay, @ForAll @LongRange(max = U32) long framingType) {
        roundTrip(new IncomingCallConnected(peerCallId, connectSpeed, window, delay, new FramingType(framingType)));
    }

    @Property
    void callClearRequest(@ForAll @IntRange(max = 65535) int callId) {
        roundTrip(new CallClearRequest(callId));
    }

    @Property
    void callDisconnectNotify(@ForAll @IntRange(max = 65535) int callId, @ForAll @IntRange(max = 255) int resultCode,
            @ForAll @IntRange(max = 255) int errorCode, @ForAll @IntRange(max = 65535) int causeCode,
            @ForAll("string128") String callStatistics) {
        roundTrip(new CallDisconnectNotify(callId, new CallDisconnectResult(resultCode), new GeneralErrorCode(errorCode),
                causeCode, callStatistics));
    }

    @Property
    void wanErrorNotify(@ForAll @IntRange(max = 65535) int peerCallId, @ForAll @LongRange(max = U32) long crc,
            @ForAll @LongRange(max = U32) long framing, @ForAll @LongRange(max = U32) long hardware,
            @ForAll @LongRange(max = U32) long buffer, @ForAll @LongRange(max = U32) long timeout,
            @ForAll @LongRange(max = U32) long alignment) {
        roundTrip(new WanErrorNotify(peerCallId, crc, framing, hardware, buffer, timeout, alignment));
    }

    @Property
    void setLinkInfo(@ForAll @IntRange(max = 65535) int peerCallId, @ForAll int sendAccm, @ForAll int receiveAccm) {
        roundTrip(new SetLinkInfo(peerCallId, sendAccm, receiveAccm));
    }

    /** Any sequence of messages, cut into segments at any points, decodes to the same sequence. */
    @Property
    void streamOfMessagesSurvivesAnySegmentation(
            @ForAll @Size(min = 1, max = 20) List<@IntRange(max = 14) Integer> messageIndexes,
            @ForAll @Size(max = 40) List<@IntRange(min = 1, max = 400) Integer> segmentLengths) {
        List<Vector> vectors = ControlMessageVectors.all();
        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        List<ControlMessage> expected = new ArrayList<>();
        for (int index : messageIndexes) {
            stream.writeBytes(vectors.get(index).bytes());
            expected.add(vectors.get(index).message());
        }
        byte[] bytes = stream.toByteArray();
        EmbeddedChannel channel = new EmbeddedChannel(new PptpControlDecoder());
        int at = 0;
        for (int segment : segmentLengths) {
            int length = Math.min(segment, bytes.length - at);
            channel.writeInbound(Unpooled.wrappedBuffer(bytes, at, length));
            at += length;
        }
        channel.writeInbound(Unpooled.wrappedBuffer(bytes, at, bytes.length - at));
        List<Object> decoded = new ArrayList<>();
        for (Object message; (message = channel.readInbound()) != null; ) {
            decoded.add(message);
        }
        assertThat(decoded).isEqualTo(expected);
        assertThat(channel.finish()).isFalse();
    }

    @Provide
    Arbitrary<String> string64() {
        return fixedFieldStrings(Fields.STRING_64);
    }

    @Provide
    Arbitrary<String> string128() {
        return fixedFieldStrings(Fields.STRING_128);
    }

    /** Any octet but NUL (which ends the string), up to the field size, the full size included. */
    private static Arbitrary<String> fixedFieldStrings(int size) {
        return Arbitraries.strings().withCharRange('\u0001', '\u00ff').ofMaxLength(size)
                .edgeCases(edges -> edges.add("x".repeat(size)));
    }

    private static void roundTrip(ControlMessage message) {
        ByteBuf encoded = Unpooled.buffer();
        ControlMessages.encode(message, encoded);
        byte[] bytes = ByteBufUtil.getBytes(encoded);
        ControlMessageType type = message.type();
        assertThat(bytes).hasSize(type.length());
        assertThat(encoded.getUnsignedShort(0)).as("Length").isEqualTo(type.length());
        assertThat(encoded.getUnsignedShort(2)).as("PPTP Message Type").isEqualTo(1);
        assertThat(encoded.getInt(4)).as("Magic Cookie").isEqualTo(0x1A2B3C4D);
        assertThat(encoded.getUnsignedShort(8)).as("Control Message Type").isEqualTo(type.code());

        ControlMessage decoded = ControlMessages.decode(encoded);
        assertThat(decoded).isEqualTo(message);
        assertThat(ControlMessageCodecTest.encode(decoded)).isEqualTo(bytes);
    }
}
