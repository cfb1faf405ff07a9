package net.pptpgw.protocol.ppp.hdlc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import net.pptpgw.protocol.MalformedPacketException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The byte-stream side: split input, several frames per read, damaged frames and resynchronisation. */
class HdlcFrameDecoderTest {

    private static final String LCP = HdlcVectors.LCP_CONFIGURE_REQUEST_STUFFED;
    private static final String IP = HdlcVectors.IP_WITH_SPECIALS_ACCM_0;

    private final TrackingAllocator allocator = new TrackingAllocator();
    private HdlcFrameDecoder decoder = new HdlcFrameDecoder();
    private EmbeddedChannel channel = channel(decoder);

    private EmbeddedChannel channel(HdlcFrameDecoder handler) {
        EmbeddedChannel embedded = new EmbeddedChannel(handler);
        embedded.config().setAllocator(allocator);
        return embedded;
    }

    @AfterEach
    void everyBufferTheDecoderTookIsReleased() {
        channel.finishAndReleaseAll();
        assertThat(allocator.live()).isZero();
    }

    private static ByteBuf bytes(String hex) {
        return Unpooled.wrappedBuffer(HexFormat.of().parseHex(hex));
    }

    /** Writes the chunks; returns the decoded frames as hex and the reasons of reported errors. */
    private List<String> feed(List<String> errors, String... hexChunks) {
        for (String chunk : hexChunks) {
            try {
                channel.writeInbound(bytes(chunk));
            } catch (MalformedPacketException e) {
                assertThat(e.protocol()).isEqualTo("hdlc");
                errors.add(e.reason());
            }
        }
        List<String> frames = new ArrayList<>();
        for (ByteBuf frame; (frame = channel.readInbound()) != null; ) {
            frames.add(ByteBufUtil.hexDump(frame));
            frame.release();
        }
        return frames;
    }

    private List<String> feed(String... hexChunks) {
        List<String> errors = new ArrayList<>();
        List<String> frames = feed(errors, hexChunks);
        assertThat(errors).isEmpty();
        return frames;
    }

    @Test
    void decodesTheClassicLcpFrame() {
        assertThat(feed(LCP)).containsExactly(HdlcVectors.LCP_CONFIGURE_REQUEST);
        assertThat(decoder.framesDecoded()).isOne();
    }

    @Test
    void decodesSeveralFramesFromOneRead() {
        decoder.receiveAccm(0); // the IP frame carries XON, XOFF and 0x01 unescaped
        assertThat(feed(LCP + IP + LCP)).containsExactly(HdlcVectors.LCP_CONFIGURE_REQUEST,
                HdlcVectors.IP_WITH_SPECIALS, HdlcVectors.LCP_CONFIGURE_REQUEST);
    }

    @Test
    void framesSplitAnywhereDecodeTheSame() {
        String stream = LCP + IP;
        for (int cut = 0; cut <= stream.length(); cut += 2) {
            decoder.receiveAccm(0);
            assertThat(feed(stream.substring(0, cut), stream.substring(cut)))
                    .as("split after %d octets", cut / 2)
                    .containsExactly(HdlcVectors.LCP_CONFIGURE_REQUEST, HdlcVectors.IP_WITH_SPECIALS);
        }
    }

    @Test
    void framesArrivingOctetByOctetDecode() {
        String[] octets = LCP.split("(?<=\\G..)");
        assertThat(feed(octets)).containsExactly(HdlcVectors.LCP_CONFIGURE_REQUEST);
    }

    @Test
    void badFcsDropsTheFrameAndTheNextFrameStillDecodes() {
        String damaged = LCP.replace("cafebabe", "cafebabf");
        decoder.receiveAccm(0);
        List<String> errors = new ArrayList<>();
        assertThat(feed(errors, damaged + IP)).containsExactly(HdlcVectors.IP_WITH_SPECIALS);
        assertThat(errors).containsExactly("bad-fcs");
        assertThat(decoder.drops(HdlcDropReason.BAD_FCS)).isOne();
        assertThat(decoder.framesDecoded()).isOne();
    }

