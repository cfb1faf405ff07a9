package net.pptpgw.protocol.gre;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Byte-exact vectors for the enhanced GRE header (RFC 2637 §4.1), decoded and encoded. */
class GreHeaderTest {

    private static final HexFormat HEX = HexFormat.of();

    /** S bit, call ID 7, sequence 0, carrying an 8-octet LCP Configure-Request. */
    static final String DATA = "3001880b" + "0008" + "0007" + "00000000" + "ff03c02101010004";
    /** S and A bits, call ID 0 (pptpd's first), sequence 1, acknowledgment 0. */
    static final String DATA_WITH_ACK = "3081880b" + "0004" + "0000" + "00000001" + "00000000" + "21450000";
    /** Acknowledgment only (RFC 2637 §4.4): A bit, no S bit, payload length 0; highest call ID and number. */
    static final String ACK_ONLY = "2081880b" + "0000" + "ffff" + "ffffffff";
    /** Sequence number at the wrap point, acknowledgment just behind it. */
    static final String WRAP = "3081880b" + "0001" + "1234" + "ffffffff" + "fffffffe" + "21";
    /** Key only: neither S nor A (legal, carries nothing). */
    static final String KEY_ONLY = "2001880b" + "0000" + "0005";

    static ByteBuf buffer(String hex) {
        return Unpooled.wrappedBuffer(HEX.parseHex(hex));
    }

    static String hex(ByteBuf buffer) {
        return ByteBufUtil.hexDump(buffer);
    }

    @Test
    void decodesDataPacket() {
        GreHeader header = new GreHeader();
        ByteBuf datagram = buffer(DATA);
        assertThat(header.decode(datagram)).isEqualTo(GreDecodeStatus.OK);
        assertThat(header.callId()).isEqualTo(7);
        assertThat(header.payloadLength()).isEqualTo(8);
        assertThat(header.hasSequence()).isTrue();
        assertThat(header.sequence()).isZero();
        assertThat(header.hasAcknowledgment()).isFalse();
        assertThat(header.isAckOnly()).isFalse();
        assertThat(header.headerLength()).isEqualTo(12);
        assertThat(header.payloadOffset()).isEqualTo(12);
        assertThat(header.protocolType()).isEqualTo(0x880B);
        assertThat(header.flags()).isEqualTo(0x3001);
        assertThat(datagram.readerIndex()).isZero(); // decode does not consume
    }

    @Test
    void decodesDataWithAcknowledgmentAndCallIdZero() {
        GreHeader header = new GreHeader();
        assertThat(header.decode(buffer(DATA_WITH_ACK))).isEqualTo(GreDecodeStatus.OK);
        assertThat(header.callId()).isZero();
        assertThat(header.sequence()).isEqualTo(1);
        assertThat(header.hasAcknowledgment()).isTrue();
        assertThat(header.acknowledgment()).isZero();
        assertThat(header.headerLength()).isEqualTo(16);
        assertThat(header.payloadLength()).isEqualTo(4);
    }

    @Test
    void decodesAckOnly() {
        GreHeader header = new GreHeader();
        assertThat(header.decode(buffer(ACK_ONLY))).isEqualTo(GreDecodeStatus.OK);
        assertThat(header.isAckOnly()).isTrue();
        assertThat(header.hasSequence()).isFalse();
        assertThat(header.callId()).isEqualTo(0xFFFF);
        assertThat(header.acknowledgment()).isEqualTo(0xFFFF_FFFFL);
        assertThat(header.headerLength()).isEqualTo(12);
        assertThat(header.payloadLength()).isZero();
    }

    @Test
    void decodesSequenceNumbersAsUnsigned() {
        GreHeader header = new GreHeader();
        assertThat(header.decode(buffer(WRAP))).isEqualTo(GreDecodeStatus.OK);
        assertThat(header.sequence()).isEqualTo(0xFFFF_FFFFL);
        assertThat(header.acknowledgment()).isEqualTo(0xFFFF_FFFEL);
        assertThat(header.callId()).isEqualTo(0x1234);
        assertThat(SequenceNumbers.isAfter(header.sequence(), header.acknowledgment())).isTrue();
    }

