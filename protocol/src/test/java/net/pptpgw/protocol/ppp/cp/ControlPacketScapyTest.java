package net.pptpgw.protocol.ppp.cp;

import net.pptpgw.protocol.Octets;
import static net.pptpgw.protocol.ppp.cp.ControlPacketVectors.address;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import net.pptpgw.protocol.ppp.ccp.CcpOption;
import net.pptpgw.protocol.ppp.ccp.MppeSupportedBits;
import net.pptpgw.protocol.ppp.cp.ControlPacket.CodeReject;
import net.pptpgw.protocol.ppp.cp.ControlPacket.ConfigureNak;
import net.pptpgw.protocol.ppp.cp.ControlPacket.ConfigureReject;
import net.pptpgw.protocol.ppp.cp.ControlPacket.ConfigureRequest;
import net.pptpgw.protocol.ppp.cp.ControlPacket.DiscardRequest;
import net.pptpgw.protocol.ppp.cp.ControlPacket.EchoReply;
import net.pptpgw.protocol.ppp.cp.ControlPacket.EchoRequest;
import net.pptpgw.protocol.ppp.cp.ControlPacket.Identification;
import net.pptpgw.protocol.ppp.cp.ControlPacket.ProtocolReject;
import net.pptpgw.protocol.ppp.cp.ControlPacket.ResetAck;
import net.pptpgw.protocol.ppp.cp.ControlPacket.ResetRequest;
import net.pptpgw.protocol.ppp.cp.ControlPacket.TerminateAck;
import net.pptpgw.protocol.ppp.cp.ControlPacket.TerminateRequest;
import net.pptpgw.protocol.ppp.cp.ControlPacket.UnknownCode;
import net.pptpgw.protocol.ppp.ipcp.IpcpOption;
import net.pptpgw.protocol.ppp.lcp.ChapAlgorithm;
import net.pptpgw.protocol.ppp.lcp.LcpOption;
import net.pptpgw.protocol.testing.Scapy;
import org.junit.jupiter.api.Test;

/**
 * The reverse direction: Debian's scapy builds LCP, IPCP and CCP packets with its own
 * {@code PPP_LCP_*}, {@code PPP_IPCP*} and (for CCP, which scapy lacks but which has the same
 * packet and option format) {@code PPP_ECP*} classes, and our decoder reads the values scapy
 * was given.
 */
class ControlPacketScapyTest {

    /**
     * @param headerLength octets of scapy's HDLC/PPP header before the Information field
     */
    record Case(ProtocolKind kind, String expression, int headerLength, ControlPacket expected) {}

