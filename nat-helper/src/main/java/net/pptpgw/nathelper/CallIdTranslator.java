package net.pptpgw.nathelper;

import java.lang.System.Logger.Level;
import java.net.Inet4Address;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import net.pptpgw.protocol.pptp.CallClearRequest;
import net.pptpgw.protocol.pptp.CallDisconnectNotify;
import net.pptpgw.protocol.pptp.CallDisconnectResult;
import net.pptpgw.protocol.pptp.ControlMessage;
import net.pptpgw.protocol.pptp.GeneralErrorCode;
import net.pptpgw.protocol.pptp.IncomingCallConnected;
import net.pptpgw.protocol.pptp.IncomingCallReply;
import net.pptpgw.protocol.pptp.IncomingCallResult;
import net.pptpgw.protocol.pptp.OutgoingCallReply;
import net.pptpgw.protocol.pptp.OutgoingCallRequest;
import net.pptpgw.protocol.pptp.OutgoingCallResult;
import net.pptpgw.protocol.pptp.SetLinkInfo;
import net.pptpgw.protocol.pptp.WanErrorNotify;

/**
 * The call-ID rewriting of one proxied control connection: the client (PNS) on the LAN, the
 * server (PAC) on the WAN.
 *
 * <p>Only the client's call IDs are rewritten: the server sees a gateway call ID in their place,
 * unique among all calls to that server, so that its GRE (keyed by the receiver's call ID,
 * RFC 2637 §4.1) tells our clients apart. The server's call IDs go through unchanged: the
 * server keeps them unique itself. Where each message carries the client's call ID
 * (RFC 2637 §2, checked against the kernel's nf_nat_pptp):
 *
 * <pre>
 * client -> server   Outgoing-Call-Request  Call ID            client's -> gateway's (new call)
 *                    Incoming-Call-Reply    Call ID            client's -> gateway's (new call; Peer's = server's)
 *                    Call-Clear-Request     Call ID            client's -> gateway's
 * server -> client   Outgoing-Call-Reply    Peer's Call ID     gateway's -> client's (Call ID = server's, learned)
 *                    Incoming-Call-Connected Peer's Call ID    gateway's -> client's
 *                    WAN-Error-Notify       Peer's Call ID     gateway's -> client's
 *                    Set-Link-Info          Peer's Call ID     gateway's -> client's
 *                    Call-Disconnect-Notify Call ID            gateway's -> client's, see below
 * </pre>
 *
 * Set-Link-Info and WAN-Error-Notify sent by the client name the server's call ID in Peer's
 * Call ID and pass unchanged. Call-Disconnect-Notify: RFC 2637 §2.13 says its Call ID is the
 * PAC's own, but pptp-linux looks the call up by its own ID, accel-ppp sends the PNS's ID, and
 * the kernel's nf_nat_pptp rewrites it as the PNS's; the helper follows the peers (rewrites a
 * gateway call ID) and also accepts the RFC's reading (a server call ID of this connection,
 * passed unchanged).
 *
 * <p>Failures are answered, not left hanging: with every ID toward the server taken, the
 * client gets Outgoing-Call-Reply General Error / No-Resource (RFC 2637 §2.8, §2.16); a
 * Call-Clear-Request for a call the helper does not know gets Call-Disconnect-Notify General
 * Error / Bad-Call ID. A server message naming a call ID of no call on this connection is
 * dropped: passing it on would name another client's call or a stale one.
 *
 * <p>One instance per control connection, used from that connection's event loop only.
 */
public final class CallIdTranslator {

    /** One line per failure reason per second at most: a misbehaving peer must not flood the log. */
    private static final RateLimitedLog FAILURE_LOG = new RateLimitedLog(
            System.getLogger(CallIdTranslator.class.getName()), 1_000_000_000L, System::nanoTime);

    private final MappingTable table;
    private final NatMetrics metrics;
    private final Inet4Address client;
    private final Inet4Address server;
    private final Map<Integer, CallMapping> byClientCallId = new HashMap<>();
    private final Map<Integer, CallMapping> byGatewayCallId = new HashMap<>();
    private boolean closed;

    public CallIdTranslator(MappingTable table, NatMetrics metrics, Inet4Address client, Inet4Address server) {
        this.table = table;
        this.metrics = metrics;
        this.client = client;
        this.server = server;
    }

