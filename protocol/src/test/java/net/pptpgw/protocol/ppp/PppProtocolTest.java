package net.pptpgw.protocol.ppp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PppProtocolTest {

    @Test
    void namesTheAssignedNumbers() {
        assertThat(PppProtocol.LCP.value()).isEqualTo(0xC021);
        assertThat(PppProtocol.PAP.value()).isEqualTo(0xC023);
        assertThat(PppProtocol.CHAP.value()).isEqualTo(0xC223);
        assertThat(PppProtocol.IPCP.value()).isEqualTo(0x8021);
        assertThat(PppProtocol.CCP.value()).isEqualTo(0x80FD);
        assertThat(PppProtocol.COMPRESSED_DATAGRAM.value()).isEqualTo(0x00FD);
        assertThat(PppProtocol.IPV4.value()).isEqualTo(0x0021);
        assertThat(PppProtocol.IPV6.value()).isEqualTo(0x0057);
        assertThat(PppProtocol.IPV6CP.value()).isEqualTo(0x8057);
        assertThat(PppProtocol.of(0xC021)).isEqualTo(PppProtocol.LCP);
        assertThat(PppProtocol.of(0xC021).name()).isEqualTo("LCP");
        assertThat(PppProtocol.LCP).hasToString("LCP(0xc021)");
    }

    @Test
    void keepsUnknownValues() {
        PppProtocol unknown = PppProtocol.of(0x4321);
        assertThat(unknown.value()).isEqualTo(0x4321);
        assertThat(unknown.isKnown()).isFalse();
        assertThat(unknown.name()).isNull();
        assertThat(unknown).hasToString("0x4321");
        assertThatThrownBy(() -> PppProtocol.of(0x10000)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PppProtocol.of(-1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void classifiesByRange() {
        assertThat(PppProtocol.IPV4.isNetworkLayer()).isTrue();
        assertThat(PppProtocol.COMPRESSED_DATAGRAM.isNetworkLayer()).isTrue();
        assertThat(PppProtocol.IPCP.isNetworkControl()).isTrue();
        assertThat(PppProtocol.CCP.isNetworkControl()).isTrue();
        assertThat(PppProtocol.LCP.isLinkControl()).isTrue();
        assertThat(PppProtocol.CHAP.isLinkControl()).isTrue();
        assertThat(PppProtocol.of(0x4021).isNetworkLayer() || PppProtocol.of(0x4021).isNetworkControl()
                || PppProtocol.of(0x4021).isLinkControl()).isFalse(); // low-volume, no NCP
    }

    @Test
    void wellFormedCompressibleEncodable() {
        assertThat(PppProtocol.LCP.isWellFormed()).isTrue();
        assertThat(PppProtocol.of(0x0020).isWellFormed()).isFalse();
        assertThat(PppProtocol.of(0x0121).isWellFormed()).isFalse();
        assertThat(PppProtocol.IPV4.isCompressible()).isTrue();
        assertThat(PppProtocol.IPCP.isCompressible()).isFalse();
        assertThat(PppProtocol.of(0x00FF).isCompressible()).isFalse();
        assertThat(PppProtocol.of(0x0121).isEncodable()).isFalse();
        assertThat(PppProtocol.of(0x0020).isEncodable()).isTrue();
    }
}
