package net.pptpgw.protocol.ppp.fsm;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import net.pptpgw.protocol.ppp.cp.ControlPacket;
import net.pptpgw.protocol.testing.Packets;
import net.pptpgw.protocol.testing.Tshark;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * tshark judges a whole negotiation as the automata produced it: LCP with an authentication
 * Nak, IPCP with a Reject, a Nak and the address assignment, CCP with the MPPE dance, and the
 * LCP Terminate exchange. Each packet goes out as PPTP carries it (PPP FF 03 + Protocol in
 * enhanced GRE in IPv4, from the side that sent it); tshark must see the same code and
 * identifier in every frame, the negotiated values, and no malformed or error marks.
 */
class NegotiationTsharkTest {

    private static final byte[] SERVER = Packets.address(10, 0, 0, 1);
    private static final byte[] CLIENT = Packets.address(10, 0, 0, 2);

    @TempDir
    Path dir;

    @Test
    void tsharkReadsEveryPacketOfAFullNegotiation() {
        BackToBack lcp = new BackToBack("server",
                new LcpPolicy(LcpSettings.server(List.of(AuthenticationMethod.MS_CHAP_V2, AuthenticationMethod.PAP)),
                        new SplittableRandom(1)),
                "client", new LcpPolicy(LcpSettings.client(List.of(AuthenticationMethod.PAP)), new SplittableRandom(2)),
                AutomatonConfig.DEFAULTS).start();
        lcp.run(100);
        int lcpNegotiation = lcp.wire.size();
        BackToBack ipcp = new BackToBack("server", new IpcpPolicy(IpcpNegotiationTest.SERVER_SETTINGS),
                "client", new IpcpPolicy(IpcpSettings.client(true, true)), AutomatonConfig.DEFAULTS).start();
        ipcp.run(100);
        BackToBack ccp = new BackToBack("server", new CcpPolicy(CcpNegotiationTest.SERVER_ALLOWS_ALL, true),
                "client", new CcpPolicy(CcpSettings.require128Stateless(), true), AutomatonConfig.DEFAULTS).start();
        ccp.run(100);
        lcp.b.automaton.close(Termination.of(Termination.ADMINISTRATIVE_CLOSE, "User request"));
        lcp.run(100);

        List<BackToBack.Flight> flights = new ArrayList<>();
        flights.addAll(lcp.wire.subList(0, lcpNegotiation));
        flights.addAll(ipcp.wire);
        flights.addAll(ccp.wire);
        flights.addAll(lcp.wire.subList(lcpNegotiation, lcp.wire.size()));
        List<byte[]> frames = new ArrayList<>();
        for (int i = 0; i < flights.size(); i++) {
            BackToBack.Flight flight = flights.get(i);
            boolean fromServer = flight.from().name.equals("server");
            byte[] ppp = new byte[4 + flight.octets().length];
            ppp[0] = (byte) 0xff;
            ppp[1] = 0x03;
            ppp[2] = (byte) (flight.kind().protocol().value() >> 8);
            ppp[3] = (byte) flight.kind().protocol().value();
            System.arraycopy(flight.octets(), 0, ppp, 4, flight.octets().length);
            frames.add(Packets.ipv4Gre(fromServer ? SERVER : CLIENT, fromServer ? CLIENT : SERVER,
                    Packets.enhancedGre(fromServer ? 40 : 50, (long) i, null, ppp)));
        }
        Path pcap = Tshark.writePcap(dir, frames);

        List<Map<String, String>> rows = Tshark.fields(pcap, "ppp.code", "ppp.identifier", "lcp.opt.auth_protocol",
                "lcp.opt.algorithm", "ipcp.opt.ip_address", "ipcp.opt.pri_dns_address", "ccp.opt.supported_bits");
        assertThat(rows).hasSize(flights.size());
        for (int i = 0; i < flights.size(); i++) {
            ControlPacket packet = flights.get(i).decode();
            assertThat(rows.get(i).get("ppp.code")).as("frame %d: %s", i + 1, flights.get(i))
                    .isEqualTo(Integer.toString(packet.code()));
            assertThat(rows.get(i).get("ppp.identifier")).as("frame %d", i + 1)
                    .isEqualTo(Integer.toString(packet.identifier()));
        }
        // MS-CHAPv2 requested, Nak'ed to PAP, PAP acknowledged.
        assertThat(rows).anyMatch(row -> "129".equals(row.get("lcp.opt.algorithm")) && "1".equals(row.get("ppp.code")));
        assertThat(rows).anyMatch(row -> "0xc023".equals(row.get("lcp.opt.auth_protocol")) && "3".equals(row.get("ppp.code")));
        assertThat(rows).anyMatch(row -> "0xc023".equals(row.get("lcp.opt.auth_protocol")) && "2".equals(row.get("ppp.code")));
        assertThat(rows).anyMatch(row -> "10.0.0.2".equals(row.get("ipcp.opt.ip_address")) && "2".equals(row.get("ppp.code")));
        assertThat(rows).anyMatch(row -> "192.0.2.53".equals(row.get("ipcp.opt.pri_dns_address")));
        assertThat(rows).anyMatch(row -> "0x010000e0".equals(row.get("ccp.opt.supported_bits")));
        assertThat(rows).anyMatch(row -> "0x01000040".equals(row.get("ccp.opt.supported_bits")) && "2".equals(row.get("ppp.code")));
        assertThat(Tshark.problems(pcap)).as(() -> Tshark.verbose(pcap)).isEmpty();
    }
}
