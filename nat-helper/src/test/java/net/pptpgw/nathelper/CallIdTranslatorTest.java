package net.pptpgw.nathelper;

import static net.pptpgw.nathelper.Fixture.*;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.Inet4Address;
import java.util.HexFormat;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;
import net.pptpgw.protocol.pptp.*;
import org.junit.jupiter.api.Test;

/**
 * The rewrite of every control message type, both directions, byte for byte: a translated
 * message must differ from the original in the call-ID field RFC 2637 §2 names, and nowhere else.
 */
class CallIdTranslatorTest {

    private static final Inet4Address CLIENT = ip("192.168.10.11");
    private static final Inet4Address SERVER = ip("198.18.0.2");
    private static final int CLIENT_CALL_ID = 0x4242;
    private static final int SERVER_CALL_ID = 0x0080;

    private final Fixture fixture = new Fixture();
    private final CallIdTranslator translator = new CallIdTranslator(fixture.table, fixture.metrics, CLIENT, SERVER);

    /** Outgoing call set up: returns the gateway call ID the server saw. */
    private int outgoingCall(CallIdTranslator t, int clientCallId, int serverCallId) {
        OutgoingCallRequest request = (OutgoingCallRequest) t.fromClient(ocrq(clientCallId)).toPeer();
        int gatewayCallId = request.callId();
        t.fromServer(ocrp(serverCallId, gatewayCallId, OutgoingCallResult.CONNECTED));
        return gatewayCallId;
    }

    private static byte[] translated(Translation translation) {
        assertThat(translation.toSender()).isNull();
        assertThat(translation.toPeer()).isNotNull();
        return bytes(translation.toPeer());
    }

    @Test
    void outgoingCallRequestCarriesTheGatewayCallIdInPlaceOfTheClients() {
        byte[] original = bytes(ocrq(CLIENT_CALL_ID));
        // RFC 2637 §2.7 laid out by hand: the Call ID is octets 12-13.
        assertThat(HexFormat.of().formatHex(original, 0, 16)).isEqualTo("00a800011a2b3c4d0007000042425151");
        Translation translation = translator.fromClient(decode(original));
        int gatewayCallId = ((OutgoingCallRequest) translation.toPeer()).callId();
        assertThat(translated(translation)).isEqualTo(patched(original, 12, gatewayCallId));

        CallMapping mapping = fixture.table.byGatewayCallId(SERVER, gatewayCallId);
        assertThat(mapping).isNotNull();
        assertThat(mapping.client()).isEqualTo(CLIENT);
        assertThat(mapping.clientCallId()).isEqualTo(CLIENT_CALL_ID);
        assertThat(mapping.serverCallId()).isEqualTo(CallMapping.UNKNOWN);
        assertThat(fixture.counter("pptp.nat.mappings.created")).isEqualTo(1);
        assertThat(fixture.gauge("pptp.nat.mappings.live")).isEqualTo(1);
    }

    @Test
    void outgoingCallReplyGetsTheClientsCallIdBackAndTeachesTheServerCallId() {
        int gatewayCallId = ((OutgoingCallRequest) translator.fromClient(ocrq(CLIENT_CALL_ID)).toPeer()).callId();
        byte[] original = bytes(ocrp(SERVER_CALL_ID, gatewayCallId, OutgoingCallResult.CONNECTED));
        // RFC 2637 §2.8: Call ID octets 12-13 (the server's, unchanged), Peer's Call ID 14-15.
        assertThat(translated(translator.fromServer(decode(original))))
                .isEqualTo(patched(original, 14, CLIENT_CALL_ID));
        assertThat(fixture.table.byServerCallId(SERVER, SERVER_CALL_ID).gatewayCallId()).isEqualTo(gatewayCallId);
    }

