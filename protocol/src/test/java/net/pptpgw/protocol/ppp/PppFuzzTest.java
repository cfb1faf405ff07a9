package net.pptpgw.protocol.ppp;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.HexFormat;
import java.util.List;
import net.pptpgw.protocol.testing.Fuzz;
import org.junit.jupiter.api.Test;

/** Random and mutated PPP frames: only typed rejections, and a decoded frame survives re-encoding. */
class PppFuzzTest {

    private static final List<byte[]> SEEDS = List.of("ff03c02101010004", "2145000014", "002145", "ff0321",
            "fd900100", "80fd01010004", "ff034021beef", "c02109010008cafebabe").stream()
            .map(HexFormat.of()::parseHex).toList();

    @Test
    void decoderIsTotal() {
        PppHeader header = new PppHeader();
        Fuzz.run("ppp", SEEDS, frame -> {
            PppDecodeStatus status = header.decode(frame, frame.readerIndex(), frame.readableBytes());
            PppFrame decoded = PppFrame.decode(frame);
            try {
                assertThat(status).isEqualTo(PppDecodeStatus.OK);
                // Re-encode as the frame arrived (where the rules allow it) and decode again: same frame.
                ByteBuf again = Unpooled.buffer();
                decoded.encode(again, !header.hasAddressControl(), header.isProtocolCompressed());
                PppFrame twice = PppFrame.decode(again);
                assertThat(twice).isEqualTo(decoded);
                twice.release();
            } finally {
                decoded.release();
            }
        });
    }
}
