package net.pptpgw.protocol.ppp.cp;

import net.pptpgw.protocol.Octets;
import java.net.Inet4Address;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.pptpgw.protocol.ppp.ccp.CcpOption;
import net.pptpgw.protocol.ppp.ccp.MppeSupportedBits;
import net.pptpgw.protocol.ppp.cp.ControlPacket.CodeReject;
import net.pptpgw.protocol.ppp.cp.ControlPacket.ConfigureAck;
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
import net.pptpgw.protocol.ppp.cp.ControlPacket.TimeRemaining;
import net.pptpgw.protocol.ppp.cp.ControlPacket.UnknownCode;
import net.pptpgw.protocol.ppp.ipcp.IpcpOption;
import net.pptpgw.protocol.ppp.lcp.ChapAlgorithm;
import net.pptpgw.protocol.ppp.lcp.LcpOption;

/**
 * Byte-exact vectors for every packet code of LCP, IPCP and CCP and every named option: the
 * octets (laid out from the RFC diagrams, or as Windows and pppd send them), the packet they
 * decode to, and what tshark must read in them. One table serves the codec test, the tshark
 * test and the fuzzer's seeds.
 */
public final class ControlPacketVectors {

    /**
     * @param name what the vector shows
     * @param kind the protocol that carries it
     * @param hex the PPP Information field
     * @param packet what it decodes to and encodes from
     * @param tshark field values tshark must show for it (joined with "," when repeated); empty
     *     when tshark is not asked about it (codes a protocol does not define, which tshark
     *     marks malformed as it should)
     */
    public record Vector(String name, ProtocolKind kind, String hex, ControlPacket packet, Map<String, String> tshark) {
        public byte[] bytes() {
            return HexFormat.of().parseHex(hex.replace(" ", ""));
        }

        @Override
        public String toString() {
            return kind + " " + name;
        }
    }

    private ControlPacketVectors() {}

    public static List<Vector> all() {
        List<Vector> all = new ArrayList<>();
        all.addAll(lcp());
        all.addAll(ipcp());
        all.addAll(ccp());
        return all;
    }

    public static List<Vector> of(ProtocolKind kind) {
        return all().stream().filter(v -> v.kind() == kind).toList();
    }

