package net.pptpgw.protocol.ppp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Byte-exact PPP frame headers (RFC 1661 §2, §6.5, §6.6; RFC 1662 §3) with and without ACFC/PFC. */
class PppHeaderTest {

    static ByteBuf buffer(String hex) {
        return Unpooled.wrappedBuffer(HexFormat.of().parseHex(hex));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        // frame,                 address/control, protocol, header length, information
        "ff03c02101010004,        true,  c021, 4, 01010004",   // LCP Configure-Request, full header
        "c02101010004,            false, c021, 2, 01010004",   // ACFC (a peer breaking RFC 1661 §6.6: accepted)
        "ff03002145000014,        true,  0021, 4, 45000014",   // IPv4, full header
        "ff032145000014,          true,  0021, 3, 45000014",   // PFC only
        "002145000014,            false, 0021, 2, 45000014",   // ACFC only
        "2145000014,              false, 0021, 1, 45000014",   // ACFC and PFC
        "ff0300fd900100,          true,  00fd, 4, 900100",     // compressed datagram (MPPE)
        "fd900100,                false, 00fd, 1, 900100",
        "80fd01010004,            false, 80fd, 2, 01010004",   // CCP
        "ff03805701010004,        true,  8057, 4, 01010004",   // IPv6CP
        "ff034021beef,            true,  4021, 4, beef",       // unknown protocol: kept
        "ff030020beef,            true,  0020, 4, beef",       // ill-formed (even) protocol: kept for Protocol-Reject
        "ff0321,                  true,  0021, 3, ''",         // empty information
        "ff05c0,                  false, 00ff, 1, 05c0",       // ff not followed by 03: a one-octet protocol 0xff
        "ff,                      false, 00ff, 1, ''",
    })
    void decodes(String frame, boolean addressControl, String protocol, int headerLength, String information) {
        PppHeader header = new PppHeader();
        ByteBuf buffer = buffer(frame);
        assertThat(header.decode(buffer)).isEqualTo(PppDecodeStatus.OK);
        assertThat(header.hasAddressControl()).isEqualTo(addressControl);
        assertThat(header.protocol()).isEqualTo(Integer.parseInt(protocol, 16));
        assertThat(header.headerLength()).isEqualTo(headerLength);
        assertThat(header.isProtocolCompressed()).isEqualTo(headerLength - (addressControl ? 2 : 0) == 1);
        assertThat(header.payloadOffset()).isEqualTo(headerLength);
        assertThat(ByteBufUtil.hexDump(buffer, header.payloadOffset(), header.payloadLength())).isEqualTo(information);
        assertThat(buffer.readerIndex()).isZero();
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource({
        "'',     EMPTY",
        "ff03,   TRUNCATED",
        "ff0380, TRUNCATED",
        "c0,     TRUNCATED",
        "00,     TRUNCATED",
    })
    void rejectsFramesWithoutAProtocolField(String frame, PppDecodeStatus expected) {
        assertThat(new PppHeader().decode(buffer(frame))).isEqualTo(expected);
        assertThatThrownBy(() -> PppFrame.decode(buffer(frame)))
                .isInstanceOfSatisfying(net.pptpgw.protocol.MalformedPacketException.class, e -> {
                    assertThat(e.protocol()).isEqualTo("ppp");
                    assertThat(e.reason()).isEqualTo(expected.reason());
                });
    }

    @Test
    void decodeStaysInsideTheGivenRange() {
        // "ff03" then 0x80 inside the range; the buffer continues with "21", which must not be read.
        ByteBuf buffer = buffer("aaff038021");
        PppHeader header = new PppHeader();
        assertThat(header.decode(buffer, 1, 3)).isEqualTo(PppDecodeStatus.TRUNCATED);
        assertThat(header.decode(buffer, 1, 4)).isEqualTo(PppDecodeStatus.OK);
        assertThat(header.protocol()).isEqualTo(0x8021);
        assertThat(header.payloadOffset()).isEqualTo(5);
        assertThat(header.payloadLength()).isZero();
    }

    @ParameterizedTest(name = "{0} acfc={1} pfc={2}: {3}")
    @CsvSource({
        "c021, false, false, ff03c021",
        "c021, true,  true,  ff03c021",   // RFC 1661 §6.6: never compress address/control for LCP
        "0021, false, false, ff030021",
        "0021, false, true,  ff0321",
        "0021, true,  false, 0021",
        "0021, true,  true,  21",
        "00fd, true,  true,  fd",
        "0057, true,  true,  57",
        "8021, true,  true,  8021",       // NCPs have a non-zero high octet: never one octet
        "c023, true,  true,  c023",       // PAP may lose address/control, unlike LCP
        "c223, false, true,  ff03c223",
        "00ff, true,  true,  00ff",       // reserved: one octet 0xff would read as an address
        "0020, true,  true,  0020",       // even value: one octet would read as the first of two
    })
    void encodes(String protocol, boolean acfc, boolean pfc, String expected) {
        int value = Integer.parseInt(protocol, 16);
        ByteBuf out = Unpooled.buffer();
        PppHeader.writeTo(out, value, acfc, pfc);
        assertThat(ByteBufUtil.hexDump(out)).isEqualTo(expected);
        assertThat(PppHeader.headerLength(value, acfc, pfc)).isEqualTo(expected.length() / 2);
    }

    @Test
    void refusesProtocolsNoReceiverCouldParse() {
        assertThatThrownBy(() -> PppHeader.writeTo(Unpooled.buffer(), 0x0121, false, false))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("0x0121");
        assertThatThrownBy(() -> PppHeader.writeTo(Unpooled.buffer(), 0x10021, false, false))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void prependsIntoHeadroom() {
        ByteBuf packet = Unpooled.buffer(16).writerIndex(4).readerIndex(4).writeBytes(HexFormat.of().parseHex("45000014"));
        PppHeader.prependTo(packet, 0x0021, false, true);
        assertThat(packet.readerIndex()).isOne();
        assertThat(ByteBufUtil.hexDump(packet)).isEqualTo("ff032145000014");

        ByteBuf tight = Unpooled.buffer(16).writerIndex(1).readerIndex(1).writeByte(0x45);
        assertThatThrownBy(() -> PppHeader.prependTo(tight, 0x0021, false, false))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("4 bytes of headroom");
    }

    @Test
    void setIntoDoesNotMoveIndices() {
        ByteBuf out = Unpooled.buffer(8).writerIndex(8);
        assertThat(PppHeader.setInto(out, 2, 0xC021, true, true)).isEqualTo(4);
        assertThat(out.writerIndex()).isEqualTo(8);
        assertThat(ByteBufUtil.hexDump(out, 2, 4)).isEqualTo("ff03c021");
    }
}
