package net.pptpgw.protocol.ppp.auth;

import net.pptpgw.protocol.Octets;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.HexFormat;
import java.util.List;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.pptpgw.protocol.MalformedPacketException;
import net.pptpgw.protocol.ppp.auth.ChapPacket.Challenge;
import net.pptpgw.protocol.ppp.auth.ChapPacket.Failure;
import net.pptpgw.protocol.ppp.auth.ChapPacket.Response;
import net.pptpgw.protocol.ppp.auth.ChapPacket.Success;
import net.pptpgw.protocol.ppp.auth.ChapPacket.Unknown;
import net.pptpgw.protocol.testing.Fuzz;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** RFC 1994 §4 packets, byte for byte, and the MS-CHAP values inside them. */
class ChapCodecTest {

    static final String CHALLENGE_VALUE = "000102030405060708090a0b0c0d0e0f";
    /** Challenge id 1, 16-octet value, Name "pptpd". */
    static final String CHALLENGE = "0101001a10" + CHALLENGE_VALUE + "7070747064";
    /** MD5 Response id 1, the value of ChapMd5Test, Name "bob". */
    static final String MD5_RESPONSE = "0201001810b6e36c50fc8b889d9b4636ba777814d0626f62";
    /** MS-CHAPv2 Response id 2 with RFC 2759 §9.2's challenge and NT-Response, Name "User". */
    static final String MS_CHAP_V2_RESPONSE = "0202003a31" + "21402324255e262a28295f2b3a337c7e" + "0000000000000000"
            + "82309ecd8d708b5ea08faa3981cd83544233114a3d85d6df" + "00" + "55736572";
    static final String SUCCESS = "0301000b57656c636f6d65"; // "Welcome"
    static final String FAILURE = "0401000d453d36393120523d30"; // "E=691 R=0"
    static final String CHANGE_PASSWORD = "07030006cafe"; // MS-CHAPv2 code 7, kept as unknown

    @Test
    void challenge() {
        assertVector(CHALLENGE, new Challenge(1, Octets.fromHex(CHALLENGE_VALUE), Octets.utf8("pptpd")));
    }

    @Test
    void challengeWithoutName() {
        assertVector("0109000601aa", new Challenge(9, Octets.fromHex("aa"), Octets.EMPTY));
    }

    @Test
    void md5Response() {
        assertVector(MD5_RESPONSE,
                new Response(1, Octets.fromHex("b6e36c50fc8b889d9b4636ba777814d0"), Octets.utf8("bob")));
    }

    @Test
    void msChapV2Response() {
        MsChapV2Response value = MsChapV2Response.of(MsChapV2Test.PEER_CHALLENGE, MsChapV2Test.NT_RESPONSE);
        assertVector(MS_CHAP_V2_RESPONSE, new Response(2, value.toValue(), Octets.utf8("User")));
        Response decoded = (Response) decode(MS_CHAP_V2_RESPONSE);
        assertThat(MsChapV2Response.parse(decoded.value())).isEqualTo(value);
        assertThat(MsChapV2Response.parse(decoded.value()).ntResponse().toByteArray()).isEqualTo(MsChapV2Test.NT_RESPONSE);
    }

    @Test
    void success() {
        assertVector(SUCCESS, new Success(1, Octets.utf8("Welcome")));
        assertVector("03050004", new Success(5, Octets.EMPTY));
    }

    @Test
    void failure() {
        assertVector(FAILURE, new Failure(1, Octets.utf8("E=691 R=0")));
    }

    @Test
    void unknownCodeIsKept() {
        assertVector(CHANGE_PASSWORD, new Unknown(7, 3, Octets.fromHex("cafe")));
    }

