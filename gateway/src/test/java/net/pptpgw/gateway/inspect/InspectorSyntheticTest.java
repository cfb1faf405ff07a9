package net.pptpgw.gateway.inspect;

import net.pptpgw.gateway.JsonWriter;
import static net.pptpgw.gateway.inspect.SyntheticCapture.ccp;
import static net.pptpgw.gateway.inspect.SyntheticCapture.chap;
import static net.pptpgw.gateway.inspect.SyntheticCapture.ipcp;
import static net.pptpgw.gateway.inspect.SyntheticCapture.lcp;
import static net.pptpgw.gateway.inspect.SyntheticCapture.mppe;
import static net.pptpgw.gateway.inspect.SyntheticCapture.pap;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Inet4Address;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.List;
import net.pptpgw.gateway.inspect.InspectionReport.Authentication;
import net.pptpgw.gateway.inspect.InspectionReport.Call;
import net.pptpgw.gateway.inspect.InspectionReport.ControlConnection;
import net.pptpgw.gateway.inspect.InspectionReport.Finding;
import net.pptpgw.gateway.inspect.InspectionReport.GreFlow;
import net.pptpgw.gateway.inspect.InspectionReport.Ipcp;
import net.pptpgw.gateway.inspect.InspectionReport.MppeDirection;
import net.pptpgw.protocol.gre.GrePacket;
import net.pptpgw.protocol.ppp.auth.ChapPacket;
import net.pptpgw.protocol.ppp.auth.MsChapError;
import net.pptpgw.protocol.ppp.auth.MsChapFailure;
import net.pptpgw.protocol.ppp.auth.MsChapV2Response;
import net.pptpgw.protocol.Octets;
import net.pptpgw.protocol.ppp.auth.PapPacket;
import net.pptpgw.protocol.ppp.ccp.CcpOption;
import net.pptpgw.protocol.ppp.ccp.MppeSupportedBits;
import net.pptpgw.protocol.ppp.cp.ControlPacket.ConfigureAck;
import net.pptpgw.protocol.ppp.cp.ControlPacket.ConfigureNak;
import net.pptpgw.protocol.ppp.cp.ControlPacket.ConfigureRequest;
import net.pptpgw.protocol.ppp.cp.ControlPacket.EchoReply;
import net.pptpgw.protocol.ppp.cp.ControlPacket.EchoRequest;
import net.pptpgw.protocol.ppp.cp.ControlPacket.TerminateAck;
import net.pptpgw.protocol.ppp.cp.ControlPacket.TerminateRequest;
import net.pptpgw.protocol.ppp.cp.ConfigurationOption;
import net.pptpgw.protocol.Octets;
import net.pptpgw.protocol.ppp.ipcp.IpcpOption;
import net.pptpgw.protocol.ppp.lcp.ChapAlgorithm;
import net.pptpgw.protocol.ppp.lcp.LcpOption;
import net.pptpgw.protocol.ppp.mppe.MppeHeader;
import net.pptpgw.protocol.pptp.CallClearRequest;
import net.pptpgw.protocol.pptp.CallDisconnectNotify;
import net.pptpgw.protocol.pptp.CallDisconnectResult;
import net.pptpgw.protocol.pptp.FramingType;
import net.pptpgw.protocol.pptp.GeneralErrorCode;
import net.pptpgw.protocol.pptp.IncomingCallConnected;
import net.pptpgw.protocol.pptp.IncomingCallReply;
import net.pptpgw.protocol.pptp.IncomingCallRequest;
import net.pptpgw.protocol.pptp.IncomingCallResult;
import net.pptpgw.protocol.pptp.BearerCapabilities;
import net.pptpgw.protocol.pptp.BearerType;
import net.pptpgw.protocol.pptp.FramingCapabilities;
import net.pptpgw.protocol.pptp.OutgoingCallReply;
import net.pptpgw.protocol.pptp.StartControlConnectionReply;
import net.pptpgw.protocol.pptp.StartControlConnectionRequest;
import net.pptpgw.protocol.pptp.StartControlConnectionResult;
import net.pptpgw.protocol.pptp.OutgoingCallResult;
import net.pptpgw.protocol.pptp.StopControlConnectionReason;
import net.pptpgw.protocol.pptp.StopControlConnectionRequest;
import net.pptpgw.protocol.testing.Packets;
import net.pptpgw.protocol.testing.Tshark;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The analysis on captures built with the protocol module's encoders, one situation an operator
 * meets per test: a failed MS-CHAPv2 login, IPCP and MPPE negotiation, call-ID mismatch, a
 * malformed control message, and the other anomalies. Each capture is first checked to decode
 * cleanly in tshark, so that the test judges the analysis, not the builder.
 */
