package net.pptpgw.gateway.inspect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.HexFormat;
import java.util.List;
import net.pptpgw.protocol.MalformedPacketException;
import net.pptpgw.protocol.testing.Fuzz;
import org.junit.jupiter.api.Test;

class TcpSegmentTest {

    private static final HexFormat HEX = HexFormat.of();

    /** The SYN of captures/one-call.pcap (frame 1): 40-byte header with MSS, SACK-permitted, timestamps, window scale. */
    private static final String REAL_SYN = "a0e106bb4295609f00000000a002faf014f70000020405b40402080aa5951629000000000103030a";

    @Test
    void decodesARealSynWithItsOptions() {
        TcpSegment syn = TcpSegment.decode(Unpooled.wrappedBuffer(HEX.parseHex(REAL_SYN)), 40);

        assertThat(syn.sourcePort()).isEqualTo(0xa0e1);
        assertThat(syn.destinationPort()).isEqualTo(1723);
        assertThat(syn.sequenceNumber()).isEqualTo(0x4295609fL);
        assertThat(syn.acknowledgementNumber()).isZero();
        assertThat(syn.flags()).isEqualTo(TcpSegment.SYN);
        assertThat(syn.syn()).isTrue();
        assertThat(syn.ack() || syn.fin() || syn.rst()).isFalse();
        assertThat(syn.window()).isEqualTo(64240);
        assertThat(syn.options().readableBytes()).isEqualTo(20);
        assertThat(syn.payloadLength()).isZero();
    }

    @Test
    void payloadIsWhatFollowsTheHeaderUpToTheSegmentLength() {
        String header = "9c4006bbee6b280000000011501803e700000000";
        TcpSegment segment = TcpSegment.decode(Unpooled.wrappedBuffer(HEX.parseHex(header + "616263" + "ffff")), 23);

        assertThat(ByteBufUtil.getBytes(segment.payload())).isEqualTo("abc".getBytes());
        assertThat(segment.sequenceNumber()).isEqualTo(4_000_000_000L);
        assertThat(segment.payloadTruncated()).isFalse();
    }

    @Test
    void payloadCutBySnapLengthIsFlagged() {
        String header = "9c4006bbee6b280000000011501803e700000000";
        TcpSegment segment = TcpSegment.decode(Unpooled.wrappedBuffer(HEX.parseHex(header + "6162")), 20 + 156);

        assertThat(segment.payload().readableBytes()).isEqualTo(2);
        assertThat(segment.payloadLength()).isEqualTo(156);
        assertThat(segment.payloadTruncated()).isTrue();
    }

    @Test
    void rejectsHeadersThatDoNotFit() {
        assertRejected("9c4006bbee6b2800", 8, "truncated-header");
        assertRejected("9c4006bbee6b280000000011401803e700000000", 20, "bad-data-offset");   // data offset 4
        assertRejected("9c4006bbee6b280000000011601803e700000000", 20, "bad-data-offset");   // 24 > segment
        assertRejected("9c4006bbee6b280000000011601803e700000000", 30, "truncated-header");  // options not captured
    }

    @Test
    void fuzzedSegmentsGiveOnlyTypedErrors() {
        List<byte[]> seeds = List.of(HEX.parseHex(REAL_SYN), HEX.parseHex("9c4006bbee6b280000000011501803e700000000616263"));
        Fuzz.run("tcp", seeds, buffer -> {
            int segmentLength = buffer.readableBytes() == 0 ? 0 : buffer.getUnsignedByte(0) * 4; // any length, also wrong ones
            TcpSegment segment = TcpSegment.decode(buffer, segmentLength);
            ByteBufUtil.getBytes(segment.options());
            ByteBufUtil.getBytes(segment.payload());
        });
    }

    private static void assertRejected(String hex, int segmentLength, String reason) {
        assertThatThrownBy(() -> TcpSegment.decode(Unpooled.wrappedBuffer(HEX.parseHex(hex)), segmentLength))
                .isInstanceOfSatisfying(MalformedPacketException.class, e -> {
                    assertThat(e.protocol()).isEqualTo("tcp");
                    assertThat(e.reason()).isEqualTo(reason);
                });
    }
}
