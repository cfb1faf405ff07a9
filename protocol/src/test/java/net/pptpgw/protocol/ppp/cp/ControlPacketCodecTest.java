package net.pptpgw.protocol.ppp.cp;

import net.pptpgw.protocol.Octets;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.IntStream;
import net.pptpgw.protocol.MalformedPacketException;
import net.pptpgw.protocol.ppp.cp.ControlPacket.ConfigureRequest;
import net.pptpgw.protocol.ppp.cp.ControlPacket.EchoRequest;
import net.pptpgw.protocol.ppp.cp.ControlPacket.TerminateRequest;
import net.pptpgw.protocol.ppp.cp.ControlPacket.UnknownCode;
import net.pptpgw.protocol.ppp.cp.ControlPacketVectors.Vector;
import net.pptpgw.protocol.ppp.lcp.LcpOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

class ControlPacketCodecTest {

    static List<Vector> vectors() {
        return ControlPacketVectors.all();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void decodesVector(Vector vector) {
        ByteBuf in = Unpooled.wrappedBuffer(vector.bytes());
        assertThat(ControlPacketCodec.decode(vector.kind(), in)).isEqualTo(vector.packet());
        assertThat(in.isReadable()).isFalse();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void encodesVector(Vector vector) {
        assertThat(encode(vector.packet())).isEqualTo(vector.hex().replace(" ", ""));
    }

    @Test
    void everyCodeOfEveryProtocolHasAVector() {
        for (ProtocolKind kind : ProtocolKind.values()) {
            List<Integer> covered = ControlPacketVectors.of(kind).stream()
                    .filter(v -> !(v.packet() instanceof UnknownCode)).map(v -> v.packet().code()).distinct().toList();
            List<Integer> defined = IntStream.range(0, 256).filter(kind::usesCode).boxed().toList();
            assertThat(covered).as(kind.name()).containsExactlyInAnyOrderElementsOf(defined);
        }
    }

    @ParameterizedTest
    @CsvSource({"LCP, 1, 13", "IPCP, 1, 7"})
    void protocolsUseAContiguousRangeOfCodes(ProtocolKind kind, int first, int last) {
        for (int code = 0; code < 256; code++) {
            assertThat(kind.usesCode(code)).as("code " + code).isEqualTo(code >= first && code <= last);
        }
    }

    @Test
    void ccpUsesCodes1To7AndResetRequestAndAck() {
        for (int code = 0; code < 256; code++) {
            assertThat(ProtocolKind.CCP.usesCode(code)).as("code " + code)
                    .isEqualTo((code >= 1 && code <= 7) || code == 14 || code == 15);
        }
    }

    @ParameterizedTest
    @EnumSource(ProtocolKind.class)
    void codesAProtocolDoesNotUseAreKeptIntactForCodeReject(ProtocolKind kind) {
        for (int code = 0; code < 256; code++) {
            if (!kind.usesCode(code)) {
                byte[] bytes = {(byte) code, 0x42, 0, 7, 1, 2, 3};
                ControlPacket packet = decode(kind, bytes);
                assertThat(packet).isEqualTo(new UnknownCode(code, 0x42, Octets.fromHex("010203")));
                assertThat(encode(packet)).isEqualTo(HexFormat.of().formatHex(bytes));
            }
        }
    }

    @Test
    void octetsBeyondLengthArePaddingAndIgnored() {
        ByteBuf in = Unpooled.wrappedBuffer(hex("09 07 00 08 12 34 56 78 00 00 00 ff"));
        assertThat(ControlPacketCodec.decode(ProtocolKind.LCP, in)).isEqualTo(new EchoRequest(7, 0x12345678, Octets.EMPTY));
        assertThat(in.isReadable()).as("padding consumed with the packet").isFalse();
    }

    @Test
    void optionsEndAtLengthEvenWhenPaddingFollows() {
        assertThat(decode(ProtocolKind.LCP, hex("01 01 00 08 01 04 05 dc 07 02")))
                .isEqualTo(new ConfigureRequest(1, List.of(new LcpOption.MaximumReceiveUnit(1500))));
    }

    @Test
    void decodesFromTheReaderIndex() {
        ByteBuf in = Unpooled.wrappedBuffer(hex("ff 03 c0 21 05 01 00 04"));
        in.skipBytes(4);
        assertThat(ControlPacketCodec.decode(ProtocolKind.LCP, in)).isEqualTo(new TerminateRequest(1, Octets.EMPTY));
    }

    @ParameterizedTest
    @CsvSource({
        "'', truncated-header",
        "01, truncated-header",
        "01 01 00, truncated-header",
        "01 01 00 00, bad-length",
        "01 01 00 03, bad-length",
        "01 01 00 05, length-beyond-frame",
        "01 01 ff ff 00, length-beyond-frame",
        "01 01 00 05 01, bad-option-length",
        "01 01 00 06 01 00, bad-option-length",
        "01 01 00 06 01 01, bad-option-length",
        "01 01 00 08 01 05 05 dc, bad-option-length",
        "01 01 00 09 01 04 05 dc 07, bad-option-length",
        "01 01 00 08 01 04 05 dc 07 02, ''",
        "08 01 00 05 c0, truncated-data",
        "09 01 00 07 00 00 00, truncated-data",
        "0a 01 00 04, truncated-data",
        "0b 01 00 06 00 00, truncated-data",
        "0c 01 00 04, truncated-data",
        "0d 01 00 0b 00 00 00 00 00 00 00, truncated-data",
    })
    void rejectsBadLengthsOnLcp(String input, String reason) {
        byte[] bytes = hex(input);
        ByteBuf in = Unpooled.wrappedBuffer(bytes);
        if (reason.isEmpty()) {
            // Length 8 bounds the options: the octets "07 02" after it are padding.
            assertThat(ControlPacketCodec.decode(ProtocolKind.LCP, in)).isInstanceOf(ConfigureRequest.class);
            return;
        }
        assertThatThrownBy(() -> ControlPacketCodec.decode(ProtocolKind.LCP, in))
                .isInstanceOfSatisfying(MalformedPacketException.class, e -> {
                    assertThat(e.protocol()).isEqualTo("lcp");
                    assertThat(e.reason()).isEqualTo(reason);
                });
        assertThat(in.readerIndex()).as("reader index untouched on failure").isZero();
    }

    @ParameterizedTest
    @EnumSource(ProtocolKind.class)
    void errorsNameTheProtocol(ProtocolKind kind) {
        assertThatThrownBy(() -> decode(kind, hex("04 01 00 07 12 08 00")))
                .isInstanceOfSatisfying(MalformedPacketException.class, e -> {
                    assertThat(e.protocol()).isEqualTo(kind.label());
                    assertThat(e.reason()).isEqualTo("bad-option-length");
                    assertThat(e.getMessage()).contains("type 18", "Length 8");
                });
    }

    @Test
    void encodeRefusesAPacketLongerThanLengthCanSay() {
        ByteBuf out = Unpooled.buffer();
        out.writeByte(0x55);
        TerminateRequest huge = new TerminateRequest(1, Octets.of(new byte[0xffff - 3]));
        assertThatThrownBy(() -> ControlPacketCodec.encode(huge, out)).isInstanceOf(IllegalArgumentException.class);
        assertThat(out.writerIndex()).isEqualTo(1);
        assertThat(encode(new TerminateRequest(1, Octets.of(new byte[0xffff - 4])))).hasSize(2 * 0xffff);
    }

    @Test
    void optionDataIsLimitedTo253Octets() {
        assertThat(encode(new ConfigureRequest(1, List.of(new LcpOption.Raw(99, Octets.of(new byte[253]))))))
                .startsWith("0101010363ff");
        assertThatThrownBy(() -> new LcpOption.Raw(99, Octets.of(new byte[254]))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void encodeAppendsAtTheWriterIndex() {
        ByteBuf out = Unpooled.buffer();
        out.writeBytes(hex("ff 03 c0 21"));
        ControlPacketCodec.encode(new EchoRequest(1, 0, Octets.EMPTY), out);
        assertThat(HexFormat.of().formatHex(ByteBufUtil.getBytes(out))).isEqualTo("ff03c0210901000800000000");
    }

    @Test
    void recordsRejectOutOfRangeFields() {
        assertThatThrownBy(() -> new TerminateRequest(256, Octets.EMPTY)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new UnknownCode(-1, 0, Octets.EMPTY)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ControlPacket.TimeRemaining(0, 0, 1L << 32, Octets.EMPTY))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ControlPacket.ProtocolReject(0, 0x10000, Octets.EMPTY))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void codeNames() {
        assertThat(ControlCode.name(1)).isEqualTo("Configure-Request");
        assertThat(ControlCode.name(13)).isEqualTo("Time-Remaining");
        assertThat(ControlCode.name(15)).isEqualTo("Reset-Ack");
        assertThat(ControlCode.name(0)).isEqualTo("Code-0");
        assertThat(ControlCode.name(200)).isEqualTo("Code-200");
    }

    static ControlPacket decode(ProtocolKind kind, byte[] bytes) {
        return ControlPacketCodec.decode(kind, Unpooled.wrappedBuffer(bytes));
    }

    static String encode(ControlPacket packet) {
        ByteBuf out = Unpooled.buffer();
        ControlPacketCodec.encode(packet, out);
        return HexFormat.of().formatHex(ByteBufUtil.getBytes(out));
    }

    static byte[] hex(String spaced) {
        return HexFormat.of().parseHex(spaced.replace(" ", ""));
    }
}
