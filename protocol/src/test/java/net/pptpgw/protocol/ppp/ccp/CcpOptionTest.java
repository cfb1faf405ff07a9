package net.pptpgw.protocol.ppp.ccp;

import static org.assertj.core.api.Assertions.assertThat;

import net.pptpgw.protocol.Octets;
import net.pptpgw.protocol.ppp.cp.OptionTlv;
import net.pptpgw.protocol.ppp.cp.ProtocolKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CcpOptionTest {

    @Test
    void mppe128BitStatelessAsPptpClientsRequestIt() {
        var option = OptionTlv.decode(ProtocolKind.CCP, "12 06 01 00 00 40");
        assertThat(option).isEqualTo(new CcpOption.Mppe(MppeSupportedBits.NONE
                .with(MppeSupportedBits.STATELESS).with(MppeSupportedBits.KEY_128_BIT)));
        MppeSupportedBits bits = ((CcpOption.Mppe) option).supportedBits();
        assertThat(bits.stateless()).isTrue();
        assertThat(bits.key128Bit()).isTrue();
        assertThat(bits.key56Bit()).isFalse();
        assertThat(bits.key40Bit()).isFalse();
        assertThat(bits.mppcCompression()).isFalse();
        assertThat(bits.encryption()).isTrue();
        assertThat(bits.toString()).isEqualTo("MppeSupportedBits[0x01000040 H S]");
    }

    @Test
    void mppcCompressionOnlyIsNotEncryption() {
        MppeSupportedBits mppc = ((CcpOption.Mppe) OptionTlv.decode(ProtocolKind.CCP, "12 06 00 00 00 01")).supportedBits();
        assertThat(mppc.mppcCompression()).isTrue();
        assertThat(mppc.encryption()).isFalse();
    }

    @Test
    void unknownSupportedBitsAreKept() {
        var option = (CcpOption.Mppe) OptionTlv.decode(ProtocolKind.CCP, "12 06 80 00 02 60");
        MppeSupportedBits bits = option.supportedBits();
        assertThat(bits.unknownBits()).isEqualTo(0x80000200);
        assertThat(bits.without(bits.unknownBits())).isEqualTo(new MppeSupportedBits(0x60));
        assertThat(bits.toString()).isEqualTo("MppeSupportedBits[0x80000260 S L unknown=0x80000200]");
        assertThat(OptionTlv.encode(option)).isEqualTo("120680000260");
        assertThat(MppeSupportedBits.NONE.toString()).isEqualTo("MppeSupportedBits[0x00000000]");
    }

    @Test
    void namedBitsMatchRfc3078() {
        assertThat(MppeSupportedBits.STATELESS).isEqualTo(0x01000000);
        assertThat(MppeSupportedBits.KEY_56_BIT).isEqualTo(0x80);
        assertThat(MppeSupportedBits.KEY_128_BIT).isEqualTo(0x40);
        assertThat(MppeSupportedBits.KEY_40_BIT).isEqualTo(0x20);
        assertThat(MppeSupportedBits.OBSOLETE_D).isEqualTo(0x10);
        assertThat(MppeSupportedBits.MPPC_COMPRESSION).isEqualTo(0x01);
        assertThat(new MppeSupportedBits(0x010000f1).toString()).isEqualTo("MppeSupportedBits[0x010000f1 H M S L D C]");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "MPPE with 3 octets, 12 05 01 00 00, Microsoft-PPC (MPPC/MPPE)",
        "MPPE with 5 octets, 12 07 01 00 00 40 00, Microsoft-PPC (MPPC/MPPE)",
        "Deflate, 1a 04 78 00, Deflate",
        "BSD-Compress, 15 03 2f, BSD-Compress",
        "Predictor type 1, 01 02, Predictor-type-1",
        "Predictor type 2, 02 02, Predictor-type-2",
        "Stac LZS, 11 05 00 01 04, Stac-Electronics-LZS",
        "OUI, 00 06 00 00 5e 01, OUI",
        "unassigned, 63 02, CCP-Option-99",
    })
    void otherMethodsAreKeptRawWithTheirName(String what, String hex, String name) {
        var option = OptionTlv.decode(ProtocolKind.CCP, hex);
        assertThat(option).isInstanceOf(CcpOption.Raw.class);
        assertThat(option.typeName()).isEqualTo(name);
        assertThat(OptionTlv.encode(option)).isEqualTo(hex.replace(" ", ""));
    }

    @Test
    void rawKeepsItsOctets() {
        assertThat(OptionTlv.decode(ProtocolKind.CCP, "1a 04 78 00")).isEqualTo(new CcpOption.Raw(26, Octets.fromHex("7800")));
    }
}
