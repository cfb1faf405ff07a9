package net.pptpgw.gateway.inspect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import net.pptpgw.gateway.inspect.InspectionReport.Authentication;
import net.pptpgw.gateway.inspect.InspectionReport.Call;
import net.pptpgw.gateway.inspect.InspectionReport.Finding;
import net.pptpgw.protocol.testing.Scapy;
import net.pptpgw.protocol.testing.Tshark;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A capture built entirely by scapy (another implementation of PPTP, GRE and PPP): a call whose
 * MS-CHAPv2 login fails, then is cleared with a Call-Disconnect-Notify. The analysis must read
 * what scapy wrote.
 */
class InspectorScapyTest {

    private static final String CLIENT = "'10.9.0.2'";
    private static final String SERVER = "'10.9.0.1'";

    @TempDir
    Path dir;

    /** TCP segments of one control connection with sequence numbers kept in step, as scapy expressions. */
    private static final class Tcp {
        private long clientSequence = 1000;
        private long serverSequence = 7000;

        String client(String payload, int length) {
            String expression = "IP(src=" + CLIENT + ", dst=" + SERVER + ")/TCP(sport=50000, dport=1723, flags='PA', seq="
                    + clientSequence + ", ack=" + serverSequence + ")/" + payload;
            clientSequence += length;
            return expression;
        }

        String server(String payload, int length) {
            String expression = "IP(src=" + SERVER + ", dst=" + CLIENT + ")/TCP(sport=1723, dport=50000, flags='PA', seq="
                    + serverSequence + ", ack=" + clientSequence + ")/" + payload;
            serverSequence += length;
            return expression;
        }

        List<String> handshake() {
            List<String> handshake = List.of(
                    "IP(src=" + CLIENT + ", dst=" + SERVER + ")/TCP(sport=50000, dport=1723, flags='S', seq=" + (clientSequence - 1) + ")",
                    "IP(src=" + SERVER + ", dst=" + CLIENT + ")/TCP(sport=1723, dport=50000, flags='SA', seq=" + (serverSequence - 1)
                            + ", ack=" + clientSequence + ")");
            return handshake;
        }
    }

    private static String gre(boolean fromClient, int callId, int sequence, String ppp) {
        return "IP(src=" + (fromClient ? CLIENT : SERVER) + ", dst=" + (fromClient ? SERVER : CLIENT) + ")/GRE_PPTP(seqnum_present=1,"
                + " call_id=" + callId + ", sequence_number=" + sequence + ")/HDLC()/PPP()/" + ppp;
    }

    @Test
    void aScapyBuiltCallIsReadAsScapyWroteIt() throws IOException {
        Tcp tcp = new Tcp();
        List<String> frames = new ArrayList<>(tcp.handshake());
        String lcpOptions = "[PPP_LCP_MRU_Option(max_recv_unit=1400), PPP_LCP_Auth_Protocol_Option(auth_protocol=0xc223, algorithm=0x81)]";
        frames.addAll(List.of(
                tcp.client("PPTPStartControlConnectionRequest()", 156),                                      // 3
                tcp.server("PPTPStartControlConnectionReply()", 156),                                        // 4
                tcp.client("PPTPOutgoingCallRequest(call_id=4660)", 168),                                    // 5
                tcp.server("PPTPOutgoingCallReply(call_id=22136, peer_call_id=4660, result_code=1)", 32),    // 6
                gre(false, 4660, 0, "PPP_LCP_Configure(code=1, id=1, options=" + lcpOptions + ")"),          // 7
                gre(true, 22136, 0, "PPP_LCP_Configure(code=2, id=1, options=" + lcpOptions + ")"),          // 8
                gre(false, 4660, 1, "PPP_CHAP_ChallengeResponse(code=1, id=9, value=b'\\x11'*16, optional_name=b'srv')"), // 9
                gre(true, 22136, 1, "PPP_CHAP_ChallengeResponse(code=2, id=9, value=b'\\x22'*49, optional_name=b'bob')"), // 10
                gre(false, 4660, 2, "PPP_CHAP(code=4, id=9, data=b'E=691 R=0 C=" + "33".repeat(16) + " V=3 M=denied')"), // 11
                tcp.client("PPTPCallClearRequest(call_id=4660)", 16),                                        // 12
                tcp.server("PPTPCallDisconnectNotify(call_id=22136, result_code=4)", 148)));                 // 13
        Path pcap = Tshark.writePcap(dir, Scapy.build(frames));

        InspectionReport report = Inspector.inspect(pcap, false);

        assertThat(report.controlConnections().getFirst().messages()).extracting(m -> m.frame(), m -> m.from(), m -> m.abbreviation())
                .containsExactly(tuple(3L, "client", "SCCRQ"), tuple(4L, "server", "SCCRP"), tuple(5L, "client", "OCRQ"),
                        tuple(6L, "server", "OCRP"), tuple(12L, "client", "CCRQ"), tuple(13L, "server", "CDN"));
        Call call = report.controlConnections().getFirst().calls().getFirst();
        assertThat(List.of(call.pnsCallId(), call.pacCallId(), call.state(), call.replyResult(), call.disconnectResult()))
                .containsExactly(4660, 22136, "disconnected", "Connected(1)", "Request(4)");
        assertThat(List.of(call.startFrame(), call.endFrame())).containsExactly(5L, 13L); // the request to the notify
        assertThat(List.of(call.clientToServer().packets(), call.serverToClient().packets())).containsExactly(2L, 3L);
        assertThat(report.controlConnections().getFirst().startedBeforeCapture()).isFalse();
        assertThat(call.ppp().negotiation().getFirst().detail())
                .isEqualTo("Configure-Request id 1: Maximum-Receive-Unit=1400, Authentication-Protocol=MS-CHAPv2");
        assertThat(call.ppp().authentication()).isEqualTo(new Authentication("MS-CHAPv2", "server", "\"bob\"", "failure", 11L,
                "E=691 ERROR_AUTHENTICATION_FAILURE, retry not allowed, message \"denied\""));
        assertThat(report.anomalies()).extracting(Finding::kind).containsExactly("auth-failure");
    }
}
