package net.pptpgw.protocol.pptp;

import java.util.Objects;

/**
 * Outgoing-Call-Reply (RFC 2637 §2.8): the PAC's answer to an Outgoing-Call-Request. With
 * result Connected, GRE data may flow in both directions.
 *
 * @param callId the PAC's identifier for this session; the PNS puts it in the GRE key of the
 *     data packets it sends to the PAC
 * @param peerCallId the Call ID of the Outgoing-Call-Request being answered
 * @param resultCode whether the call was established
 * @param errorCode the general error, when the result code is General Error
 * @param causeCode additional failure information (for ISDN, the Q.931 cause code)
 * @param connectSpeed the connection speed used, bits/second
 * @param packetReceiveWindowSize data packets the PAC will buffer for this call
 * @param packetProcessingDelay delay the PAC may impose on data from the PNS, tenths of a second
 * @param physicalChannelId the PAC's vendor-specific channel number, for logs only
 */
public record OutgoingCallReply(
        int callId,
        int peerCallId,
        OutgoingCallResult resultCode,
        GeneralErrorCode errorCode,
        int causeCode,
        long connectSpeed,
        int packetReceiveWindowSize,
        int packetProcessingDelay,
        long physicalChannelId) implements ControlMessage {

    public OutgoingCallReply {
        Fields.u16(callId, "call ID");
        Fields.u16(peerCallId, "peer call ID");
        Objects.requireNonNull(resultCode, "result code");
        Objects.requireNonNull(errorCode, "error code");
        Fields.u16(causeCode, "cause code");
        Fields.u32(connectSpeed, "connect speed");
        Fields.u16(packetReceiveWindowSize, "packet receive window size");
        Fields.u16(packetProcessingDelay, "packet processing delay");
        Fields.u32(physicalChannelId, "physical channel ID");
    }

    @Override
    public ControlMessageType type() {
        return ControlMessageType.OUTGOING_CALL_REPLY;
    }
}
