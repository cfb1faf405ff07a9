package net.pptpgw.protocol.ppp.fsm;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import net.pptpgw.protocol.ppp.cp.ControlPacket;
import net.pptpgw.protocol.ppp.cp.ControlPacket.ConfigureRequest;
import net.pptpgw.protocol.ppp.cp.ControlPacketCodec;
import net.pptpgw.protocol.ppp.cp.ProtocolKind;
import net.pptpgw.protocol.ppp.fsm.Rfc1661TransitionTableTest.Recorder;
import net.pptpgw.protocol.testing.Scapy;
import org.junit.jupiter.api.Test;

/**
 * Peers built by someone else: Debian's scapy writes the packets a Windows client or pppd would
 * send, our decoder reads them, and the server-side automata must answer as the policies say,
 * octet for octet.
 */
class ScapyPeerTest {

    @Test
    void serverAnswersScapyBuiltPeers() {
        List<byte[]> built = Scapy.build(List.of(
                // 0: Windows LCP request: MRU 1400, magic, PFC, ACFC, callback via CBCP.
                "PPP_LCP_Configure(id=1, options=[PPP_LCP_MRU_Option(max_recv_unit=1400),"
                        + " PPP_LCP_Magic_Number_Option(magic_number=0x12345678), PPP_LCP_Option(type=7),"
                        + " PPP_LCP_Option(type=8), PPP_LCP_Callback_Option(operation=6)])",
                // 1: the same without the rejected callback.
                "PPP_LCP_Configure(id=2, options=[PPP_LCP_MRU_Option(max_recv_unit=1400),"
                        + " PPP_LCP_Magic_Number_Option(magic_number=0x12345678), PPP_LCP_Option(type=7),"
                        + " PPP_LCP_Option(type=8)])",
                // 2: the client Naks our first request (Identifier 1), MS-CHAPv2, with CHAP-MD5.
                "PPP_LCP_Configure(code=3, id=1, options=[PPP_LCP_Auth_Protocol_Option(auth_protocol=0xc223, algorithm=5)])",
                // 3: Windows IPCP request, everything 0.0.0.0.
                "PPP_IPCP(code=1, id=1, options=[PPP_IPCP_Option_IPAddress(data='0.0.0.0'),"
                        + " PPP_IPCP_Option_DNS1(data='0.0.0.0'), PPP_IPCP_Option_NBNS1(data='0.0.0.0'),"
                        + " PPP_IPCP_Option_DNS2(data='0.0.0.0')])",
                // 4: CCP request with H S L (scapy has no CCP class; ECP shares the format).
                "PPP_ECP(code=1, id=1, options=[PPP_ECP_Option(type=18, data=b'\\x01\\x00\\x00\\x60')])"));

        Recorder recorder = new Recorder();
        OptionNegotiationAutomaton lcp = new OptionNegotiationAutomaton(
                new LcpPolicy(LcpSettings.server(List.of(AuthenticationMethod.MS_CHAP_V2, AuthenticationMethod.CHAP_MD5)),
                        new SplittableRandom(5)), recorder, AutomatonConfig.DEFAULTS, 1);
        lcp.open();
        lcp.up();
        assertThat(lcp.lastRequest().orElseThrow().identifier()).isEqualTo(1);

        lcp.receive(decode(ProtocolKind.LCP, built.get(0)));
        assertThat(hex(recorder.sent.getLast())).isEqualTo("04010007" + "0d0306");
        lcp.receive(decode(ProtocolKind.LCP, built.get(1)));
        assertThat(hex(recorder.sent.getLast())).isEqualTo("0202" + hex(built.get(1)).substring(4));
        assertThat(lcp.state()).isEqualTo(State.ACK_SENT);

        lcp.receive(decode(ProtocolKind.LCP, built.get(2)));
        ConfigureRequest next = (ConfigureRequest) recorder.sent.getLast();
        assertThat(next.options()).contains(AuthenticationMethod.CHAP_MD5.option())
                .doesNotContain(AuthenticationMethod.MS_CHAP_V2.option());

        Recorder ipcpRecorder = new Recorder();
        OptionNegotiationAutomaton ipcp = new OptionNegotiationAutomaton(new IpcpPolicy(IpcpNegotiationTest.SERVER_SETTINGS),
                ipcpRecorder, AutomatonConfig.DEFAULTS, 1);
        ipcp.open();
        ipcp.up();
        ipcp.receive(decode(ProtocolKind.IPCP, built.get(3)));
        assertThat(hex(ipcpRecorder.sent.getLast())).isEqualTo("0301001c" + "03060a000002" + "8106c0000235"
                + "8206c0000289" + "8306c0000236");

        Recorder ccpRecorder = new Recorder();
        OptionNegotiationAutomaton ccp = new OptionNegotiationAutomaton(
                new CcpPolicy(CcpSettings.require128Stateless(), true), ccpRecorder, AutomatonConfig.DEFAULTS, 1);
        ccp.open();
        ccp.up();
        ccp.receive(decode(ProtocolKind.CCP, built.get(4)));
        assertThat(hex(ccpRecorder.sent.getLast())).isEqualTo("0301000a" + "120601000040");
    }

    private static ControlPacket decode(ProtocolKind kind, byte[] octets) {
        return ControlPacketCodec.decode(kind, Unpooled.wrappedBuffer(octets));
    }

    private static String hex(ControlPacket packet) {
        return IpcpNegotiationTest.hex(packet);
    }

    private static String hex(byte[] octets) {
        return HexFormat.of().formatHex(octets);
    }
}