    @Test
    void goodFrameBeforeABadOneIsPassedOnFirst() {
        List<Object> events = new ArrayList<>();
        channel.pipeline().addLast(new io.netty.channel.ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(io.netty.channel.ChannelHandlerContext ctx, Object msg) {
                events.add("frame");
                ((ByteBuf) msg).release();
            }

            @Override
            public void exceptionCaught(io.netty.channel.ChannelHandlerContext ctx, Throwable cause) {
                events.add(((MalformedPacketException) cause).reason());
            }
        });
        channel.writeInbound(bytes(LCP + LCP.replace("cafebabe", "cafebabf") + LCP));
        assertThat(events).containsExactly("frame", "bad-fcs", "frame");
    }

    @Test
    void abortSequenceDropsTheFrame() {
        List<String> errors = new ArrayList<>();
        assertThat(feed(errors, "7eff7d23c0217d7e" + LCP)).containsExactly(HdlcVectors.LCP_CONFIGURE_REQUEST);
        assertThat(errors).containsExactly("aborted");
        assertThat(decoder.drops(HdlcDropReason.ABORTED)).isOne();
    }

    @Test
    void overlongFrameIsDroppedUpToTheNextFlagWithoutBufferingIt() {
        decoder = new HdlcFrameDecoder(26, Fcs.FCS_16); // the LCP frame's 24 octets and FCS just fit
        channel = channel(decoder);
        List<String> errors = new ArrayList<>();
        String overlong = "7e" + "41".repeat(200) + "7e";
        assertThat(feed(errors, overlong.substring(0, 100), overlong.substring(100), LCP))
                .containsExactly(HdlcVectors.LCP_CONFIGURE_REQUEST);
        assertThat(errors).containsExactly("frame-too-long");
        assertThat(decoder.drops(HdlcDropReason.FRAME_TOO_LONG)).isOne();
    }

    @Test
    void frameOfExactlyTheMaximumLengthPasses() {
        // 22 octets of frame + 2 of FCS = 24 = the limit.
        decoder = new HdlcFrameDecoder(24, Fcs.FCS_16);
        channel = channel(decoder);
        String frame = "ff030021" + "45".repeat(18);
        assertThat(feed(AsyncHdlcTest.stuff(frame, AsyncHdlc.DEFAULT_ACCM, Fcs.FCS_16))).containsExactly(frame);
        List<String> errors = new ArrayList<>();
        assertThat(feed(errors, AsyncHdlcTest.stuff(frame + "45", AsyncHdlc.DEFAULT_ACCM, Fcs.FCS_16))).isEmpty();
        assertThat(errors).containsExactly("frame-too-long");
    }

    @Test
    void runtFramesAreDroppedAndCounted() {
        List<String> errors = new ArrayList<>();
        assertThat(feed(errors, "7e41427e", "7e4142437e", "7e414243447e")).isEmpty();
        assertThat(errors).containsExactly("frame-too-short", "frame-too-short", "bad-fcs");
        assertThat(decoder.drops(HdlcDropReason.FRAME_TOO_SHORT)).isEqualTo(2);
    }

    @Test
    void consecutiveFlagsAreNotErrors() {
        assertThat(feed("7e7e7e7e", LCP, "7e7e")).containsExactly(HdlcVectors.LCP_CONFIGURE_REQUEST);
        for (HdlcDropReason reason : HdlcDropReason.values()) {
            assertThat(decoder.drops(reason)).isZero();
        }
    }

    @Test
    void firstFrameNeedsNoOpeningFlag() {
        assertThat(feed(LCP.substring(2))).containsExactly(HdlcVectors.LCP_CONFIGURE_REQUEST);
    }

    @Test
    void garbageBeforeAFlagIsDroppedAndTheStreamResynchronises() {
        List<String> errors = new ArrayList<>();
        assertThat(feed(errors, "414243444546" + LCP)).containsExactly(HdlcVectors.LCP_CONFIGURE_REQUEST);
        assertThat(errors).containsExactly("bad-fcs");
    }

    @Test
    void receiveAccmRemovesControlCharactersInsertedOnTheWay() {
        // An XON (0x11) inserted mid-frame by a modem: removed under the default ACCM (RFC 1662 §4.2) ...
        String withXon = LCP.replace("cafe", "ca11fe");
        assertThat(feed(withXon)).containsExactly(HdlcVectors.LCP_CONFIGURE_REQUEST);
        // ... but data when the ACCM says 0x11 is sent unescaped.
        decoder.receiveAccm(0);
        List<String> errors = new ArrayList<>();
        assertThat(feed(errors, withXon)).isEmpty();
        assertThat(errors).containsExactly("bad-fcs");
    }

    @Test
    void controlCharacterBetweenEscapeAndItsOctetIsRemovedFirst() {
        // "7d 23" is the escaped 0x03; an inserted 0x13 between the two octets must not break it.
        assertThat(feed(LCP.replace("7eff7d23", "7eff7d1323"))).containsExactly(HdlcVectors.LCP_CONFIGURE_REQUEST);
    }

    @Test
    void anyOctetMayBeEscaped() {
        // 0xca sent as 7d ea although no ACCM requires it.
        assertThat(feed(LCP.replace("cafe", "7deafe"))).containsExactly(HdlcVectors.LCP_CONFIGURE_REQUEST);
    }

    @Test
    void fcs32() {
        decoder = new HdlcFrameDecoder(HdlcFrameDecoder.DEFAULT_MAX_FRAME_LENGTH, Fcs.FCS_32);
        channel = channel(decoder);
        assertThat(feed(HdlcVectors.LCP_CONFIGURE_REQUEST_STUFFED_FCS32)).containsExactly(HdlcVectors.LCP_CONFIGURE_REQUEST);
        List<String> errors = new ArrayList<>();
        assertThat(feed(errors, LCP)).isEmpty(); // an FCS-16 frame on an FCS-32 link
        assertThat(errors).containsExactly("bad-fcs");
    }

    @Test
    void partialFrameIsReleasedWhenTheChannelCloses() {
        assertThat(feed(LCP.substring(0, 30))).isEmpty();
        assertThat(allocator.live()).isOne(); // the frame in progress
        channel.close();
        assertThat(allocator.live()).isZero();
    }

    @Test
    void rejectsAMaximumThatCannotHoldAFrame() {
        assertThatThrownBy(() -> new HdlcFrameDecoder(3, Fcs.FCS_16)).isInstanceOf(IllegalArgumentException.class);
    }
}