class InspectorSyntheticTest {

    private static final int PNS_CALL_ID = 0x1111;
    private static final int PAC_CALL_ID = 0x2222;
    private static final int MAGIC_SERVER = 0x53525652;
    private static final int MAGIC_CLIENT = 0x434c4e54;

    @TempDir
    Path dir;

    private InspectionReport inspect(SyntheticCapture capture) throws IOException {
        Path pcap = capture.write(dir);
        return Inspector.inspect(pcap, true);
    }

    private InspectionReport inspectClean(SyntheticCapture capture) throws IOException {
        Path pcap = capture.write(dir);
        assertThat(Tshark.problems(pcap)).as("tshark on the synthetic capture").isEmpty();
        return Inspector.inspect(pcap, true);
    }

    private static Call onlyCall(InspectionReport report) {
        assertThat(report.controlConnections()).hasSize(1);
        assertThat(report.controlConnections().getFirst().calls()).hasSize(1);
        return report.controlConnections().getFirst().calls().getFirst();
    }

    private static List<Finding> findings(InspectionReport report, String kind) {
        return report.anomalies().stream().filter(f -> f.kind().equals(kind)).toList();
    }

    private static Inet4Address ip(String address) {
        try {
            return (Inet4Address) InetAddress.getByName(address);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    /** Both sides' LCP Configure-Request acked: the server's asks for {@code serverExtra} too. */
    private static SyntheticCapture lcpUp(SyntheticCapture capture, LcpOption... serverExtra) {
        List<ConfigurationOption> serverOptions = new java.util.ArrayList<>(List.of(new LcpOption.MaximumReceiveUnit(1400)));
        serverOptions.addAll(List.of(serverExtra));
        serverOptions.add(new LcpOption.MagicNumber(MAGIC_SERVER));
        List<ConfigurationOption> clientOptions = List.of(new LcpOption.MaximumReceiveUnit(1400), new LcpOption.MagicNumber(MAGIC_CLIENT));
        return capture
                .serverGre(PNS_CALL_ID, lcp(new ConfigureRequest(1, serverOptions)))
                .clientGre(PAC_CALL_ID, lcp(new ConfigureRequest(1, clientOptions)))
                .clientGre(PAC_CALL_ID, lcp(new ConfigureAck(1, serverOptions)))
                .serverGre(PNS_CALL_ID, lcp(new ConfigureAck(1, clientOptions)));
    }

    @Test
    void msChapV2FailureIsAnAuthFailureWithTheWindowsErrorNamed() throws IOException {
        byte[] challenge = new byte[16];
        byte[] peerChallenge = new byte[16];
        byte[] ntResponse = new byte[24];
        SyntheticCapture capture = lcpUp(new SyntheticCapture().outgoingCall(PNS_CALL_ID, PAC_CALL_ID),
                LcpOption.AuthenticationProtocol.chap(ChapAlgorithm.MS_CHAP_V2))
                .serverGre(PNS_CALL_ID, chap(new ChapPacket.Challenge(7, Octets.of(challenge), Octets.utf8("gateway"))))
                .clientGre(PAC_CALL_ID, chap(new ChapPacket.Response(7, MsChapV2Response.of(peerChallenge, ntResponse).toValue(),
                        Octets.utf8("alice"))))
                .serverGre(PNS_CALL_ID, chap(new ChapPacket.Failure(7, MsChapFailure.msChapV2(
                        MsChapError.AUTHENTICATION_FAILURE, false, challenge, "wrong password").format())))
                .serverGre(PNS_CALL_ID, lcp(new TerminateRequest(2, Octets.EMPTY)))
                .clientGre(PAC_CALL_ID, lcp(new TerminateAck(2, Octets.EMPTY)));

        InspectionReport report = inspectClean(capture);

        Call call = onlyCall(report);
        assertThat(call.ppp().authentication()).isEqualTo(new Authentication("MS-CHAPv2", "server", "\"alice\"", "failure",
                14L, "E=691 ERROR_AUTHENTICATION_FAILURE, retry not allowed, message \"wrong password\""));
        assertThat(findings(report, "auth-failure")).singleElement().satisfies(f -> {
            assertThat(f.frame()).isEqualTo(14);
            assertThat(f.explanation()).contains("MS-CHAPv2 Failure from server", "E=691 ERROR_AUTHENTICATION_FAILURE");
        });
        assertThat(call.ppp().negotiation()).extracting(s -> s.frame(), s -> s.from(), s -> s.protocol(), s -> s.code())
                .containsExactly(
                        tuple(8L, "server", "LCP", "Configure-Request"),
                        tuple(9L, "client", "LCP", "Configure-Request"),
                        tuple(10L, "client", "LCP", "Configure-Ack"),
                        tuple(11L, "server", "LCP", "Configure-Ack"),
                        tuple(12L, "server", "CHAP", "Challenge"),
                        tuple(13L, "client", "CHAP", "Response"),
                        tuple(14L, "server", "CHAP", "Failure"),
                        tuple(15L, "server", "LCP", "Terminate-Request"),
                        tuple(16L, "client", "LCP", "Terminate-Ack"));
        assertThat(call.ppp().negotiation().getFirst().detail()).isEqualTo("Configure-Request id 1: "
                + "Maximum-Receive-Unit=1400, Authentication-Protocol=MS-CHAPv2, Magic-Number=0x53525652");
        assertThat(call.ppp().terminatedBy()).isEqualTo("server");
    }

    @Test
    void papNakIsAnAuthFailure() throws IOException {
        SyntheticCapture capture = lcpUp(new SyntheticCapture().outgoingCall(PNS_CALL_ID, PAC_CALL_ID),
                LcpOption.AuthenticationProtocol.pap())
                .clientGre(PAC_CALL_ID, pap(new PapPacket.AuthenticateRequest(1, Octets.utf8("bob"), Octets.utf8("secret"))))
                .serverGre(PNS_CALL_ID, pap(new PapPacket.AuthenticateNak(1, Octets.utf8("no"))));

        InspectionReport report = inspectClean(capture);

        assertThat(onlyCall(report).ppp().authentication())
                .isEqualTo(new Authentication("PAP", "server", "\"bob\"", "failure", 13L, "\"no\""));
        assertThat(findings(report, "auth-failure")).hasSize(1);
        assertThat(JsonWriter.write(report, false)).doesNotContain("secret");
    }

    @Test
    void ipcpAddressesAndCcpMppe128AreReadFromTheAcks() throws IOException {
        Inet4Address any = ip("0.0.0.0");
        MppeSupportedBits offered = new MppeSupportedBits(MppeSupportedBits.STATELESS | MppeSupportedBits.KEY_128_BIT
                | MppeSupportedBits.KEY_40_BIT);
        MppeSupportedBits stateless128 = new MppeSupportedBits(MppeSupportedBits.STATELESS | MppeSupportedBits.KEY_128_BIT);
        List<ConfigurationOption> assigned = List.of(new IpcpOption.IpAddress(ip("192.168.0.10")),
                new IpcpOption.PrimaryDnsServer(ip("10.0.0.53")), new IpcpOption.SecondaryDnsServer(ip("10.0.0.54")));
        SyntheticCapture capture = lcpUp(new SyntheticCapture().outgoingCall(PNS_CALL_ID, PAC_CALL_ID))
                .clientGre(PAC_CALL_ID, ccp(new ConfigureRequest(1, List.of(new CcpOption.Mppe(offered)))))
                .serverGre(PNS_CALL_ID, ccp(new ConfigureRequest(1, List.of(new CcpOption.Mppe(stateless128)))))
                .clientGre(PAC_CALL_ID, ccp(new ConfigureAck(1, List.of(new CcpOption.Mppe(stateless128)))))
                .serverGre(PNS_CALL_ID, ccp(new ConfigureNak(1, List.of(new CcpOption.Mppe(stateless128)))))
                .clientGre(PAC_CALL_ID, ccp(new ConfigureRequest(2, List.of(new CcpOption.Mppe(stateless128)))))
                .serverGre(PNS_CALL_ID, ccp(new ConfigureAck(2, List.of(new CcpOption.Mppe(stateless128)))))
                .clientGre(PAC_CALL_ID, ipcp(new ConfigureRequest(1, List.of(new IpcpOption.IpAddress(any),
                        new IpcpOption.PrimaryDnsServer(any), new IpcpOption.SecondaryDnsServer(any)))))
                .serverGre(PNS_CALL_ID, ipcp(new ConfigureRequest(1, List.of(new IpcpOption.IpAddress(ip("192.168.0.1"))))))
                .clientGre(PAC_CALL_ID, ipcp(new ConfigureAck(1, List.of(new IpcpOption.IpAddress(ip("192.168.0.1"))))))
                .serverGre(PNS_CALL_ID, ipcp(new ConfigureNak(1, assigned)))
                .clientGre(PAC_CALL_ID, ipcp(new ConfigureRequest(2, assigned)))
                .serverGre(PNS_CALL_ID, ipcp(new ConfigureAck(2, assigned)))
                .clientGre(PAC_CALL_ID, mppe(MppeHeader.FLUSHED | MppeHeader.ENCRYPTED, 0, 60))
                .clientGre(PAC_CALL_ID, mppe(MppeHeader.FLUSHED | MppeHeader.ENCRYPTED, 1, 60))
                .serverGre(PNS_CALL_ID, mppe(MppeHeader.FLUSHED | MppeHeader.ENCRYPTED, 0, 80))
                .clientGre(PAC_CALL_ID, mppe(MppeHeader.FLUSHED | MppeHeader.ENCRYPTED, 2, 60))
                .serverGre(PNS_CALL_ID, mppe(MppeHeader.FLUSHED | MppeHeader.ENCRYPTED, 3, 80)); // 1 and 2 lost

        InspectionReport report = inspectClean(capture);

        Call call = onlyCall(report);
        assertThat(call.ppp().ipcp()).isEqualTo(new Ipcp("192.168.0.10", "192.168.0.1", "10.0.0.53", "10.0.0.54", null, null));
        assertThat(call.ppp().mppe().agreed()).isEqualTo("128-bit, stateless");
        assertThat(call.ppp().mppe().supportedBits()).isEqualTo("0x01000040");
        assertThat(call.ppp().mppe().directions()).containsExactlyInAnyOrder(
                new MppeDirection("client", 3, 3, 0, 3, 0, 2, 0),
                new MppeDirection("server", 2, 2, 0, 2, 0, 3, 1));
        assertThat(call.ppp().packetCounts().get("client")).containsEntry("Compressed-datagram", 3L)
                .containsEntry("CCP Configure-Request", 2L).containsEntry("IPCP Configure-Ack", 1L);
        assertThat(call.ppp().negotiation()).anySatisfy(s -> assertThat(s.detail())
                .isEqualTo("Configure-Request id 1: Microsoft-PPC (MPPC/MPPE)=0x01000060 (40/128-bit, stateless)"));
        assertThat(report.anomalies()).extracting(Finding::kind).doesNotContain("malformed", "auth-failure");
    }

    @Test
    void greWithACallIdNoCallAnnouncedIsACallIdMismatch() throws IOException {
        SyntheticCapture capture = new SyntheticCapture().outgoingCall(5, 7)
                .serverGre(5, lcp(new ConfigureRequest(1, List.of())))
                .gre(true, 9, 0, lcp(new ConfigureRequest(1, List.of())))
                .gre(true, 9, 1, lcp(new ConfigureAck(1, List.of())));

        InspectionReport report = inspect(capture);

        assertThat(report.unmatchedGre()).extracting(GreFlow::source, GreFlow::destination, GreFlow::callId, GreFlow::packets)
                .containsExactly(tuple("10.0.0.2", "10.0.0.1", 9, 2L));
        assertThat(findings(report, "call-id-mismatch")).singleElement().satisfies(f -> {
            assertThat(f.frame()).isEqualTo(9);
            assertThat(f.explanation()).isEqualTo("GRE 10.0.0.2 -> 10.0.0.1 carries call ID 9, but the control connection"
                    + " between these hosts announced 7 for that direction: call-ID mismatch (a NAT or ALG rewrote the call ID on one path only?)");
        });
        // seen from the call, the client's GRE never came
        assertThat(findings(report, "gre-missing")).singleElement()
                .satisfies(f -> assertThat(f.explanation()).startsWith("no GRE from client 10.0.0.2 to server 10.0.0.1 (call ID 7)"));
        assertThat(report.summary().unmatchedGrePackets()).isEqualTo(2);
    }

    @Test
    void greWithoutAnyControlConnectionIsGroupedAsUnmatched() throws IOException {
        SyntheticCapture capture = new SyntheticCapture()
                .gre(false, 300, 1000, lcp(new EchoRequest(1, MAGIC_SERVER, Octets.EMPTY)))
                .gre(false, 300, 1001, lcp(new EchoRequest(2, MAGIC_SERVER, Octets.EMPTY)))
                .rawGre(true, GrePacket.ackOnly(301, 1001));

        InspectionReport report = inspect(capture);

        assertThat(report.controlConnections()).isEmpty();
        assertThat(report.unmatchedGre()).extracting(GreFlow::source, GreFlow::callId, GreFlow::packets, GreFlow::ackOnlyPackets,
                GreFlow::firstSequence, GreFlow::lastSequence, GreFlow::highestAcknowledgment).containsExactly(
                tuple("10.0.0.1", 300, 2L, 0L, 1000L, 1001L, null),
                tuple("10.0.0.2", 301, 1L, 1L, null, null, 1001L));
        assertThat(findings(report, "gre-without-call")).hasSize(2)
                .allSatisfy(f -> assertThat(f.explanation()).contains("the capture began mid-call"));
        assertThat(report.unmatchedGre().getFirst().frames()).extracting(InspectionReport.Frame::content)
                .containsExactly("LCP Echo-Request id 1, magic 0x53525652", "LCP Echo-Request id 2, magic 0x53525652");
    }

    @Test
    void malformedControlMessageIsReportedAndReadingResumesAtTheNextHeader() throws IOException {
        byte[] bad = SyntheticCapture.encode(SyntheticCapture.outgoingCallRequest(99));
        bad[4] ^= 0x01; // Magic Cookie 0x1B2B3C4D
        byte[] good = SyntheticCapture.encode(SyntheticCapture.outgoingCallRequest(PNS_CALL_ID));
        byte[] segment = new byte[bad.length + good.length];
        System.arraycopy(bad, 0, segment, 0, bad.length);
        System.arraycopy(good, 0, segment, bad.length, good.length);
        SyntheticCapture capture = new SyntheticCapture().connect()
                .clientBytes(segment)
                .fromServer(SyntheticCapture.outgoingCallReply(PAC_CALL_ID, PNS_CALL_ID, OutgoingCallResult.CONNECTED));

        InspectionReport report = inspect(capture);

        assertThat(findings(report, "malformed")).singleElement().satisfies(f -> {
            assertThat(List.of(f.frame(), f.layer(), f.reason())).containsExactly(4L, "pptp", "bad-magic-cookie");
            assertThat(f.explanation()).contains("client -> server stream", "magic cookie 0x1B2B3C4D");
        });
        assertThat(findings(report, "control-resync")).singleElement()
                .satisfies(f -> assertThat(f.explanation()).startsWith("skipped 168 octets"));
        assertThat(report.controlConnections().getFirst().messages())
                .extracting(m -> m.type(), m -> m.callId()).containsExactly(
                        tuple("Outgoing-Call-Request", PNS_CALL_ID), tuple("Outgoing-Call-Reply", PAC_CALL_ID));
        assertThat(onlyCall(report).state()).isEqualTo("connected");
    }

    @Test
    void lostControlSegmentIsAGapAndTheNextMessagesAreStillRead() throws IOException {
        SyntheticCapture capture = new SyntheticCapture().outgoingCall(PNS_CALL_ID, PAC_CALL_ID)
                .fromClient(new net.pptpgw.protocol.pptp.EchoRequest(1))
                .fromClient(new CallClearRequest(PNS_CALL_ID))
                .fromServer(new CallDisconnectNotify(PAC_CALL_ID, CallDisconnectResult.REQUEST, GeneralErrorCode.NONE, 0, ""));
        capture.frames().remove(7); // the Echo-Request

        InspectionReport report = inspect(capture);

        assertThat(findings(report, "control-stream-gap")).singleElement()
                .satisfies(f -> assertThat(f.explanation()).startsWith("16 octets of the client -> server stream"));
        Call call = onlyCall(report);
        assertThat(List.of(call.state(), call.replyResult(), call.disconnectResult()))
                .containsExactly("disconnected", "Connected(1)", "Request(4)");
        assertThat(findings(report, "call-cleared-without-cdn")).isEmpty();
    }

    @Test
    void failedOutgoingCallIsAFailedCall() throws IOException {
        SyntheticCapture capture = new SyntheticCapture().connect()
                .fromClient(SyntheticCapture.outgoingCallRequest(PNS_CALL_ID))
                .fromServer(SyntheticCapture.outgoingCallReply(0, PNS_CALL_ID, OutgoingCallResult.BUSY));

        InspectionReport report = inspectClean(capture);

        Call call = onlyCall(report);
        assertThat(List.of(call.state(), call.replyResult())).containsExactly("failed", "Busy(4)");
        assertThat(call.disconnectResult()).isNull();
        assertThat(findings(report, "call-failed")).singleElement().satisfies(f -> assertThat(f.explanation())
                .isEqualTo("Outgoing-Call-Reply from server refused call ID 4369: result Busy(4)"));
        assertThat(findings(report, "gre-missing")).isEmpty();
    }

    @Test
    void refusedControlConnectionAndGeneralErrorsAreNamed() throws IOException {
        SyntheticCapture capture = new SyntheticCapture().connect()
                .fromClient(new StartControlConnectionRequest(0x0100, FramingCapabilities.BOTH, BearerCapabilities.BOTH, 0, 1, "c", "v"))
                .fromServer(new StartControlConnectionReply(0x0100, StartControlConnectionResult.NOT_AUTHORIZED,
                        GeneralErrorCode.NONE, FramingCapabilities.BOTH, BearerCapabilities.BOTH, 0, 1, "s", "v"))
                .fromClient(SyntheticCapture.outgoingCallRequest(PNS_CALL_ID))
                .fromServer(new OutgoingCallReply(0, PNS_CALL_ID, OutgoingCallResult.GENERAL_ERROR, GeneralErrorCode.NO_RESOURCE,
                        0, 0, 0, 0, 0));

        InspectionReport report = inspectClean(capture);

        assertThat(report.anomalies()).extracting(Finding::frame, Finding::kind, Finding::explanation).containsExactly(
                tuple(5L, "control-connection-refused", "Start-Control-Connection-Reply from server refused "
                        + "10.0.0.2:40000 -> 10.0.0.1:1723: result Not Authorized(4)"),
                tuple(7L, "call-failed", "Outgoing-Call-Reply from server refused call ID 4369: result General Error(2),"
                        + " error No-Resource(4)"));
        assertThat(report.controlConnections().getFirst().messages().get(3)).extracting(m -> m.result(), m -> m.error())
                .containsExactly("General Error(2)", "No-Resource(4)");
    }

    @Test
    void incomingCallIsMatchedByIcrqIcrpIccn() throws IOException {
        SyntheticCapture capture = new SyntheticCapture().connect()
                .fromServer(new IncomingCallRequest(PAC_CALL_ID, 3, BearerType.ANALOG, 0, 0, 0, "", "", ""))
                .fromClient(new IncomingCallReply(PNS_CALL_ID, PAC_CALL_ID, IncomingCallResult.CONNECT, GeneralErrorCode.NONE, 64, 0))
                .fromServer(new IncomingCallConnected(PNS_CALL_ID, 64000, 64, 0, FramingType.SYNCHRONOUS))
                .serverGre(PNS_CALL_ID, lcp(new ConfigureRequest(1, List.of())))
                .clientGre(PAC_CALL_ID, lcp(new ConfigureAck(1, List.of())))
                .fromClient(new StopControlConnectionRequest(StopControlConnectionReason.NONE));

        InspectionReport report = inspectClean(capture);

        ControlConnection connection = report.controlConnections().getFirst();
        assertThat(List.of(connection.pns(), connection.pac(), connection.ending()))
                .containsExactly("client", "server", "Stop-Control-Connection-Request from client (reason None(1))");
        Call call = onlyCall(report);
        assertThat(List.of(call.kind(), call.pnsCallId(), call.pacCallId(), call.state()))
                .containsExactly("incoming", PNS_CALL_ID, PAC_CALL_ID, "connected");
        assertThat(call.clientToServer().packets()).isEqualTo(1);
        assertThat(call.serverToClient().packets()).isEqualTo(1);
        assertThat(report.anomalies()).isEmpty();
    }

    @Test
    void sequenceNumbersGoingBackwardsAreAnAnomalyAndReorderingIsCounted() throws IOException {
        byte[] echo = lcp(new EchoRequest(1, MAGIC_CLIENT, Octets.EMPTY));
        SyntheticCapture capture = new SyntheticCapture().outgoingCall(PNS_CALL_ID, PAC_CALL_ID)
                .serverGre(PNS_CALL_ID, lcp(new ConfigureRequest(1, List.of())));
        for (long sequence : new long[] {0xFFFF_FFFEL, 0xFFFF_FFFFL, 1, 0, 3, 3, 4, 0xFFFF_FFFEL}) { // wraps, 0 late, 2 lost, 3 and ...FE again
            capture.gre(true, PAC_CALL_ID, sequence, echo);
        }

        InspectionReport report = inspect(capture);

        GreFlow flow = onlyCall(report).clientToServer();
        assertThat(List.of(flow.firstSequence(), flow.lastSequence(), flow.lost(), flow.outOfOrder(), flow.duplicates(), flow.backwards()))
                .containsExactly(0xFFFF_FFFEL, 4L, 1L, 1L, 2L, 0L);
        assertThat(findings(report, "gre-sequence-backwards")).singleElement().satisfies(f -> {
            assertThat(f.occurrences()).isEqualTo(2);
            assertThat(f.frame()).isEqualTo(14);
            assertThat(f.explanation()).startsWith("GRE 10.0.0.2 -> 10.0.0.1 call ID 8738: sequence number 3 after 3 (seen before)");
        });
    }

    @Test
    void lcpEchoRequestsWithoutReplyAreAnAnomalyUnlessTheLinkIsClosing() throws IOException {
        SyntheticCapture capture = lcpUp(new SyntheticCapture().outgoingCall(PNS_CALL_ID, PAC_CALL_ID))
                .clientGre(PAC_CALL_ID, lcp(new EchoRequest(1, MAGIC_CLIENT, Octets.EMPTY)))
                .serverGre(PNS_CALL_ID, lcp(new EchoReply(1, MAGIC_SERVER, Octets.EMPTY)))
                .clientGre(PAC_CALL_ID, lcp(new EchoRequest(2, MAGIC_CLIENT, Octets.EMPTY)))
                .clientGre(PAC_CALL_ID, lcp(new EchoRequest(3, MAGIC_CLIENT, Octets.EMPTY)))
                .clientGre(PAC_CALL_ID, lcp(new TerminateRequest(9, Octets.EMPTY)))
                .clientGre(PAC_CALL_ID, lcp(new EchoRequest(4, MAGIC_CLIENT, Octets.EMPTY)))
                .serverGre(PNS_CALL_ID, lcp(new TerminateAck(9, Octets.EMPTY)));

        InspectionReport report = inspectClean(capture);

        assertThat(onlyCall(report).ppp().lcpEcho()).singleElement().satisfies(echo -> assertThat(
                List.of(echo.from(), echo.requests(), echo.replied(), echo.unanswered(), echo.unansweredAfterTerminate()))
                .containsExactly("client", 4L, 1L, 2L, 1L));
        assertThat(findings(report, "lcp-echo-unanswered")).singleElement().satisfies(f -> {
            assertThat(f.frame()).isEqualTo(14);
            assertThat(f.explanation()).startsWith("2 LCP Echo-Request(s) from client");
        });
    }

    @Test
    void icmpUnreachableAboutGreIsAnAnomaly() throws IOException {
        byte[] greToClient = Packets.ipv4Gre(SyntheticCapture.SERVER, SyntheticCapture.CLIENT,
                Packets.enhancedGre(PNS_CALL_ID, 0L, null, lcp(new ConfigureRequest(1, List.of()))));
        byte[] icmp = new byte[8 + 28];
        icmp[0] = 3; // destination unreachable
        icmp[1] = 2; // protocol unreachable
        System.arraycopy(greToClient, 0, icmp, 8, 28);
        SyntheticCapture capture = new SyntheticCapture().outgoingCall(PNS_CALL_ID, PAC_CALL_ID)
                .frame(greToClient)
                .frame(Packets.ipv4(1, SyntheticCapture.CLIENT, SyntheticCapture.SERVER, icmp));

        InspectionReport report = inspect(capture);

        assertThat(findings(report, "icmp-gre-unreachable")).singleElement().satisfies(f -> {
            assertThat(f.frame()).isEqualTo(9);
            assertThat(f.explanation()).startsWith("10.0.0.2 answered GRE 10.0.0.1 -> 10.0.0.2 with ICMP destination unreachable");
        });
    }

    @Test
    void malformedGreAndPppAreReportedWithTheDecodersReasons() throws IOException {
        byte[] badVersion = Packets.enhancedGre(PAC_CALL_ID, 0L, null, new byte[] {(byte) 0xff, 3, (byte) 0xc0, 0x21});
        badVersion[1] = 0x00; // version 0: plain GRE
        SyntheticCapture capture = new SyntheticCapture().outgoingCall(PNS_CALL_ID, PAC_CALL_ID)
                .frame(Packets.ipv4Gre(SyntheticCapture.CLIENT, SyntheticCapture.SERVER, badVersion))
                .clientGre(PAC_CALL_ID, new byte[] {(byte) 0xff, 3, (byte) 0xc0, 0x21, 1, 1, 0, 40}) // LCP Length 40 in 4 octets
                .clientGre(PAC_CALL_ID, new byte[] {(byte) 0xff, 3, (byte) 0xc0, 0x21, 1, 2, 0, 40});

        InspectionReport report = inspect(capture);

        assertThat(findings(report, "malformed")).extracting(Finding::frame, Finding::layer, Finding::reason, Finding::occurrences)
                .containsExactly(tuple(8L, "gre", "bad-version", 1L), tuple(9L, "lcp", "length-beyond-frame", 2L));
    }
}