    @Test
    void decodesKeyOnly() {
        GreHeader header = new GreHeader();
        assertThat(header.decode(buffer(KEY_ONLY))).isEqualTo(GreDecodeStatus.OK);
        assertThat(header.hasSequence()).isFalse();
        assertThat(header.hasAcknowledgment()).isFalse();
        assertThat(header.isAckOnly()).isFalse();
        assertThat(header.headerLength()).isEqualTo(8);
    }

    @Test
    void encodesEveryVariantByteExact() {
        GreHeader header = new GreHeader();
        assertThat(write(header.reset().callId(7).payloadLength(8).sequence(0))).isEqualTo(DATA.substring(0, 24));
        assertThat(write(header.reset().callId(0).payloadLength(4).sequence(1).acknowledgment(0)))
                .isEqualTo(DATA_WITH_ACK.substring(0, 32));
        assertThat(write(header.reset().callId(0xFFFF).acknowledgment(0xFFFF_FFFFL))).isEqualTo(ACK_ONLY);
        assertThat(write(header.reset().callId(0x1234).payloadLength(1).sequence(0xFFFF_FFFFL).acknowledgment(0xFFFF_FFFEL)))
                .isEqualTo(WRAP.substring(0, 32));
        assertThat(write(header.reset().callId(5))).isEqualTo(KEY_ONLY);
    }

    private static String write(GreHeader header) {
        ByteBuf out = Unpooled.buffer();
        header.writeTo(out);
        return hex(out);
    }

    @Test
    void clearingSequenceAndAcknowledgmentShrinksTheHeader() {
        GreHeader header = new GreHeader().callId(1).sequence(9).acknowledgment(8);
        assertThat(header.headerLength()).isEqualTo(16);
        header.clearSequence();
        assertThat(header.headerLength()).isEqualTo(12);
        assertThat(header.isAckOnly()).isTrue();
        header.clearAcknowledgment();
        assertThat(header.headerLength()).isEqualTo(8);
        assertThat(write(header)).isEqualTo("2001880b00000001");
    }

    @Test
    void prependsIntoHeadroomWithoutCopying() {
        ByteBuf packet = Unpooled.buffer(64);
        packet.writerIndex(GreHeader.MAX_LENGTH).readerIndex(GreHeader.MAX_LENGTH);
        packet.writeBytes(HEX.parseHex("ff03c02101010004"));
        new GreHeader().callId(7).sequence(0).prependTo(packet);
        assertThat(packet.readerIndex()).isEqualTo(4); // 16 reserved, 12 used
        assertThat(hex(packet)).isEqualTo(DATA);
    }

    @Test
    void prependRefusesTooLittleHeadroom() {
        ByteBuf packet = Unpooled.buffer(64).writerIndex(20).readerIndex(8);
        GreHeader header = new GreHeader().callId(7).sequence(0);
        assertThatThrownBy(() -> header.prependTo(packet))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("12 bytes of headroom");
    }

    @Test
    void setIntoWritesAtIndexWithoutMovingIndices() {
        ByteBuf out = Unpooled.buffer(32).writerIndex(20);
        int written = new GreHeader().callId(0xFFFF).acknowledgment(0xFFFF_FFFFL).setInto(out, 4);
        assertThat(written).isEqualTo(12);
        assertThat(out.writerIndex()).isEqualTo(20);
        assertThat(hex(out.slice(4, 12))).isEqualTo(ACK_ONLY);
    }