    @Test
    void incomingCallRequestPassesUnchangedAndItsReplyIsRewritten() {
        byte[] request = bytes(icrq(SERVER_CALL_ID));
        assertThat(translated(translator.fromServer(decode(request)))).isEqualTo(request);

        byte[] reply = bytes(icrp(CLIENT_CALL_ID, SERVER_CALL_ID, IncomingCallResult.CONNECT));
        Translation translation = translator.fromClient(decode(reply));
        int gatewayCallId = ((IncomingCallReply) translation.toPeer()).callId();
        // RFC 2637 §2.10: Call ID (the client's) octets 12-13, Peer's Call ID (the server's) 14-15.
        assertThat(translated(translation)).isEqualTo(patched(reply, 12, gatewayCallId));
        CallMapping mapping = fixture.table.byServerCallId(SERVER, SERVER_CALL_ID);
        assertThat(mapping.gatewayCallId()).isEqualTo(gatewayCallId);
        assertThat(mapping.clientCallId()).isEqualTo(CLIENT_CALL_ID);

        byte[] connected = bytes(iccn(gatewayCallId));
        // RFC 2637 §2.11: Peer's Call ID octets 12-13.
        assertThat(translated(translator.fromServer(decode(connected)))).isEqualTo(patched(connected, 12, CLIENT_CALL_ID));
    }

    @Test
    void aRefusedIncomingCallGetsNoMappingAndDoesNotShowTheClientsCallId() {
        byte[] reply = bytes(icrp(CLIENT_CALL_ID, SERVER_CALL_ID, IncomingCallResult.DO_NOT_ACCEPT));
        assertThat(translated(translator.fromClient(decode(reply)))).isEqualTo(patched(reply, 12, 0));
        assertThat(translator.calls()).isZero();
        assertThat(fixture.counter("pptp.nat.mappings.created")).isZero();
    }

    @Test
    void callClearRequestIsRewrittenAndTheCallEndsWithTheServersDisconnectNotify() {
        int gatewayCallId = outgoingCall(translator, CLIENT_CALL_ID, SERVER_CALL_ID);
        byte[] clear = bytes(new CallClearRequest(CLIENT_CALL_ID));
        // RFC 2637 §2.12: Call ID octets 12-13.
        assertThat(translated(translator.fromClient(decode(clear)))).isEqualTo(patched(clear, 12, gatewayCallId));
        assertThat(fixture.table.byGatewayCallId(SERVER, gatewayCallId)).as("not gone before it is answered").isNotNull();

        byte[] disconnect = bytes(cdn(gatewayCallId));
        // RFC 2637 §2.13: Call ID octets 12-13; real peers put the PNS's call ID there.
        assertThat(translated(translator.fromServer(decode(disconnect)))).isEqualTo(patched(disconnect, 12, CLIENT_CALL_ID));
        assertThat(fixture.table.byGatewayCallId(SERVER, gatewayCallId)).isNull();
        assertThat(fixture.table.byServerCallId(SERVER, SERVER_CALL_ID)).isNull();
        assertThat(fixture.table.isReserved(SERVER, gatewayCallId)).isFalse();
        assertThat(translator.calls()).isZero();
        assertThat(fixture.counter("pptp.nat.mappings.removed", "reason", "call-disconnect-notify")).isEqualTo(1);
        assertThat(fixture.gauge("pptp.nat.mappings.live")).isZero();
    }

    @Test
    void disconnectNotifyWithTheServersOwnCallIdAsTheRfcReadsIt() {
        int gatewayCallId = outgoingCall(translator, CLIENT_CALL_ID, SERVER_CALL_ID);
        byte[] disconnect = bytes(cdn(SERVER_CALL_ID));
        assertThat(translated(translator.fromServer(decode(disconnect)))).isEqualTo(disconnect);
        assertThat(fixture.table.byGatewayCallId(SERVER, gatewayCallId)).isNull();
    }

    @Test
    void wanErrorNotifyAndSetLinkInfoFromTheServerAreRewritten() {
        int gatewayCallId = outgoingCall(translator, CLIENT_CALL_ID, SERVER_CALL_ID);
        byte[] wen = bytes(wen(gatewayCallId));
        byte[] sli = bytes(sli(gatewayCallId));
        // RFC 2637 §2.14, §2.15: Peer's Call ID octets 12-13.
        assertThat(translated(translator.fromServer(decode(wen)))).isEqualTo(patched(wen, 12, CLIENT_CALL_ID));
        assertThat(translated(translator.fromServer(decode(sli)))).isEqualTo(patched(sli, 12, CLIENT_CALL_ID));
    }

