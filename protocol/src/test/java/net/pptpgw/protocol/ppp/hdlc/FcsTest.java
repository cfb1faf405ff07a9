package net.pptpgw.protocol.ppp.hdlc;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/** RFC 1662 Appendix C frame check sequences. */
class FcsTest {

    @Test
    void tablesMatchTheRfc() {
        // update(0, b) is fcstab[b]; entries as printed in RFC 1662 §C.2 and §C.3.
        int[] first16 = {0x0000, 0x1189, 0x2312, 0x329b, 0x4624, 0x57ad, 0x6536, 0x74bf};
        for (int b = 0; b < first16.length; b++) {
            assertThat(Fcs.FCS_16.update(0, b)).isEqualTo(first16[b]);
        }
        assertThat(Fcs.FCS_16.update(0, 0xFF)).isEqualTo(0x0f78);
        assertThat(Fcs.FCS_32.update(0, 1)).isEqualTo(0x77073096);
        assertThat(Fcs.FCS_32.update(0, 2)).isEqualTo(0xee0e612c);
        assertThat(Fcs.FCS_32.update(0, 0xFF)).isEqualTo(0x2d02ef8d);
    }

    @Test
    void checkValuesOfTheStandardString() {
        // The published check values of CRC-16/X-25 (the PPP FCS-16) and CRC-32 over "123456789".
        ByteBuf check = Unpooled.copiedBuffer("123456789", StandardCharsets.US_ASCII);
        assertThat(Fcs.FCS_16.transmitted(Fcs.FCS_16.update(Fcs.FCS_16.initial(), check, 0, 9))).isEqualTo(0x906E);
        assertThat(Fcs.FCS_32.transmitted(Fcs.FCS_32.update(Fcs.FCS_32.initial(), check, 0, 9))).isEqualTo(0xCBF43926);
    }

    @Test
    void goodValuesAreTheRfcConstants() {
        assertThat(Fcs.FCS_16.initial()).isEqualTo(0xFFFF);
        assertThat(Fcs.FCS_16.good()).isEqualTo(0xF0B8);
        assertThat(Fcs.FCS_32.initial()).isEqualTo(0xFFFFFFFF);
        assertThat(Fcs.FCS_32.good()).isEqualTo(0xDEBB20E3);
    }

    @Property
    void aFrameFollowedByItsFcsLeavesTheGoodValue(@ForAll @Size(max = 200) byte[] frame) {
        for (Fcs fcs : Fcs.values()) {
            ByteBuf buffer = Unpooled.buffer().writeBytes(frame);
            int transmitted = fcs.transmitted(fcs.update(fcs.initial(), buffer, 0, frame.length));
            for (int i = 0; i < fcs.length(); i++) {
                buffer.writeByte(transmitted >>> (8 * i)); // least significant octet first
            }
            assertThat(fcs.update(fcs.initial(), buffer, 0, buffer.readableBytes())).isEqualTo(fcs.good());
        }
    }
}