    @Test
    void decodesWhatScapyBuilds() {
        List<Case> cases = List.of(
                lcp("PPP_LCP_Configure(id=1, options=[PPP_LCP_MRU_Option(max_recv_unit=1400),"
                                + " PPP_LCP_Magic_Number_Option(magic_number=0x12345678), PPP_LCP_Option(type=7),"
                                + " PPP_LCP_Option(type=8), PPP_LCP_Callback_Option(operation=6)])",
                        new ConfigureRequest(1, List.of(new LcpOption.MaximumReceiveUnit(1400),
                                new LcpOption.MagicNumber(0x12345678), new LcpOption.ProtocolFieldCompression(),
                                new LcpOption.AddressControlFieldCompression(), new LcpOption.Callback(6, Octets.EMPTY)))),
                lcp("PPP_LCP_Configure(id=2, options=[PPP_LCP_ACCM_Option(accm=0),"
                                + " PPP_LCP_Auth_Protocol_Option(auth_protocol=0xc223, algorithm=0x81),"
                                + " PPP_LCP_Quality_Protocol_Option(quality_protocol=0xc025, data=b'\\x00\\x00\\x03\\xe8')])",
                        new ConfigureRequest(2, List.of(new LcpOption.AsyncControlCharacterMap(0),
                                LcpOption.AuthenticationProtocol.chap(ChapAlgorithm.MS_CHAP_V2),
                                new LcpOption.QualityProtocol(0xc025, Octets.fromHex("000003e8"))))),
                lcp("PPP_LCP_Configure(code=3, id=3, options=[PPP_LCP_Auth_Protocol_Option(auth_protocol=0xc023),"
                                + " PPP_LCP_Auth_Protocol_Option(auth_protocol=0xc223, algorithm=5)])",
                        new ConfigureNak(3, List.of(LcpOption.AuthenticationProtocol.pap(),
                                LcpOption.AuthenticationProtocol.chap(ChapAlgorithm.MD5)))),
                lcp("PPP_LCP_Configure(code=4, id=4, options=[PPP_LCP_Option(type=0x99, data=b'\\x01\\x02'),"
                                + " PPP_LCP_Option(type=17, data=b'\\x05\\xdc')])",
                        new ConfigureReject(4, List.of(new LcpOption.Raw(0x99, Octets.fromHex("0102")),
                                new LcpOption.MultilinkMrru(1500)))),
                lcp("PPP_LCP_Terminate(code=5, id=5, data=b'bye')", new TerminateRequest(5, ascii("bye"))),
                lcp("PPP_LCP_Terminate(code=6, id=5)", new TerminateAck(5, Octets.EMPTY)),
                lcp("PPP_LCP_Code_Reject(id=6, rejected_packet=PPP_LCP(code=0x20, id=1, data=b'\\xab'))",
                        new CodeReject(6, Octets.fromHex("20010005ab"))),
                lcp("PPP_LCP_Protocol_Reject(id=7, rejected_protocol=0x8057, rejected_information=Raw(b'\\x01\\x01\\x00\\x04'))",
                        new ProtocolReject(7, 0x8057, Octets.fromHex("01010004"))),
                lcp("PPP_LCP_Echo(code=9, id=8, magic_number=0x12345678, data=b'ping')",
                        new EchoRequest(8, 0x12345678, ascii("ping"))),
                lcp("PPP_LCP_Echo(code=10, id=8, magic_number=0x87654321)", new EchoReply(8, 0x87654321, Octets.EMPTY)),
                lcp("PPP_LCP_Discard_Request(id=9, magic_number=0)", new DiscardRequest(9, 0, Octets.EMPTY)),
                lcp("PPP_LCP(code=12, id=10, data=b'\\x12\\x34\\x56\\x78MSRASV5.20')",
                        new Identification(10, 0x12345678, ascii("MSRASV5.20"))),
                new Case(ProtocolKind.LCP, "HDLC()/PPP(proto=0xc021)/PPP_LCP_Echo(code=9, id=11, magic_number=1)", 4,
                        new EchoRequest(11, 1, Octets.EMPTY)),
                new Case(ProtocolKind.IPCP, "PPP_IPCP(code=1, id=1, options=[PPP_IPCP_Option_IPAddress(data='0.0.0.0'),"
                        + " PPP_IPCP_Option_DNS1(data='0.0.0.0'), PPP_IPCP_Option_NBNS1(data='0.0.0.0'),"
                        + " PPP_IPCP_Option_DNS2(data='0.0.0.0'), PPP_IPCP_Option_NBNS2(data='0.0.0.0')])", 0,
                        new ConfigureRequest(1, List.of(new IpcpOption.IpAddress(address("0.0.0.0")),
                                new IpcpOption.PrimaryDnsServer(address("0.0.0.0")), new IpcpOption.PrimaryNbnsServer(address("0.0.0.0")),
                                new IpcpOption.SecondaryDnsServer(address("0.0.0.0")),
                                new IpcpOption.SecondaryNbnsServer(address("0.0.0.0"))))),
                new Case(ProtocolKind.IPCP, "HDLC()/PPP(proto=0x8021)/PPP_IPCP(code=3, id=1, options=["
                        + "PPP_IPCP_Option_IPAddress(data='192.168.0.10'), PPP_IPCP_Option_DNS1(data='8.8.8.8'),"
                        + " PPP_IPCP_Option_DNS2(data='8.8.4.4')])", 4,
                        new ConfigureNak(1, List.of(new IpcpOption.IpAddress(address("192.168.0.10")),
                                new IpcpOption.PrimaryDnsServer(address("8.8.8.8")),
                                new IpcpOption.SecondaryDnsServer(address("8.8.4.4"))))),
                new Case(ProtocolKind.IPCP, "PPP_IPCP(code=4, id=2, options=[PPP_IPCP_Option(type=2, data=b'\\x00\\x2d\\x0f\\x01'),"
                        + " PPP_IPCP_Option(type=1, data=bytes([10, 0, 0, 1, 10, 0, 0, 2]))])", 0,
                        new ConfigureReject(2, List.of(new IpcpOption.VanJacobsonCompression(15, true),
                                new IpcpOption.IpAddresses(address("10.0.0.1"), address("10.0.0.2"))))),
                new Case(ProtocolKind.IPCP, "PPP_IPCP(code=9, id=3)", 0, new UnknownCode(9, 3, Octets.EMPTY)),
                new Case(ProtocolKind.CCP, "PPP_ECP(code=1, id=1, options=[PPP_ECP_Option(type=18, data=b'\\x01\\x00\\x00\\x40')])", 0,
                        new ConfigureRequest(1, List.of(new CcpOption.Mppe(new MppeSupportedBits(0x01000040))))),
                new Case(ProtocolKind.CCP, "PPP_ECP(code=4, id=3, options=[PPP_ECP_Option(type=26, data=b'\\x78\\x00'),"
                        + " PPP_ECP_Option(type=21, data=b'\\x2f')])", 0,
                        new ConfigureReject(3, List.of(new CcpOption.Raw(26, Octets.fromHex("7800")),
                                new CcpOption.Raw(21, Octets.fromHex("2f"))))),
                new Case(ProtocolKind.CCP, "PPP_ECP(code=14, id=2)", 0, new ResetRequest(2, Octets.EMPTY)),
                new Case(ProtocolKind.CCP, "PPP_ECP(code=15, id=2)", 0, new ResetAck(2, Octets.EMPTY)));

        List<byte[]> built = Scapy.build(cases.stream().map(Case::expression).toList());
        List<String> failures = new ArrayList<>();
        for (int i = 0; i < cases.size(); i++) {
            Case c = cases.get(i);
            byte[] bytes = built.get(i);
            ControlPacket decoded = ControlPacketCodec.decode(c.kind(),
                    Unpooled.wrappedBuffer(bytes, c.headerLength(), bytes.length - c.headerLength()));
            if (!decoded.equals(c.expected())) {
                failures.add(c.expression() + "\n  scapy: " + HexFormat.of().formatHex(bytes) + "\n  decoded: " + decoded
                        + "\n  expected: " + c.expected());
            }
        }
        assertThat(failures).isEmpty();
    }

    private static Case lcp(String expression, ControlPacket expected) {
        return new Case(ProtocolKind.LCP, expression, 0, expected);
    }

    private static Octets ascii(String text) {
        return Octets.of(text.getBytes(StandardCharsets.US_ASCII));
    }
}