    /** A message the client sent toward the server. */
    public Translation fromClient(ControlMessage message) {
        return switch (message) {
            case OutgoingCallRequest m -> outgoingCallRequest(m);
            case IncomingCallReply m -> incomingCallReply(m);
            case CallClearRequest m -> callClearRequest(m);
            default -> Translation.forward(message);
        };
    }

    /** A message the server sent toward the client. */
    public Translation fromServer(ControlMessage message) {
        return switch (message) {
            case OutgoingCallReply m -> outgoingCallReply(m);
            case IncomingCallConnected m -> {
                CallMapping call = callForServerMessage(m.peerCallId(), "Incoming-Call-Connected");
                yield call == null ? Translation.DROP : Translation.forward(new IncomingCallConnected(call.clientCallId(),
                        m.connectSpeed(), m.packetReceiveWindowSize(), m.packetTransmitDelay(), m.framingType()));
            }
            case WanErrorNotify m -> {
                CallMapping call = callForServerMessage(m.peerCallId(), "WAN-Error-Notify");
                yield call == null ? Translation.DROP : Translation.forward(new WanErrorNotify(call.clientCallId(),
                        m.crcErrors(), m.framingErrors(), m.hardwareOverruns(), m.bufferOverruns(),
                        m.timeoutErrors(), m.alignmentErrors()));
            }
            case SetLinkInfo m -> {
                CallMapping call = callForServerMessage(m.peerCallId(), "Set-Link-Info");
                yield call == null ? Translation.DROP
                        : Translation.forward(new SetLinkInfo(call.clientCallId(), m.sendAccm(), m.receiveAccm()));
            }
            case CallDisconnectNotify m -> callDisconnectNotify(m);
            default -> Translation.forward(message);
        };
    }

