package net.pptpgw.protocol.ppp.hdlc;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/** Any frames, any ACCM, any FCS, cut into any chunks: the decoder returns exactly what the encoder got. */
class HdlcPropertiesTest {

    @Provide
    Arbitrary<List<byte[]>> frames() {
        // Two octets at least: with the FCS that is RFC 1662's shortest frame.
        return Arbitraries.bytes().array(byte[].class).ofMinSize(2).ofMaxSize(300)
                .edgeCases(c -> c.add(new byte[] {0x7E, 0x7D}, new byte[] {(byte) 0xFF, 0x03, (byte) 0xC0, 0x21, 0x01}))
                .list().ofMinSize(1).ofMaxSize(6);
    }

    @Provide
    Arbitrary<Integer> accms() {
        return Arbitraries.integers().edgeCases(c -> c.add(0, 0xFFFFFFFF, 0x000A0000));
    }

    @Property
    void streamRoundTrips(@ForAll("frames") List<byte[]> frames, @ForAll("accms") int transmitAccm,
            @ForAll int receiveMask, @ForAll Fcs fcs, @ForAll @Size(max = 8) List<@IntRange(min = 1, max = 64) Integer> chunks) {
        // The receiver may only remove control characters the sender always escapes.
        int receiveAccm = transmitAccm & receiveMask;
        EmbeddedChannel sender = new EmbeddedChannel(new HdlcFrameEncoder(fcs).transmitAccm(transmitAccm));
        ByteBuf stream = Unpooled.buffer();
        for (byte[] frame : frames) {
            sender.writeOutbound(Unpooled.wrappedBuffer(frame));
            ByteBuf wire = sender.readOutbound();
            stream.writeBytes(wire);
            wire.release();
        }

        EmbeddedChannel receiver = new EmbeddedChannel(new HdlcFrameDecoder(HdlcFrameDecoder.DEFAULT_MAX_FRAME_LENGTH, fcs)
                .receiveAccm(receiveAccm));
        int chunk = 0;
        while (stream.isReadable()) {
            int size = chunks.isEmpty() ? stream.readableBytes() : chunks.get(chunk++ % chunks.size());
            receiver.writeInbound(stream.readRetainedSlice(Math.min(size, stream.readableBytes())));
        }
        stream.release();
        List<byte[]> received = new ArrayList<>();
        for (ByteBuf frame; (frame = receiver.readInbound()) != null; ) {
            byte[] bytes = new byte[frame.readableBytes()];
            frame.readBytes(bytes);
            frame.release();
            received.add(bytes);
        }
        assertThat(received).containsExactlyElementsOf(frames);
        assertThat(receiver.finish()).isFalse();
        assertThat(sender.finish()).isFalse();
    }
}
