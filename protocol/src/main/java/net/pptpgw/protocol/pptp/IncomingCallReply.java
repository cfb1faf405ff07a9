package net.pptpgw.protocol.pptp;

import java.util.Objects;

/**
 * Incoming-Call-Reply (RFC 2637 §2.10): the PNS's answer to an Incoming-Call-Request.
 *
 * @param callId the PNS's identifier for this session; the PAC puts it in the GRE key of the
 *     data packets it sends to the PNS
 * @param peerCallId the Call ID of the Incoming-Call-Request being answered
 * @param resultCode whether the PAC should answer the call
 * @param errorCode the general error, when the result code is General Error
 * @param packetReceiveWindowSize data packets the PNS will buffer for this call
 * @param packetTransmitDelay delay the PNS may impose on data from the PAC, tenths of a second
 */
public record IncomingCallReply(
        int callId,
        int peerCallId,
        IncomingCallResult resultCode,
        GeneralErrorCode errorCode,
        int packetReceiveWindowSize,
        int packetTransmitDelay) implements ControlMessage {

    public IncomingCallReply {
        Fields.u16(callId, "call ID");
        Fields.u16(peerCallId, "peer call ID");
        Objects.requireNonNull(resultCode, "result code");
        Objects.requireNonNull(errorCode, "error code");
        Fields.u16(packetReceiveWindowSize, "packet receive window size");
        Fields.u16(packetTransmitDelay, "packet transmit delay");
    }

    @Override
    public ControlMessageType type() {
        return ControlMessageType.INCOMING_CALL_REPLY;
    }
}
