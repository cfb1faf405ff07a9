package net.pptpgw.protocol.ppp.lcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import net.pptpgw.protocol.Octets;
import net.pptpgw.protocol.ppp.cp.OptionTlv;
import net.pptpgw.protocol.ppp.cp.ProtocolKind;
import net.pptpgw.protocol.ppp.lcp.LcpOption.AuthenticationProtocol;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LcpOptionTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "MRU of 3 octets, 01 05 05 dc 00",
        "MRU of 1 octet, 01 03 05",
        "ACCM of 2 octets, 02 04 00 00",
        "Authentication-Protocol of 1 octet, 03 03 c0",
        "Quality-Protocol without a protocol, 04 02",
        "Magic-Number of 0 octets, 05 02",
        "Magic-Number of 5 octets, 05 07 01 02 03 04 05",
        "PFC with data, 07 03 00",
        "ACFC with data, 08 04 00 00",
        "Callback without operation, 0d 02",
        "MRRU of 3 octets, 11 05 05 dc 00",
        "Endpoint-Discriminator without class, 13 02",
    })
    void knownOptionWithWrongSizeIsKeptRawForConfigureReject(String what, String hex) {
        var option = OptionTlv.decode(ProtocolKind.LCP, hex);
        assertThat(option).isInstanceOf(LcpOption.Raw.class);
        assertThat(OptionTlv.encode(option)).isEqualTo(hex.replace(" ", ""));
    }

    @Test
    void chapAlgorithmIsReadFromTheAuthenticationProtocolOption() {
        assertThat(decodeAuth("03 05 c2 23 81").chapAlgorithm()).contains(ChapAlgorithm.MS_CHAP_V2);
        assertThat(decodeAuth("03 05 c2 23 80").chapAlgorithm()).contains(ChapAlgorithm.MS_CHAP);
        assertThat(decodeAuth("03 05 c2 23 05").chapAlgorithm()).contains(ChapAlgorithm.MD5);
        assertThat(decodeAuth("03 04 c0 23").chapAlgorithm()).isEmpty();
        assertThat(decodeAuth("03 04 c2 23").chapAlgorithm()).as("CHAP without its Algorithm octet").isEmpty();
        assertThat(decodeAuth("03 06 c2 23 05 00").chapAlgorithm()).isEmpty();
    }

    @Test
    void unknownChapAlgorithmIsKept() {
        AuthenticationProtocol sha1 = decodeAuth("03 05 c2 23 06");
        assertThat(sha1.chapAlgorithm()).contains(new ChapAlgorithm(6));
        assertThat(sha1.chapAlgorithm().orElseThrow().name()).isEqualTo("Algorithm-6");
        assertThat(OptionTlv.encode(sha1)).isEqualTo("0305c22306");
        assertThat(ChapAlgorithm.MS_CHAP_V2.name()).isEqualTo("MS-CHAPv2");
    }

    @Test
    void eapHasNoData() {
        assertThat(decodeAuth("03 04 c2 27")).isEqualTo(new AuthenticationProtocol(AuthenticationProtocol.EAP, Octets.EMPTY));
    }

    @Test
    void namesFollowTheRegistry() {
        assertThat(new LcpOption.MaximumReceiveUnit(1400).typeName()).isEqualTo("Maximum-Receive-Unit");
        assertThat(new LcpOption.AddressControlFieldCompression().typeName()).isEqualTo("Address-and-Control-Field-Compression");
        assertThat(new LcpOption.Raw(18, Octets.EMPTY).typeName()).isEqualTo("Multilink-Short-Sequence-Number-Header-Format");
        assertThat(new LcpOption.Raw(0, Octets.EMPTY).typeName()).isEqualTo("Vendor-Specific");
        assertThat(new LcpOption.Raw(200, Octets.EMPTY).typeName()).isEqualTo("LCP-Option-200");
        assertThat(new LcpOption.Raw(200, Octets.fromHex("01")).toString()).isEqualTo("Raw[LCP-Option-200 (200), data=0x01]");
    }

    @Test
    void valuesPrintInHex() {
        assertThat(new LcpOption.MagicNumber(0x5e630ab8).toString()).isEqualTo("MagicNumber[0x5e630ab8]");
        assertThat(new LcpOption.AsyncControlCharacterMap(0x000a0000).toString()).contains("0x000a0000");
    }

    @Test
    void constructorsRejectValuesTheWireCannotCarry() {
        assertThatThrownBy(() -> new LcpOption.MaximumReceiveUnit(65536)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new LcpOption.Callback(256, Octets.EMPTY)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new AuthenticationProtocol(0xc223, Octets.of(new byte[252])))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ChapAlgorithm(256)).isInstanceOf(IllegalArgumentException.class);
    }

    private static AuthenticationProtocol decodeAuth(String hex) {
        return (AuthenticationProtocol) OptionTlv.decode(ProtocolKind.LCP, hex);
    }
}