    public static List<Vector> lcp() {
        ProtocolKind k = ProtocolKind.LCP;
        return List.of(
                new Vector("Windows Configure-Request: MRU 1400, magic, PFC, ACFC, callback via CBCP", k,
                        "01 01 00 15 01 04 05 78 05 06 12 34 56 78 07 02 08 02 0d 03 06",
                        new ConfigureRequest(1, List.of(new LcpOption.MaximumReceiveUnit(1400),
                                new LcpOption.MagicNumber(0x12345678), new LcpOption.ProtocolFieldCompression(),
                                new LcpOption.AddressControlFieldCompression(),
                                new LcpOption.Callback(LcpOption.Callback.CALLBACK_CONTROL_PROTOCOL, Octets.EMPTY))),
                        fields("ppp.code", "1", "ppp.identifier", "1", "ppp.length", "21", "lcp.opt.type", "1,5,7,8,13",
                                "lcp.opt.mru", "1400", "lcp.opt.magic_number", "0x12345678", "lcp.opt.operation", "6")),
                new Vector("pppd Configure-Request: ACCM 0, CHAP MS-CHAPv2, magic, PFC, ACFC", k,
                        "01 01 00 19 02 06 00 00 00 00 03 05 c2 23 81 05 06 5e 63 0a b8 07 02 08 02",
                        new ConfigureRequest(1, List.of(new LcpOption.AsyncControlCharacterMap(0),
                                LcpOption.AuthenticationProtocol.chap(ChapAlgorithm.MS_CHAP_V2),
                                new LcpOption.MagicNumber(0x5e630ab8), new LcpOption.ProtocolFieldCompression(),
                                new LcpOption.AddressControlFieldCompression())),
                        fields("ppp.code", "1", "ppp.length", "25", "lcp.opt.type", "2,3,5,7,8",
                                "lcp.opt.asyncmap", "0x00000000", "lcp.opt.auth_protocol", "0xc223",
                                "lcp.opt.algorithm", "129", "lcp.opt.magic_number", "0x5e630ab8")),
                new Vector("Configure-Request: PAP, multilink MRRU, endpoint discriminator (MAC), short sequence numbers", k,
                        "01 02 00 17 03 04 c0 23 11 04 05 dc 13 09 03 00 11 22 33 44 55 12 02",
                        new ConfigureRequest(2, List.of(LcpOption.AuthenticationProtocol.pap(),
                                new LcpOption.MultilinkMrru(1500),
                                new LcpOption.EndpointDiscriminator(LcpOption.EndpointDiscriminator.IEEE_802_1_ADDRESS,
                                        Octets.fromHex("001122334455")),
                                new LcpOption.Raw(18, Octets.EMPTY))),
                        fields("ppp.identifier", "2", "lcp.opt.type", "3,17,19,18", "lcp.opt.auth_protocol", "0xc023",
                                "lcp.opt.mrru", "1500", "lcp.opt.ep_disc_class", "3",
                                "lcp.opt.802_1_address", "00:11:22:33:44:55")),
                new Vector("Configure-Request: Quality-Protocol LQR, reporting period 10 s (RFC 1989 §2.5)", k,
                        "01 03 00 0c 04 08 c0 25 00 00 03 e8",
                        new ConfigureRequest(3, List.of(new LcpOption.QualityProtocol(
                                LcpOption.QualityProtocol.LINK_QUALITY_REPORT, Octets.fromHex("000003e8")))),
                        fields("ppp.code", "1", "lcp.opt.type", "4", "lcp.opt.quality_protocol", "0xc025")),
                new Vector("Configure-Ack of the Windows request", k,
                        "02 01 00 15 01 04 05 78 05 06 12 34 56 78 07 02 08 02 0d 03 06",
                        new ConfigureAck(1, List.of(new LcpOption.MaximumReceiveUnit(1400),
                                new LcpOption.MagicNumber(0x12345678), new LcpOption.ProtocolFieldCompression(),
                                new LcpOption.AddressControlFieldCompression(),
                                new LcpOption.Callback(LcpOption.Callback.CALLBACK_CONTROL_PROTOCOL, Octets.EMPTY))),
                        fields("ppp.code", "2", "ppp.identifier", "1", "lcp.opt.type", "1,5,7,8,13")),
                new Vector("Configure-Nak: MRU 1400, CHAP MD5", k,
                        "03 03 00 0d 01 04 05 78 03 05 c2 23 05",
                        new ConfigureNak(3, List.of(new LcpOption.MaximumReceiveUnit(1400),
                                LcpOption.AuthenticationProtocol.chap(ChapAlgorithm.MD5))),
                        fields("ppp.code", "3", "lcp.opt.type", "1,3", "lcp.opt.mru", "1400", "lcp.opt.algorithm", "5")),
                new Vector("Configure-Reject: callback and an unknown option, verbatim", k,
                        "04 04 00 0d 0d 03 06 99 06 01 02 03 04",
                        new ConfigureReject(4, List.of(
                                new LcpOption.Callback(LcpOption.Callback.CALLBACK_CONTROL_PROTOCOL, Octets.EMPTY),
                                new LcpOption.Raw(0x99, Octets.fromHex("01020304")))),
                        fields("ppp.code", "4", "ppp.identifier", "4", "lcp.opt.type", "13")),
                new Vector("Configure-Request: MS-CHAP (v1)", k,
                        "01 05 00 09 03 05 c2 23 80",
                        new ConfigureRequest(5, List.of(LcpOption.AuthenticationProtocol.chap(ChapAlgorithm.MS_CHAP))),
                        fields("lcp.opt.auth_protocol", "0xc223", "lcp.opt.algorithm", "128")),
                new Vector("Terminate-Request 'User request' (pppd)", k,
                        "05 04 00 10 55 73 65 72 20 72 65 71 75 65 73 74",
                        new TerminateRequest(4, ascii("User request")),
                        fields("ppp.code", "5", "ppp.identifier", "4", "ppp.length", "16", "ppp.data", "557365722072657175657374")),
                new Vector("Terminate-Ack", k, "06 04 00 04", new TerminateAck(4, Octets.EMPTY),
                        fields("ppp.code", "6", "ppp.identifier", "4", "ppp.length", "4")),
                new Vector("Code-Reject quoting a packet with code 0x20", k, "07 05 00 0a 20 01 00 06 ab cd",
                        new CodeReject(5, Octets.fromHex("20010006abcd")),
                        fields("ppp.code", "7", "ppp.identifier", "5", "ppp.length", "10", "ppp.data", "20010006abcd")),
                new Vector("Protocol-Reject of IPV6CP", k, "08 06 00 0a 80 57 01 01 00 04",
                        new ProtocolReject(6, 0x8057, Octets.fromHex("01010004")),
                        // tshark dissects the quoted IPV6CP packet too: its code and length follow.
                        fields("ppp.code", "8,1", "ppp.identifier", "6,1", "lcp.rej_proto", "0x8057")),
                new Vector("Echo-Request", k, "09 07 00 08 12 34 56 78", new EchoRequest(7, 0x12345678, Octets.EMPTY),
                        fields("ppp.code", "9", "ppp.identifier", "7", "lcp.magic_number", "0x12345678")),
                new Vector("Echo-Reply with data", k, "0a 07 00 0c 87 65 43 21 de ad be ef",
                        new EchoReply(7, 0x87654321, Octets.fromHex("deadbeef")),
                        fields("ppp.code", "10", "lcp.magic_number", "0x87654321", "lcp.data", "deadbeef")),
                new Vector("Discard-Request without magic number", k, "0b 08 00 08 00 00 00 00",
                        new DiscardRequest(8, 0, Octets.EMPTY),
                        fields("ppp.code", "11", "ppp.identifier", "8", "lcp.magic_number", "0x00000000")),
                new Vector("Identification 'MSRASV5.20' (Windows)", k,
                        "0c 09 00 12 12 34 56 78 4d 53 52 41 53 56 35 2e 32 30",
                        new Identification(9, 0x12345678, ascii("MSRASV5.20")),
                        fields("ppp.code", "12", "ppp.length", "18", "lcp.magic_number", "0x12345678", "lcp.message", "MSRASV5.20")),
                new Vector("Time-Remaining 3600 s", k, "0d 0a 00 0c 12 34 56 78 00 00 0e 10",
                        new TimeRemaining(10, 0x12345678, 3600, Octets.EMPTY),
                        fields("ppp.code", "13", "lcp.secs_remaining", "3600")),
                new Vector("Time-Remaining 4294967295 s with a message", k, "0d 0b 00 0e 00 00 00 00 ff ff ff ff 68 69",
                        new TimeRemaining(11, 0, 0xffff_ffffL, ascii("hi")),
                        fields("ppp.code", "13", "lcp.secs_remaining", "4294967295", "lcp.message", "hi")),
                new Vector("Reset-Request is not an LCP code", k, "0e 0b 00 06 ab cd",
                        new UnknownCode(14, 11, Octets.fromHex("abcd")), Map.of()),
                new Vector("Vendor-Specific code 0 (RFC 2153) is kept as an unknown code", k, "00 0c 00 04",
                        new UnknownCode(0, 12, Octets.EMPTY), Map.of()));
    }

