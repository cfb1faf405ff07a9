package net.pptpgw.protocol.ppp.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HexFormat;
import java.util.List;
import net.pptpgw.protocol.ppp.fsm.AuthenticationMethod;
import net.pptpgw.protocol.ppp.fsm.CcpSettings;
import net.pptpgw.protocol.ppp.fsm.CcpSettings.Mode;
import net.pptpgw.protocol.ppp.fsm.MppeStrength;
import net.pptpgw.protocol.testing.Fuzz;
import org.junit.jupiter.api.Test;

/**
 * {@link PppSession#receive} on arbitrary frames never throws (bad input is dropped and
 * reported), whatever phase it drives the session into. The frames go to a server session in
 * the Network phase with stateful MPPE; a new pair starts whenever the fuzzer ended the link.
 */
class PppSessionFuzzTest {

    private SessionLink link;
    private int links;

    @Test
    void receiveNeverThrows() {
        List<byte[]> seeds = List.of(
                hex("c021090100080102030400"),       // LCP Echo-Request
                hex("ff03c0210101000a05060a0b0c0d"), // LCP Configure-Request, Magic-Number
                hex("80fd0e010004"),                 // CCP Reset-Request
                hex("80fd01020010120600000040"),     // CCP Configure-Request, MPPE-128
                hex("fd1000aabbccddeeff0011"),       // MPPE data, count 0
                hex("fd9005aabbccddeeff0011"),       // MPPE data, flushed, count 5
                hex("21450000140000000040000000"),   // IPv4 (refused while MPPE is on)
                hex("80210101000a0306c0a80001"),     // IPCP Configure-Request
                hex("c2230201000a0561616161"),       // CHAP Response
                hex("c0230101000a0161016200"),       // PAP Authenticate-Request
                hex("00570000"));                    // IPv6: Protocol-Reject
        newLink();
        Fuzz.run("ppp-session", seeds, frame -> {
            if (link.server.session.phase() == Phase.DEAD) {
                newLink();
            }
            link.server.session.receive(frame.retain());
            link.settle();
        });
        assertThat(links).isGreaterThanOrEqualTo(1);
    }

    private void newLink() {
        CcpSettings ccp = new CcpSettings(CcpSettings.Mppe.REQUIRE, List.of(MppeStrength.BITS_128), List.of(Mode.STATEFUL));
        link = new SessionLink(SessionLink.server(List.of(AuthenticationMethod.MS_CHAP_V2), ccp),
                SessionLink.client(List.of(AuthenticationMethod.MS_CHAP_V2), ccp, SessionLink.PASSWORD), links++).start();
        link.runFor(1_000);
        assertThat(link.server.networkUp).isTrue();
    }

    static byte[] hex(String digits) {
        return HexFormat.of().parseHex(digits);
    }

}