    @Test
    void setLinkInfoAndWanErrorNotifyFromTheClientNameTheServersCallIdAndPassUnchanged() {
        outgoingCall(translator, CLIENT_CALL_ID, SERVER_CALL_ID);
        for (ControlMessage message : List.of(sli(SERVER_CALL_ID), wen(SERVER_CALL_ID))) {
            byte[] original = bytes(message);
            assertThat(translated(translator.fromClient(decode(original)))).isEqualTo(original);
        }
    }

    @Test
    void messagesWithoutCallIdsPassUnchangedBothWays() {
        List<ControlMessage> messages = List.of(sccrq(), sccrp(),
                new StopControlConnectionRequest(StopControlConnectionReason.NONE),
                new StopControlConnectionReply(StopControlConnectionResult.OK, GeneralErrorCode.NONE),
                new EchoRequest(0xCAFEF00DL), new EchoReply(0xCAFEF00DL, EchoResult.OK, GeneralErrorCode.NONE));
        for (ControlMessage message : messages) {
            byte[] original = bytes(message);
            assertThat(translated(translator.fromClient(decode(original)))).as("%s from client", message.type())
                    .isEqualTo(original);
            assertThat(translated(translator.fromServer(decode(original)))).as("%s from server", message.type())
                    .isEqualTo(original);
        }
    }

    @Test
    void serverMessagesNamingNoCallOfThisConnectionAreDropped() {
        int gatewayCallId = outgoingCall(translator, CLIENT_CALL_ID, SERVER_CALL_ID);
        int other = (gatewayCallId + 1) & 0xFFFF;
        for (ControlMessage message : List.of(ocrp(7, other, OutgoingCallResult.CONNECTED), iccn(other), wen(other),
                sli(other), cdn(other == SERVER_CALL_ID ? other + 1 : other))) {
            assertThat(translator.fromServer(message)).as("%s", message.type()).isEqualTo(Translation.DROP);
        }
        assertThat(fixture.counter("pptp.nat.translation.failures", "reason", "unknown-call-id")).isEqualTo(5);
        assertThat(translator.calls()).isOne();
    }

    @Test
    void aCallClearRequestForNoCallIsAnsweredBadCallId() {
        Translation translation = translator.fromClient(new CallClearRequest(0x1111));
        assertThat(translation.toPeer()).isNull();
        assertThat(bytes(translation.toSender())).isEqualTo(bytes(new CallDisconnectNotify(0x1111,
                CallDisconnectResult.GENERAL_ERROR, GeneralErrorCode.BAD_CALL_ID, 0, "")));
    }

    @Test
    void aRefusedOutgoingCallEndsItsMapping() {
        int gatewayCallId = ((OutgoingCallRequest) translator.fromClient(ocrq(CLIENT_CALL_ID)).toPeer()).callId();
        byte[] reply = bytes(ocrp(0, gatewayCallId, OutgoingCallResult.BUSY));
        assertThat(translated(translator.fromServer(decode(reply)))).isEqualTo(patched(reply, 14, CLIENT_CALL_ID));
        assertThat(fixture.table.byGatewayCallId(SERVER, gatewayCallId)).isNull();
        assertThat(fixture.counter("pptp.nat.mappings.removed", "reason", "call-refused")).isEqualTo(1);
    }

    @Test
    void severalCallsOnOneConnectionAreKeptApart() {
        int a = outgoingCall(translator, 1, 100);
        int b = outgoingCall(translator, 2, 200);
        assertThat(a).isNotEqualTo(b);
        assertThat(translator.calls()).isEqualTo(2);
        assertThat(((OutgoingCallReply) translator.fromServer(ocrp(100, a, OutgoingCallResult.CONNECTED)).toPeer())
                .peerCallId()).isEqualTo(1);
        translator.fromServer(cdn(a));
        assertThat(fixture.table.byGatewayCallId(SERVER, b).clientCallId()).isEqualTo(2);
    }

    @Test
    void clientsWithTheSameCallIdGetDifferentGatewayCallIds() {
        CallIdTranslator other = new CallIdTranslator(fixture.table, fixture.metrics, ip("192.168.10.12"), SERVER);
        int a = outgoingCall(translator, CLIENT_CALL_ID, 0);
        int b = outgoingCall(other, CLIENT_CALL_ID, 128);
        assertThat(a).isNotEqualTo(b);
        assertThat(fixture.table.byGatewayCallId(SERVER, a).client()).isEqualTo(CLIENT);
        assertThat(fixture.table.byGatewayCallId(SERVER, b).client()).isEqualTo(ip("192.168.10.12"));
    }