    public static List<Vector> ipcp() {
        ProtocolKind k = ProtocolKind.IPCP;
        Inet4Address any = address("0.0.0.0");
        return List.of(
                new Vector("Windows Configure-Request: address, DNS and WINS all 0.0.0.0", k,
                        "01 01 00 22 03 06 00 00 00 00 81 06 00 00 00 00 82 06 00 00 00 00 83 06 00 00 00 00 84 06 00 00 00 00",
                        new ConfigureRequest(1, List.of(new IpcpOption.IpAddress(any), new IpcpOption.PrimaryDnsServer(any),
                                new IpcpOption.PrimaryNbnsServer(any), new IpcpOption.SecondaryDnsServer(any),
                                new IpcpOption.SecondaryNbnsServer(any))),
                        fields("ppp.code", "1", "ppp.length", "34", "ipcp.opt.type", "3,129,130,131,132",
                                "ipcp.opt.ip_address", "0.0.0.0")),
                new Vector("Configure-Nak handing out address, DNS and WINS", k,
                        "03 01 00 22 03 06 c0 a8 00 0a 81 06 08 08 08 08 82 06 c0 a8 00 01 83 06 08 08 04 04 84 06 c0 a8 00 02",
                        new ConfigureNak(1, List.of(new IpcpOption.IpAddress(address("192.168.0.10")),
                                new IpcpOption.PrimaryDnsServer(address("8.8.8.8")),
                                new IpcpOption.PrimaryNbnsServer(address("192.168.0.1")),
                                new IpcpOption.SecondaryDnsServer(address("8.8.4.4")),
                                new IpcpOption.SecondaryNbnsServer(address("192.168.0.2")))),
                        fields("ppp.code", "3", "ipcp.opt.type", "3,129,130,131,132", "ipcp.opt.ip_address", "192.168.0.10",
                                "ipcp.opt.pri_dns_address", "8.8.8.8", "ipcp.opt.pri_nbns_address", "192.168.0.1",
                                "ipcp.opt.sec_dns_address", "8.8.4.4", "ipcp.opt.sec_nbns_address", "192.168.0.2")),
                new Vector("Configure-Ack of the address", k, "02 01 00 0a 03 06 c0 a8 00 0a",
                        new ConfigureAck(1, List.of(new IpcpOption.IpAddress(address("192.168.0.10")))),
                        fields("ppp.code", "2", "ipcp.opt.type", "3", "ipcp.opt.ip_address", "192.168.0.10")),
                new Vector("Configure-Request: deprecated IP-Addresses, VJ compression 16 slots", k,
                        "01 02 00 14 01 0a 0a 00 00 01 0a 00 00 02 02 06 00 2d 0f 01",
                        new ConfigureRequest(2, List.of(new IpcpOption.IpAddresses(address("10.0.0.1"), address("10.0.0.2")),
                                new IpcpOption.VanJacobsonCompression(15, true))),
                        fields("ppp.code", "1", "ipcp.opt.type", "1,2", "ipcp.opt.src_address", "10.0.0.1",
                                "ipcp.opt.dst_address", "10.0.0.2", "ipcp.opt.compress_proto", "0x002d",
                                "ipcp.opt.max_slot_id", "15", "ipcp.opt.comp_slot_id", "1")),
                new Vector("Configure-Reject: VJ, IPHC (RFC 2509), Mobile-IPv4, verbatim", k,
                        "04 02 00 1e 02 06 00 2d 0f 01 02 0e 00 61 00 0f 00 0f 00 ff 00 05 00 a8 04 06 0a 00 00 05",
                        new ConfigureReject(2, List.of(new IpcpOption.VanJacobsonCompression(15, true),
                                new IpcpOption.IpCompressionProtocol(0x0061, Octets.fromHex("000f000f00ff000500a8")),
                                new IpcpOption.Raw(4, Octets.fromHex("0a000005")))),
                        fields("ppp.code", "4", "ipcp.opt.type", "2,2,4", "ipcp.opt.compress_proto", "0x002d,0x0061",
                                "ipcp.opt.tcp_space", "15", "ipcp.opt.mobilenodehomeaddress", "10.0.0.5")),
                new Vector("Terminate-Request", k, "05 03 00 04", new TerminateRequest(3, Octets.EMPTY),
                        fields("ppp.code", "5", "ppp.identifier", "3")),
                new Vector("Terminate-Ack", k, "06 03 00 04", new TerminateAck(3, Octets.EMPTY),
                        fields("ppp.code", "6", "ppp.identifier", "3")),
                new Vector("Code-Reject quoting an Echo-Request sent on IPCP", k, "07 04 00 08 09 01 00 04",
                        new CodeReject(4, Octets.fromHex("09010004")), fields("ppp.code", "7", "ppp.data", "09010004")),
                new Vector("Echo-Request code is unknown on IPCP", k, "09 03 00 08 12 34 56 78",
                        new UnknownCode(9, 3, Octets.fromHex("12345678")), Map.of()),
                new Vector("Reset-Request code is unknown on IPCP", k, "0e 03 00 04",
                        new UnknownCode(14, 3, Octets.EMPTY), Map.of()));
    }

