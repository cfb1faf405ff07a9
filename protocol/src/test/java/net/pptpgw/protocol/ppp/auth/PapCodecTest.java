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
import net.pptpgw.protocol.ppp.auth.PapPacket.AuthenticateAck;
import net.pptpgw.protocol.ppp.auth.PapPacket.AuthenticateNak;
import net.pptpgw.protocol.ppp.auth.PapPacket.AuthenticateRequest;
import net.pptpgw.protocol.ppp.auth.PapPacket.Unknown;
import net.pptpgw.protocol.testing.Fuzz;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** RFC 1334 §2.2 packets, byte for byte. */
class PapCodecTest {

    static final String REQUEST = "0101000b03626f62027077"; // Request id 1, Peer-ID "bob", Password "pw"
    static final String ACK = "02010007026f6b"; // Ack id 1, "ok"
    static final String NAK = "0302000b0664656e696564"; // Nak id 2, "denied"
    static final String UNKNOWN = "09050006abcd"; // code 9, data ab cd

    @Test
    void authenticateRequest() {
        assertVector(REQUEST, new AuthenticateRequest(1, Octets.utf8("bob"), Octets.utf8("pw")));
    }

    @Test
    void authenticateRequestWithEmptyFields() {
        assertVector("010000060000", new AuthenticateRequest(0, Octets.EMPTY, Octets.EMPTY));
    }

    @Test
    void authenticateAck() {
        assertVector(ACK, new AuthenticateAck(1, Octets.utf8("ok")));
    }

    @Test
    void authenticateNak() {
        assertVector(NAK, new AuthenticateNak(2, Octets.utf8("denied")));
    }

    @Test
    void unknownCodeIsKept() {
        assertVector(UNKNOWN, new Unknown(9, 5, Octets.fromHex("abcd")));
    }

    /** An Ack or Nak of Length 4, without a Msg-Length octet, still says what it says. */
    @Test
    void ackWithoutMessageLengthReadsAsEmptyMessage() {
        assertThat(decode("02070004")).isEqualTo(new AuthenticateAck(7, Octets.EMPTY));
        assertThat(decode("03070004")).isEqualTo(new AuthenticateNak(7, Octets.EMPTY));
    }

    /** Octets after Length are data-link padding (RFC 1334 §2.2); the decoder consumes and ignores them. */
    @Test
    void paddingAfterLengthIsIgnored() {
        ByteBuf in = Unpooled.wrappedBuffer(HexFormat.of().parseHex(ACK + "000000"));
        assertThat(PapCodec.decode(in)).isEqualTo(new AuthenticateAck(1, Octets.utf8("ok")));
        assertThat(in.isReadable()).isFalse();
    }

    @Test
    void octetsAfterThePasswordInsideLengthAreIgnored() {
        assertThat(decode("0101000c03626f6202707799"))
                .isEqualTo(new AuthenticateRequest(1, Octets.utf8("bob"), Octets.utf8("pw")));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource({
        "010100,                 truncated-header",
        "01010003,               bad-length",
        "0101000c03626f62027077, length-beyond-frame",
        "01010004,               missing-field",
        "0101000504,             field-exceeds-packet",
        "01010008036263640270,   missing-field",
        "0101000903626f620270,   field-exceeds-packet",
        "0201000503,             field-exceeds-packet",
    })
    void rejectsLengthsThatDoNotFit(String hex, String reason) {
        assertThatThrownBy(() -> decode(hex))
                .isInstanceOfSatisfying(MalformedPacketException.class, e -> {
                    assertThat(e.protocol()).isEqualTo("pap");
                    assertThat(e.reason()).isEqualTo(reason);
                });
    }

    @Test
    void passwordIsNotPrinted() {
        assertThat(new AuthenticateRequest(1, Octets.utf8("bob"), Octets.utf8("secret")).toString())
                .contains("\"bob\"").doesNotContain("secret").contains("6 octets");
    }

    @Test
    void recordsRejectWhatTheWireCannotCarry() {
        assertThatThrownBy(() -> new AuthenticateRequest(256, Octets.EMPTY, Octets.EMPTY))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new AuthenticateAck(1, Octets.of(new byte[256])))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Unknown(2, 1, Octets.EMPTY)).isInstanceOf(IllegalArgumentException.class);
    }

    @Property
    void roundTrips(@ForAll("papPackets") PapPacket packet) {
        ByteBuf out = Unpooled.buffer();
        PapCodec.encode(packet, out);
        assertThat(out.getUnsignedShort(2)).isEqualTo(out.readableBytes());
        assertThat(PapCodec.decode(out)).isEqualTo(packet);
        assertThat(out.isReadable()).isFalse();
    }

    @Provide
    Arbitrary<PapPacket> papPackets() {
        return AuthArbitraries.papPackets();
    }

    @Test
    void fuzz() {
        List<byte[]> seeds = List.of(REQUEST, ACK, NAK, UNKNOWN, "02070004").stream()
                .map(HexFormat.of()::parseHex).toList();
        Fuzz.run("pap", seeds, in -> {
            PapPacket packet = PapCodec.decode(in);
            ByteBuf out = Unpooled.buffer();
            PapCodec.encode(packet, out);
            assertThat(PapCodec.decode(out)).isEqualTo(packet);
            out.release();
        });
    }

    static PapPacket decode(String hex) {
        return PapCodec.decode(Unpooled.wrappedBuffer(HexFormat.of().parseHex(hex)));
    }

    static void assertVector(String hex, PapPacket packet) {
        ByteBuf out = Unpooled.buffer();
        PapCodec.encode(packet, out);
        assertThat(ByteBufUtil.hexDump(out)).isEqualTo(hex);
        assertThat(decode(hex)).isEqualTo(packet);
    }
}