    @Test
    void closingTheControlConnectionEndsEveryCallAtOnce() {
        int a = outgoingCall(translator, 1, 100);
        int b = outgoingCall(translator, 2, 200);
        translator.close();
        assertThat(fixture.table.byGatewayCallId(SERVER, a)).isNull();
        assertThat(fixture.table.byGatewayCallId(SERVER, b)).isNull();
        assertThat(fixture.table.byServerCallId(SERVER, 100)).isNull();
        assertThat(fixture.counter("pptp.nat.mappings.removed", "reason", "control-closed")).isEqualTo(2);
        assertThat(fixture.gauge("pptp.nat.mappings.live")).isZero();
    }

    @Test
    void withEveryIdTowardTheServerTakenTheClientIsToldNoResource() {
        Logger log = Logger.getLogger(MappingTable.class.getName());
        Level level = log.getLevel();
        log.setLevel(Level.WARNING); // 65536 "mapping created" lines are not the point here
        try {
            for (int i = 0; i < ServerCalls.CALL_IDS; i++) {
                assertThat(fixture.table.open(ip("192.168.10.99"), i, SERVER)).isNotNull();
            }
        } finally {
            log.setLevel(level);
        }
        byte[] request = bytes(ocrq(CLIENT_CALL_ID));
        Translation translation = translator.fromClient(decode(request));
        assertThat(translation.toPeer()).as("nothing reaches the server").isNull();
        // RFC 2637 §2.8: Call ID 0, Peer's Call ID = the request's, result 2 (General Error), error 4 (No-Resource).
        assertThat(HexFormat.of().formatHex(bytes(translation.toSender())))
                .isEqualTo("0020" + "0001" + "1a2b3c4d" + "0008" + "0000" + "0000" + "4242" + "02" + "04" + "0000"
                        + "00000000" + "0000" + "0000" + "00000000");
        assertThat(fixture.counter("pptp.nat.translation.failures", "reason", "call-id-exhausted")).isEqualTo(1);

        // Another server has its own 65536.
        CallIdTranslator elsewhere = new CallIdTranslator(fixture.table, fixture.metrics, CLIENT, ip("198.18.0.3"));
        assertThat(elsewhere.fromClient(ocrq(CLIENT_CALL_ID)).toPeer()).isInstanceOf(OutgoingCallRequest.class);
    }

    @Test
    void anIncomingCallWithNoIdLeftIsRefusedToTheServerAndDisconnectedToTheClient() {
        Logger log = Logger.getLogger(MappingTable.class.getName());
        Level level = log.getLevel();
        log.setLevel(Level.WARNING);
        try {
            for (int i = 0; i < ServerCalls.CALL_IDS; i++) {
                fixture.table.open(ip("192.168.10.99"), i, SERVER);
            }
        } finally {
            log.setLevel(level);
        }
        Translation translation = translator.fromClient(icrp(CLIENT_CALL_ID, SERVER_CALL_ID, IncomingCallResult.CONNECT));
        assertThat(translation.toPeer()).isEqualTo(new IncomingCallReply(0, SERVER_CALL_ID,
                IncomingCallResult.GENERAL_ERROR, GeneralErrorCode.NO_RESOURCE, 0x0020, 0x0007));
        assertThat(translation.toSender()).isEqualTo(new CallDisconnectNotify(CLIENT_CALL_ID,
                CallDisconnectResult.GENERAL_ERROR, GeneralErrorCode.NO_RESOURCE, 0, ""));
    }

    @Test
    void aClientReusingALiveCallIdReplacesItsOldCall() {
        int first = outgoingCall(translator, CLIENT_CALL_ID, 100);
        int second = outgoingCall(translator, CLIENT_CALL_ID, 200);
        assertThat(second).isNotEqualTo(first);
        assertThat(fixture.table.byGatewayCallId(SERVER, first)).isNull();
        assertThat(translator.calls()).isOne();
        assertThat(fixture.counter("pptp.nat.mappings.removed", "reason", "replaced")).isEqualTo(1);
    }
}