    /** The control connection is gone: every call on it ends. */
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (CallMapping call : new ArrayList<>(byGatewayCallId.values())) {
            end(call, "control-closed");
        }
    }

    /** The calls this connection holds now. */
    public int calls() {
        return byGatewayCallId.size();
    }

    // ---- client -> server

    private Translation outgoingCallRequest(OutgoingCallRequest m) {
        CallMapping call = newCall(m.callId());
        if (call == null) {
            // RFC 2637 §2.8: General Error with error code No-Resource ("insufficient resources
            // to handle this command now"); Call ID 0, the call never existed.
            return Translation.answer(new OutgoingCallReply(0, m.callId(), OutgoingCallResult.GENERAL_ERROR,
                    GeneralErrorCode.NO_RESOURCE, 0, 0, 0, 0, 0));
        }
        return Translation.forward(new OutgoingCallRequest(call.gatewayCallId(), m.callSerialNumber(),
                m.minimumBps(), m.maximumBps(), m.bearerType(), m.framingType(), m.packetReceiveWindowSize(),
                m.packetProcessingDelay(), m.phoneNumberLength(), m.phoneNumber(), m.subaddress()));
    }

    private Translation incomingCallReply(IncomingCallReply m) {
        if (!m.resultCode().equals(IncomingCallResult.CONNECT)) {
            // A refused call never carries GRE: no mapping, and the client's call ID is not
            // shown to the server (0 in its place).
            return Translation.forward(new IncomingCallReply(0, m.peerCallId(), m.resultCode(), m.errorCode(),
                    m.packetReceiveWindowSize(), m.packetTransmitDelay()));
        }
        CallMapping call = newCall(m.callId());
        if (call == null) {
            // The server is told the call is refused for lack of resources (RFC 2637 §2.10), the
            // client that its accepted call is gone.
            return new Translation(
                    new IncomingCallReply(0, m.peerCallId(), IncomingCallResult.GENERAL_ERROR,
                            GeneralErrorCode.NO_RESOURCE, m.packetReceiveWindowSize(), m.packetTransmitDelay()),
                    new CallDisconnectNotify(m.callId(), CallDisconnectResult.GENERAL_ERROR,
                            GeneralErrorCode.NO_RESOURCE, 0, ""));
        }
        // Peer's Call ID is the server's call ID from its Incoming-Call-Request.
        table.learnServerCallId(call, m.peerCallId());
        return Translation.forward(new IncomingCallReply(call.gatewayCallId(), m.peerCallId(), m.resultCode(),
                m.errorCode(), m.packetReceiveWindowSize(), m.packetTransmitDelay()));
    }

    private Translation callClearRequest(CallClearRequest m) {
        CallMapping call = byClientCallId.get(m.callId());
        if (call == null) {
            fail("unknown-call-id", "Call-Clear-Request from " + client.getHostAddress() + " for call ID " + m.callId()
                    + ", which it has no call with; answered Bad-Call ID");
            return Translation.answer(new CallDisconnectNotify(m.callId(), CallDisconnectResult.GENERAL_ERROR,
                    GeneralErrorCode.BAD_CALL_ID, 0, ""));
        }
        // The mapping ends when the server answers with Call-Disconnect-Notify (or the connection closes).
        table.touch(call);
        return Translation.forward(new CallClearRequest(call.gatewayCallId()));
    }

    private CallMapping newCall(int clientCallId) {
        CallMapping previous = byClientCallId.get(clientCallId);
        if (previous != null) {
            // The client reuses a call ID it still holds: it gave up on that call without telling.
            end(previous, "replaced");
        }
        CallMapping call = table.open(client, clientCallId, server);
        if (call == null) {
            fail("call-id-exhausted", "no free call ID toward " + server.getHostAddress() + " for client "
                    + client.getHostAddress() + " call ID " + clientCallId + "; the call is refused (No-Resource)");
            return null;
        }
        byClientCallId.put(clientCallId, call);
        byGatewayCallId.put(call.gatewayCallId(), call);
        return call;
    }

    // ---- server -> client

    private Translation outgoingCallReply(OutgoingCallReply m) {
        CallMapping call = callForServerMessage(m.peerCallId(), "Outgoing-Call-Reply");
        if (call == null) {
            return Translation.DROP;
        }
        table.learnServerCallId(call, m.callId());
        OutgoingCallReply translated = new OutgoingCallReply(m.callId(), call.clientCallId(), m.resultCode(),
                m.errorCode(), m.causeCode(), m.connectSpeed(), m.packetReceiveWindowSize(),
                m.packetProcessingDelay(), m.physicalChannelId());
        if (!m.resultCode().equals(OutgoingCallResult.CONNECTED)) {
            // RFC 2637 §2.8: any other result means the call was not established.
            end(call, "call-refused");
        }
        return Translation.forward(translated);
    }

    private Translation callDisconnectNotify(CallDisconnectNotify m) {
        CallMapping call = byGatewayCallId.get(m.callId());
        int callId;
        if (call != null) {
            callId = call.clientCallId();
        } else {
            call = byServerCallId(m.callId());
            if (call == null) {
                fail("unknown-call-id", "Call-Disconnect-Notify from " + server.getHostAddress() + " for call ID "
                        + m.callId() + ", no call of client " + client.getHostAddress() + "; dropped");
                return Translation.DROP;
            }
            callId = m.callId(); // the RFC's reading: the server's own call ID, which the client knows as is
        }
        end(call, "call-disconnect-notify");
        return Translation.forward(new CallDisconnectNotify(callId, m.resultCode(), m.errorCode(), m.causeCode(),
                m.callStatistics()));
    }

    private CallMapping byServerCallId(int serverCallId) {
        for (CallMapping call : byGatewayCallId.values()) {
            if (call.serverCallId() == serverCallId) {
                return call;
            }
        }
        return null;
    }

    private CallMapping callForServerMessage(int gatewayCallId, String message) {
        CallMapping call = byGatewayCallId.get(gatewayCallId);
        if (call == null) {
            fail("unknown-call-id", message + " from " + server.getHostAddress() + " names call ID " + gatewayCallId
                    + ", no call of client " + client.getHostAddress() + "; dropped");
            return null;
        }
        table.touch(call);
        return call;
    }

    private void end(CallMapping call, String reason) {
        byGatewayCallId.remove(call.gatewayCallId(), call);
        byClientCallId.remove(call.clientCallId(), call);
        table.close(call, reason);
    }

    private void fail(String reason, String detail) {
        metrics.translationFailure(reason);
        FAILURE_LOG.log(Level.WARNING, reason, "call-ID translation failed (" + reason + "): " + detail);
    }
}
