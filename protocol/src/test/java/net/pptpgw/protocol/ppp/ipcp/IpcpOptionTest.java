package net.pptpgw.protocol.ppp.ipcp;

import static org.assertj.core.api.Assertions.assertThat;

import net.pptpgw.protocol.ppp.cp.ControlPacketVectors;
import net.pptpgw.protocol.Octets;
import net.pptpgw.protocol.ppp.cp.OptionTlv;
import net.pptpgw.protocol.ppp.cp.ProtocolKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class IpcpOptionTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "IP-Addresses with one address, 01 06 0a 00 00 01",
        "IP-Compression-Protocol without a protocol, 02 03 00",
        "IP-Address of 5 octets, 03 07 0a 00 00 01 00",
        "IP-Address of 0 octets, 03 02",
        "Primary DNS of 3 octets, 81 05 08 08 08",
        "Primary NBNS of 8 octets, 82 0a 08 08 08 08 08 08 08 08",
        "Secondary DNS of 0 octets, 83 02",
        "Secondary NBNS of 2 octets, 84 04 00 00",
        "Mobile-IPv4, 04 06 0a 00 00 05",
    })
    void otherOptionsAndWrongSizesAreKeptRaw(String what, String hex) {
        var option = OptionTlv.decode(ProtocolKind.IPCP, hex);
        assertThat(option).isInstanceOf(IpcpOption.Raw.class);
        assertThat(OptionTlv.encode(option)).isEqualTo(hex.replace(" ", ""));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "VJ with Comp-Slot-Id 2, 02 06 00 2d 0f 02, 002d, 0f02",
        "VJ with a third parameter octet, 02 07 00 2d 0f 01 00, 002d, 0f0100",
        "VJ without parameters (RFC 1172 style), 02 04 00 2d, 002d, ''",
        "IPHC, 02 0e 00 61 00 0f 00 0f 00 ff 00 05 00 a8, 0061, 000f000f00ff000500a8",
    })
    void compressionOtherThanRfc1332VanJacobsonStaysGeneric(String what, String hex, String protocol, String data) {
        var option = OptionTlv.decode(ProtocolKind.IPCP, hex);
        assertThat(option).isEqualTo(new IpcpOption.IpCompressionProtocol(Integer.parseInt(protocol, 16), Octets.fromHex(data)));
        assertThat(OptionTlv.encode(option)).isEqualTo(hex.replace(" ", ""));
    }

    @Test
    void vanJacobsonSlotIds() {
        assertThat(OptionTlv.decode(ProtocolKind.IPCP, "02 06 00 2d 00 00"))
                .isEqualTo(new IpcpOption.VanJacobsonCompression(0, false));
        assertThat(OptionTlv.encode(new IpcpOption.VanJacobsonCompression(255, true))).isEqualTo("0206002dff01");
    }

    @Test
    void addressesEncodeInNetworkOrder() {
        assertThat(OptionTlv.encode(new IpcpOption.IpAddress(ControlPacketVectors.address("192.168.0.10")))).isEqualTo("0306c0a8000a");
        assertThat(OptionTlv.encode(new IpcpOption.SecondaryNbnsServer(ControlPacketVectors.address("10.1.2.3"))))
                .isEqualTo("84060a010203");
    }

    @Test
    void namesFollowRfc1877() {
        assertThat(new IpcpOption.PrimaryDnsServer(ControlPacketVectors.address("8.8.8.8")).typeName())
                .isEqualTo("Primary-DNS-Server-Address");
        assertThat(new IpcpOption.Raw(4, Octets.EMPTY).typeName()).isEqualTo("Mobile-IPv4");
        assertThat(new IpcpOption.Raw(200, Octets.EMPTY).typeName()).isEqualTo("IPCP-Option-200");
    }
}
