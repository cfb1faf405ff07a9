package net.pptpgw.protocol.gre;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.HexFormat;
import java.util.List;
import net.pptpgw.protocol.testing.Fuzz;
import org.junit.jupiter.api.Test;

/** Random and mutated datagrams: only typed rejections, never an exception from the flyweight. */
class GreFuzzTest {

    private static final List<byte[]> SEEDS = List.of(GreHeaderTest.DATA, GreHeaderTest.DATA_WITH_ACK,
                    GreHeaderTest.ACK_ONLY, GreHeaderTest.WRAP, GreHeaderTest.KEY_ONLY)
            .stream().map(HexFormat.of()::parseHex).toList();

    @Test
    void decoderIsTotal() {
        GreHeader header = new GreHeader();
        int[] byStatus = new int[GreDecodeStatus.values().length];
        Fuzz.run("gre", SEEDS, datagram -> {
            // The data plane's path: a status, never an exception, and nothing read outside the datagram.
            GreDecodeStatus status = header.decode(datagram, datagram.readerIndex(), datagram.readableBytes());
            byStatus[status.ordinal()]++;
            // The record path: the same verdict, as a MalformedPacketException on failure.
            GrePacket packet = GrePacket.decode(datagram);
            try {
                assertThat(status).isEqualTo(GreDecodeStatus.OK);
                ByteBuf again = Unpooled.buffer(packet.encodedLength());
                packet.encode(again);
                // Re-encoding gives the input up to the declared payload end (trailing bytes are not part of it).
                assertThat(ByteBufUtil.equals(again, datagram.slice(datagram.readerIndex(), again.readableBytes())))
                        .isTrue();
            } finally {
                packet.release();
            }
        });
        // The inputs reached both sides of the decoder: accepted packets and the common rejections.
        assertThat(byStatus[GreDecodeStatus.OK.ordinal()]).isPositive();
        assertThat(byStatus[GreDecodeStatus.TRUNCATED.ordinal()]).isPositive();
        assertThat(byStatus[GreDecodeStatus.PAYLOAD_LENGTH_EXCEEDS_DATAGRAM.ordinal()]).isPositive();
    }
}
