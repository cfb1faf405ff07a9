package net.pptpgw.protocol.pptp;

import java.util.Objects;

/**
 * Outgoing-Call-Request (RFC 2637 §2.7): the PNS asks the PAC to place a call. In remote
 * access the client (PNS) sends it to open its one session.
 *
 * @param callId the PNS's identifier for this session, unique per PAC-PNS pair; the PAC puts it
 *     in the GRE key of the data packets it sends to the PNS
 * @param callSerialNumber an identifier for logs, the same on both sides
 * @param minimumBps the lowest acceptable line speed, bits/second
 * @param maximumBps the highest acceptable line speed, bits/second
 * @param bearerType the kind of channel to place the call on
 * @param framingType the PPP framing the call should use
 * @param packetReceiveWindowSize data packets the PNS will buffer for this session
 * @param packetProcessingDelay delay the PNS may impose on data from the PAC, tenths of a second
 * @param phoneNumberLength the number of valid digits in the phone number, as sent (kept even
 *     when it disagrees with {@code phoneNumber}: real clients send 0)
 * @param phoneNumber the number to dial (64-octet field)
 * @param subaddress additional dialing information (64-octet field)
 */
public record OutgoingCallRequest(
        int callId,
        int callSerialNumber,
        long minimumBps,
        long maximumBps,
        BearerType bearerType,
        FramingType framingType,
        int packetReceiveWindowSize,
        int packetProcessingDelay,
        int phoneNumberLength,
        String phoneNumber,
        String subaddress) implements ControlMessage {

    public OutgoingCallRequest {
        Fields.u16(callId, "call ID");
        Fields.u16(callSerialNumber, "call serial number");
        Fields.u32(minimumBps, "minimum BPS");
        Fields.u32(maximumBps, "maximum BPS");
        Objects.requireNonNull(bearerType, "bearer type");
        Objects.requireNonNull(framingType, "framing type");
        Fields.u16(packetReceiveWindowSize, "packet receive window size");
        Fields.u16(packetProcessingDelay, "packet processing delay");
        Fields.u16(phoneNumberLength, "phone number length");
        Fields.fixedString(phoneNumber, Fields.STRING_64, "phone number");
        Fields.fixedString(subaddress, Fields.STRING_64, "subaddress");
    }

    @Override
    public ControlMessageType type() {
        return ControlMessageType.OUTGOING_CALL_REQUEST;
    }
}
