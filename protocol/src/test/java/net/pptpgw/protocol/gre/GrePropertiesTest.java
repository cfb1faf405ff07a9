package net.pptpgw.protocol.gre;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.OptionalLong;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/** Round trips of every GRE packet shape, through the record and through the flyweight. */
class GrePropertiesTest {

    @Provide
    Arbitrary<GrePacket> packets() {
        Arbitrary<Integer> callIds = Arbitraries.integers().between(0, 0xFFFF);
        Arbitrary<OptionalLong> serials = Arbitraries.frequencyOf(
                Tuple.of(1, Arbitraries.just(OptionalLong.empty())),
                Tuple.of(3, Arbitraries.longs().between(0, 0xFFFF_FFFFL).map(OptionalLong::of)));
        Arbitrary<byte[]> payloads = Arbitraries.bytes().array(byte[].class).ofMaxSize(1500);
        return Combinators.combine(callIds, serials, serials, payloads).as((callId, sequence, ack, payload) ->
                new GrePacket(callId, sequence, ack,
                        sequence.isPresent() ? Unpooled.wrappedBuffer(payload) : Unpooled.EMPTY_BUFFER));
    }

    @Property
    void packetRoundTrips(@ForAll("packets") GrePacket packet) {
        ByteBuf wire = Unpooled.buffer();
        packet.encode(wire);
        assertThat(wire.readableBytes()).isEqualTo(packet.encodedLength());
        GrePacket decoded = GrePacket.decode(wire);
        assertThat(decoded).isEqualTo(packet);
        assertThat(decoded.isAckOnly()).isEqualTo(packet.isAckOnly());
        decoded.release();
        wire.release();
    }

    @Property
    void flyweightRoundTrips(@ForAll @IntRange(max = 0xFFFF) int callId, @ForAll boolean withSequence,
            @ForAll boolean withAck, @ForAll long sequence, @ForAll long ack,
            @ForAll @Size(max = 64) byte[] payload) {
        GreHeader out = new GreHeader().callId(callId);
        if (withSequence) {
            out.sequence(sequence & SequenceNumbers.MASK);
        }
        if (withAck) {
            out.acknowledgment(ack & SequenceNumbers.MASK);
        }
        byte[] body = withSequence ? payload : new byte[0];
        ByteBuf packet = Unpooled.buffer(GreHeader.MAX_LENGTH + body.length);
        packet.writerIndex(GreHeader.MAX_LENGTH).readerIndex(GreHeader.MAX_LENGTH).writeBytes(body);
        out.prependTo(packet);

        GreHeader in = new GreHeader();
        assertThat(in.decode(packet, packet.readerIndex(), packet.readableBytes())).isEqualTo(GreDecodeStatus.OK);
        assertThat(in.callId()).isEqualTo(callId);
        assertThat(in.hasSequence()).isEqualTo(withSequence);
        assertThat(in.hasAcknowledgment()).isEqualTo(withAck);
        assertThat(in.sequence()).isEqualTo(withSequence ? sequence & SequenceNumbers.MASK : 0);
        assertThat(in.acknowledgment()).isEqualTo(withAck ? ack & SequenceNumbers.MASK : 0);
        assertThat(in.payloadLength()).isEqualTo(body.length);
        assertThat(in.headerLength()).isEqualTo(out.headerLength());
        assertThat(in.payloadOffset()).isEqualTo(GreHeader.MAX_LENGTH);
    }

    @Property
    void anyInputDecodesWithinItsBounds(@ForAll @Size(max = 40) byte[] input, @ForAll @IntRange(max = 8) int padding) {
        // The datagram sits inside a larger buffer: a decoder that trusted the buffer's end
        // rather than the given length would reach the 0xff padding.
        ByteBuf buffer = Unpooled.buffer(input.length + 2 * padding);
        buffer.writeBytes(new byte[padding]).writeBytes(input);
        for (int i = 0; i < padding; i++) {
            buffer.writeByte(0xFF);
        }
        GreHeader header = new GreHeader();
        GreDecodeStatus status = header.decode(buffer, padding, input.length);
        if (status.isOk()) {
            assertThat(header.payloadOffset() + header.payloadLength()).isLessThanOrEqualTo(padding + input.length);
            assertThat(header.headerLength()).isLessThanOrEqualTo(input.length);
        } else {
            assertThat(status.reason()).matches("[a-z]+(-[a-z]+)*");
            assertThat(header.detail(status)).isNotBlank();
        }
    }
}
