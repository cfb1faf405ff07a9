package net.pptpgw.protocol.pptp;

import java.util.Objects;

/**
 * Incoming-Call-Connected (RFC 2637 §2.11): the PAC tells the PNS that it answered the call
 * the PNS accepted in its Incoming-Call-Reply.
 *
 * @param peerCallId the Call ID of that Incoming-Call-Reply (the PNS's)
 * @param connectSpeed the connection speed used, bits/second
 * @param packetReceiveWindowSize data packets the PAC will buffer for this call
 * @param packetTransmitDelay delay the PAC may impose on data from the PNS, tenths of a second
 * @param framingType the PPP framing the call uses
 */
public record IncomingCallConnected(
        int peerCallId,
        long connectSpeed,
        int packetReceiveWindowSize,
        int packetTransmitDelay,
        FramingType framingType) implements ControlMessage {

    public IncomingCallConnected {
        Fields.u16(peerCallId, "peer call ID");
        Fields.u32(connectSpeed, "connect speed");
        Fields.u16(packetReceiveWindowSize, "packet receive window size");
        Fields.u16(packetTransmitDelay, "packet transmit delay");
        Objects.requireNonNull(framingType, "framing type");
    }

    @Override
    public ControlMessageType type() {
        return ControlMessageType.INCOMING_CALL_CONNECTED;
    }
}
