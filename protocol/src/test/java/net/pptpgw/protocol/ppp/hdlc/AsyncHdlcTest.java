package net.pptpgw.protocol.ppp.hdlc;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** RFC 1662 §4.2 octet stuffing, byte-exact. */
class AsyncHdlcTest {

    static String stuff(String frame, int accm, Fcs fcs) {
        ByteBuf in = Unpooled.wrappedBuffer(HexFormat.of().parseHex(frame));
        ByteBuf out = Unpooled.buffer();
        AsyncHdlc.encode(in, 0, in.readableBytes(), accm, fcs, out);
        assertThat(out.readableBytes()).isLessThanOrEqualTo(AsyncHdlc.maxEncodedLength(in.readableBytes(), fcs));
        return ByteBufUtil.hexDump(out);
    }

    @Test
    void defaultAccmEscapesEveryControlCharacter() {
        assertThat(stuff(HdlcVectors.LCP_CONFIGURE_REQUEST, AsyncHdlc.DEFAULT_ACCM, Fcs.FCS_16))
                .isEqualTo(HdlcVectors.LCP_CONFIGURE_REQUEST_STUFFED);
    }

    @Test
    void fcs32() {
        assertThat(stuff(HdlcVectors.LCP_CONFIGURE_REQUEST, AsyncHdlc.DEFAULT_ACCM, Fcs.FCS_32))
                .isEqualTo(HdlcVectors.LCP_CONFIGURE_REQUEST_STUFFED_FCS32);
    }

    @Test
    void accmSelectsControlCharacters() {
        assertThat(stuff(HdlcVectors.IP_WITH_SPECIALS, 0, Fcs.FCS_16)).isEqualTo(HdlcVectors.IP_WITH_SPECIALS_ACCM_0);
        assertThat(stuff(HdlcVectors.IP_WITH_SPECIALS, 0x000A0000, Fcs.FCS_16))
                .isEqualTo(HdlcVectors.IP_WITH_SPECIALS_ACCM_XON_XOFF);
    }

    @Test
    void needsEscape() {
        assertThat(AsyncHdlc.needsEscape(0x7E, 0)).isTrue();
        assertThat(AsyncHdlc.needsEscape(0x7D, 0)).isTrue();
        assertThat(AsyncHdlc.needsEscape(0x00, 0)).isFalse();
        assertThat(AsyncHdlc.needsEscape(0x00, 1)).isTrue();
        assertThat(AsyncHdlc.needsEscape(0x1F, 0x8000_0000)).isTrue();
        assertThat(AsyncHdlc.needsEscape(0x20, AsyncHdlc.DEFAULT_ACCM)).isFalse();
        assertThat(AsyncHdlc.needsEscape(0xFF, AsyncHdlc.DEFAULT_ACCM)).isFalse();
    }
}