    @Test
    void paddingAfterLengthIsIgnored() {
        ByteBuf in = Unpooled.wrappedBuffer(HexFormat.of().parseHex(SUCCESS + "0000"));
        assertThat(ChapCodec.decode(in)).isEqualTo(new Success(1, Octets.utf8("Welcome")));
        assertThat(in.isReadable()).isFalse();
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource({
        "0101,               truncated-header",
        "01010002,           bad-length",
        "030100090102,       length-beyond-frame",
        "01010004,           missing-field",
        "02010004,           missing-field",
        "0101000500,         empty-value",
        "0101000510,         field-exceeds-packet",
        "0101000702aa,       length-beyond-frame",
        "0101000602aa,       field-exceeds-packet",
    })
    void rejectsLengthsThatDoNotFit(String hex, String reason) {
        assertThatThrownBy(() -> decode(hex))
                .isInstanceOfSatisfying(MalformedPacketException.class, e -> {
                    assertThat(e.protocol()).isEqualTo("chap");
                    assertThat(e.reason()).isEqualTo(reason);
                });
    }

    @Test
    void msChapV1ResponseValue() {
        byte[] ntResponse = MsChapV1.ntChallengeResponse(MsChapV1Test.CHALLENGE, "MyPw");
        MsChapV1Response value = MsChapV1Response.ofNtResponse(ntResponse);
        Octets wire = value.toValue();
        assertThat(wire.toUpperHex()).isEqualTo("00".repeat(24) + "4E9D3C8F9CFD385D5BF4D3246791956CA4C351AB409A3D61" + "01");
        assertThat(MsChapV1Response.parse(wire)).isEqualTo(value);
        assertThat(value.useNtResponse()).isTrue();
    }

    @Test
    void msChapResponseValuesOfTheWrongSizeAreMalformed() {
        assertThatThrownBy(() -> MsChapV2Response.parse(Octets.of(new byte[48])))
                .isInstanceOfSatisfying(MalformedPacketException.class,
                        e -> assertThat(e.reason()).isEqualTo("bad-ms-chap-v2-response"));
        assertThatThrownBy(() -> MsChapV1Response.parse(Octets.of(new byte[50])))
                .isInstanceOfSatisfying(MalformedPacketException.class,
                        e -> assertThat(e.reason()).isEqualTo("bad-ms-chap-v1-response"));
    }

    @Property
    void roundTrips(@ForAll("chapPackets") ChapPacket packet) {
        ByteBuf out = Unpooled.buffer();
        ChapCodec.encode(packet, out);
        assertThat(out.getUnsignedShort(2)).isEqualTo(out.readableBytes());
        assertThat(ChapCodec.decode(out)).isEqualTo(packet);
    }

    @Property
    void msChapV2ResponseValuesRoundTrip(@ForAll("responseValues") Octets value) {
        assertThat(MsChapV2Response.parse(value).toValue()).isEqualTo(value);
        assertThat(MsChapV1Response.parse(value).toValue()).isEqualTo(value);
    }

    @Provide
    Arbitrary<ChapPacket> chapPackets() {
        return AuthArbitraries.chapPackets();
    }

    @Provide
    Arbitrary<Octets> responseValues() {
        return AuthArbitraries.octets(49, 49);
    }

    @Test
    void fuzz() {
        List<byte[]> seeds = List.of(CHALLENGE, MD5_RESPONSE, MS_CHAP_V2_RESPONSE, SUCCESS, FAILURE, CHANGE_PASSWORD)
                .stream().map(HexFormat.of()::parseHex).toList();
        Fuzz.run("chap", seeds, in -> {
            ChapPacket packet = ChapCodec.decode(in);
            ByteBuf out = Unpooled.buffer();
            ChapCodec.encode(packet, out);
            assertThat(ChapCodec.decode(out)).isEqualTo(packet);
            out.release();
            if (packet instanceof Response response) {
                MsChapV2Response.parse(response.value());
            }
        });
    }

    static ChapPacket decode(String hex) {
        return ChapCodec.decode(Unpooled.wrappedBuffer(HexFormat.of().parseHex(hex)));
    }

    static void assertVector(String hex, ChapPacket packet) {
        ByteBuf out = Unpooled.buffer();
        ChapCodec.encode(packet, out);
        assertThat(ByteBufUtil.hexDump(out)).isEqualTo(hex);
        assertThat(decode(hex)).isEqualTo(packet);
    }
}