    @Test
    void refusesToEncodePayloadWithoutSequenceNumber() {
        GreHeader header = new GreHeader().callId(1).payloadLength(3);
        assertThatThrownBy(() -> header.writeTo(Unpooled.buffer())).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void setterRangesAreChecked() {
        GreHeader header = new GreHeader();
        assertThatThrownBy(() -> header.callId(0x10000)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> header.callId(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> header.payloadLength(0x10000)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> header.sequence(1L << 32)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> header.acknowledgment(-1)).isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource({
        "'', TRUNCATED",
        "300188, TRUNCATED",
        "3001880b000000, TRUNCATED",                                    // key cut short
        "3001880b00000007000000, TRUNCATED",                            // S set, sequence cut short
        "3081880b000000070000000100, TRUNCATED",                        // A set, acknowledgment cut short
        "00000800450000140000, BAD_VERSION",                            // plain GRE (RFC 2784) carrying IPv4
        "3002880b000000070000000000, BAD_VERSION",
        "30010800000000070000000000, BAD_PROTOCOL",
        "b001880b000000070000000000, CHECKSUM_OR_ROUTING_PRESENT",
        "7001880b000000070000000000, CHECKSUM_OR_ROUTING_PRESENT",
        "1001880b000000070000000000, KEY_MISSING",
        "3801880b000000070000000000, STRICT_ROUTE_OR_RECURSION",
        "3101880b000000070000000000, STRICT_ROUTE_OR_RECURSION",
        "3041880b000000070000000000, RESERVED_FLAGS",                   // bit 9
        "3009880b000000070000000000, RESERVED_FLAGS",                   // bit 12
        "3001880b000500070000000001020304, PAYLOAD_LENGTH_EXCEEDS_DATAGRAM",
        "2001880b00010007ff, PAYLOAD_WITHOUT_SEQUENCE",
        "2081880b0001000700000000ff, PAYLOAD_WITHOUT_SEQUENCE",
    })
    void rejectsWithTypedStatus(String hex, GreDecodeStatus expected) {
        GreHeader header = new GreHeader();
        assertThat(header.decode(buffer(hex))).isEqualTo(expected);
        assertThatThrownBy(() -> GrePacket.decode(buffer(hex)))
                .isInstanceOfSatisfying(net.pptpgw.protocol.MalformedPacketException.class, e -> {
                    assertThat(e.protocol()).isEqualTo("gre");
                    assertThat(e.reason()).isEqualTo(expected.reason());
                });
    }

    @Test
    void detailNamesTheOffendingValues() {
        GreHeader header = new GreHeader();
        assertThat(header.detail(header.decode(buffer("3002880b0000000700000000")))).isEqualTo("version 2, enhanced GRE is 1");
        assertThat(header.detail(header.decode(buffer("30010800000000070000000000")))).contains("0x0800");
        assertThat(header.detail(header.decode(buffer("b001880b000000070000000000")))).contains("0xb001");
        assertThat(header.detail(header.decode(buffer("3001880b000500070000000001020304"))))
                .isEqualTo("payload length 5 but only 4 bytes follow the 12-byte header");
        assertThat(header.detail(header.decode(buffer("3001880b00000007000000")))).isEqualTo("11 bytes, header needs 12");
        assertThat(header.malformed(GreDecodeStatus.TRUNCATED)).hasMessage("gre truncated: 11 bytes, header needs 12");
    }

    @Test
    void lengthArgumentBoundsTheDatagramNotTheBuffer() {
        // The datagram declares 4 payload bytes; the buffer holds them, but the caller says the
        // datagram ends after 3 (e.g. the IP total length): the decoder must believe the caller.
        ByteBuf buffer = buffer("aa" + "3001880b00040007" + "00000000" + "01020304" + "bbbb");
        GreHeader header = new GreHeader();
        assertThat(header.decode(buffer, 1, 15)).isEqualTo(GreDecodeStatus.PAYLOAD_LENGTH_EXCEEDS_DATAGRAM);
        assertThat(header.decode(buffer, 1, 16)).isEqualTo(GreDecodeStatus.OK);
        assertThat(header.payloadOffset()).isEqualTo(13);
    }

    @Test
    void bytesBeyondThePayloadLengthAreIgnored() {
        ByteBuf datagram = buffer("3001880b00020007" + "00000000" + "aabbccdd");
        GreHeader header = new GreHeader();
        assertThat(header.decode(datagram)).isEqualTo(GreDecodeStatus.OK);
        assertThat(header.payloadLength()).isEqualTo(2);
        GrePacket packet = GrePacket.decode(datagram);
        assertThat(hex(packet.payload())).isEqualTo("aabb");
        packet.release();
    }
}