    public static List<Vector> ccp() {
        ProtocolKind k = ProtocolKind.CCP;
        List<Vector> vectors = new ArrayList<>(List.of(
                new Vector("Configure-Request: MPPE 128-bit stateless", k, "01 01 00 0a 12 06 01 00 00 40",
                        new ConfigureRequest(1, List.of(new CcpOption.Mppe(new MppeSupportedBits(0x01000040)))),
                        fields("ppp.code", "1", "ppp.length", "10", "ccp.opt.type", "18",
                                "ccp.opt.supported_bits", "0x01000040")),
                new Vector("Configure-Nak: MPPE 128-bit stateless", k, "03 01 00 0a 12 06 01 00 00 40",
                        new ConfigureNak(1, List.of(new CcpOption.Mppe(new MppeSupportedBits(0x01000040)))),
                        fields("ppp.code", "3", "ccp.opt.type", "18")),
                new Vector("Configure-Ack: MPPE 40/56/128 stateful with MPPC", k, "02 02 00 0a 12 06 00 00 00 e1",
                        new ConfigureAck(2, List.of(new CcpOption.Mppe(new MppeSupportedBits(0x000000e1)))),
                        fields("ppp.code", "2", "ccp.opt.supported_bits", "0x000000e1")),
                new Vector("pppd Configure-Request: Deflate, draft Deflate, BSD-Compress, Predictor 1/2, Stac LZS", k,
                        "01 03 00 18 1a 04 78 00 18 04 78 00 15 03 2f 01 02 02 02 11 05 00 01 04",
                        new ConfigureRequest(3, List.of(new CcpOption.Raw(26, Octets.fromHex("7800")),
                                new CcpOption.Raw(24, Octets.fromHex("7800")), new CcpOption.Raw(21, Octets.fromHex("2f")),
                                new CcpOption.Raw(1, Octets.EMPTY), new CcpOption.Raw(2, Octets.EMPTY),
                                new CcpOption.Raw(17, Octets.fromHex("000104")))),
                        fields("ppp.code", "1", "ccp.opt.type", "26,24,21,1,2,17", "ccp.opt.window", "7",
                                "ccp.opt.method", "8", "ccp.opt.history_count", "1")),
                new Vector("Configure-Reject of the compressors, verbatim", k,
                        "04 03 00 0f 1a 04 78 00 18 04 78 00 15 03 2f",
                        new ConfigureReject(3, List.of(new CcpOption.Raw(26, Octets.fromHex("7800")),
                                new CcpOption.Raw(24, Octets.fromHex("7800")), new CcpOption.Raw(21, Octets.fromHex("2f")))),
                        fields("ppp.code", "4", "ccp.opt.type", "26,24,21")),
                new Vector("Terminate-Request", k, "05 05 00 04", new TerminateRequest(5, Octets.EMPTY),
                        fields("ppp.code", "5", "ppp.identifier", "5")),
                new Vector("Terminate-Ack", k, "06 05 00 04", new TerminateAck(5, Octets.EMPTY),
                        fields("ppp.code", "6", "ppp.identifier", "5")),
                new Vector("Code-Reject", k, "07 04 00 08 10 01 00 04", new CodeReject(4, Octets.fromHex("10010004")),
                        fields("ppp.code", "7", "ppp.data", "10010004")),
                new Vector("Reset-Request", k, "0e 06 00 04", new ResetRequest(6, Octets.EMPTY),
                        fields("ppp.code", "14", "ppp.identifier", "6", "ppp.length", "4")),
                new Vector("Reset-Ack", k, "0f 06 00 04", new ResetAck(6, Octets.EMPTY),
                        fields("ppp.code", "15", "ppp.identifier", "6", "ppp.length", "4")),
                new Vector("Protocol-Reject code is unknown on CCP", k, "08 04 00 06 80 57",
                        new UnknownCode(8, 4, Octets.fromHex("8057")), Map.of())));
        // One Configure-Request per named Supported Bit, so that tshark confirms each bit's position.
        String[] names = {"h", "m", "s", "l", "d", "c"};
        int[] bits = {MppeSupportedBits.STATELESS, MppeSupportedBits.KEY_56_BIT, MppeSupportedBits.KEY_128_BIT,
            MppeSupportedBits.KEY_40_BIT, MppeSupportedBits.OBSOLETE_D, MppeSupportedBits.MPPC_COMPRESSION};
        for (int i = 0; i < names.length; i++) {
            Map<String, String> expected = new LinkedHashMap<>();
            expected.put("ccp.opt.type", "18");
            for (int j = 0; j < names.length; j++) {
                expected.put("ccp.opt.supported_bits." + names[j], i == j ? "1" : "0");
            }
            vectors.add(new Vector("MPPE Supported Bit " + names[i].toUpperCase(), k,
                    "01 07 00 0a 12 06 " + HexFormat.of().withDelimiter(" ").formatHex(intBytes(bits[i])),
                    new ConfigureRequest(7, List.of(new CcpOption.Mppe(new MppeSupportedBits(bits[i])))), expected));
        }
        return vectors;
    }

    public static Inet4Address address(String dottedQuad) {
        return Inet4Address.ofLiteral(dottedQuad);
    }

    private static Octets ascii(String text) {
        return Octets.of(text.getBytes(StandardCharsets.US_ASCII));
    }

    private static byte[] intBytes(int value) {
        return new byte[] {(byte) (value >>> 24), (byte) (value >>> 16), (byte) (value >>> 8), (byte) value};
    }

    private static Map<String, String> fields(String... keyValues) {
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            map.put(keyValues[i], keyValues[i + 1]);
        }
        return map;
    }
}
