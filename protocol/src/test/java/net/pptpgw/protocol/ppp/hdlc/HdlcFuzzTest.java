package net.pptpgw.protocol.ppp.hdlc;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.HexFormat;
import java.util.List;
import net.pptpgw.protocol.MalformedPacketException;
import net.pptpgw.protocol.ppp.PppFrame;
import net.pptpgw.protocol.testing.Fuzz;
import org.junit.jupiter.api.Test;

/**
 * Random and mutated byte streams into one long-lived decoder (a stream has no message
 * boundaries, so each input continues the previous one): only typed errors, bounded frames, no
 * leaked buffers; each frame it passes on goes through the PPP frame decoder as in a pipeline.
 */
class HdlcFuzzTest {

    private static final int MAX_FRAME = 64;

    private static final List<byte[]> SEEDS = List.of(
                    HdlcVectors.LCP_CONFIGURE_REQUEST_STUFFED,
                    HdlcVectors.IP_WITH_SPECIALS_ACCM_0,
                    HdlcVectors.IP_WITH_SPECIALS_ACCM_XON_XOFF,
                    HdlcVectors.LCP_CONFIGURE_REQUEST_STUFFED + HdlcVectors.IP_WITH_SPECIALS_ACCM_XON_XOFF,
                    "7eff7d23c0217d7e",
                    "7e7e7e")
            .stream().map(HexFormat.of()::parseHex).toList();

    @Test
    void decoderIsTotal() {
        TrackingAllocator allocator = new TrackingAllocator();
        HdlcFrameDecoder decoder = new HdlcFrameDecoder(MAX_FRAME, Fcs.FCS_16).receiveAccm(0x000A0000);
        long[] reported = new long[1];
        EmbeddedChannel channel = new EmbeddedChannel(decoder, new ChannelInboundHandlerAdapter() {
            @Override
            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                // Where a real pipeline counts drops by reason; anything else is a bug.
                if (!(cause instanceof MalformedPacketException malformed) || !malformed.protocol().equals("hdlc")) {
                    ctx.fireExceptionCaught(cause);
                    return;
                }
                reported[0]++;
            }
        });
        channel.config().setAllocator(allocator);
        Fuzz.run("hdlc", SEEDS, input -> {
            try {
                channel.writeInbound(input.retain()); // Fuzz releases its own reference afterwards
            } finally {
                for (ByteBuf frame; (frame = channel.readInbound()) != null; ) {
                    try {
                        assertThat(frame.readableBytes()).isBetween(2, MAX_FRAME - 2);
                        PppFrame.decode(frame).release();
                    } catch (MalformedPacketException e) {
                        // a frame too short for a protocol field: the PPP layer's typed error
                    } finally {
                        frame.release();
                    }
                }
            }
        });
        channel.finishAndReleaseAll();
        assertThat(allocator.live()).isZero();
        assertThat(decoder.framesDecoded()).isPositive();
        assertThat(decoder.drops(HdlcDropReason.BAD_FCS)).isPositive();
        long drops = 0;
        for (HdlcDropReason reason : HdlcDropReason.values()) {
            drops += decoder.drops(reason);
        }
        assertThat(reported[0]).isEqualTo(drops);
    }
}
