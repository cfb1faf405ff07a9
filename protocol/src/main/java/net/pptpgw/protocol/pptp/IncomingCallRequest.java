package net.pptpgw.protocol.pptp;

import java.util.Objects;

/**
 * Incoming-Call-Request (RFC 2637 §2.9): the PAC tells the PNS that a call arrived on its
 * dial side and asks whether to answer it.
 *
 * @param callId the PAC's identifier for this session, unique per PAC-PNS pair
 * @param callSerialNumber an identifier for logs, the same on both sides
 * @param callBearerType the kind of channel the call arrived on
 * @param physicalChannelId the PAC's vendor-specific channel number, for logs only
 * @param dialedNumberLength the number of valid digits in the dialed number, as sent
 * @param dialingNumberLength the number of valid digits in the dialing number, as sent
 * @param dialedNumber the number the caller dialed, DNIS (64-octet field)
 * @param dialingNumber the number the call came from, CLID (64-octet field)
 * @param subaddress additional dialing information (64-octet field)
 */
public record IncomingCallRequest(
        int callId,
        int callSerialNumber,
        BearerType callBearerType,
        long physicalChannelId,
        int dialedNumberLength,
        int dialingNumberLength,
        String dialedNumber,
        String dialingNumber,
        String subaddress) implements ControlMessage {

    public IncomingCallRequest {
        Fields.u16(callId, "call ID");
        Fields.u16(callSerialNumber, "call serial number");
        Objects.requireNonNull(callBearerType, "call bearer type");
        Fields.u32(physicalChannelId, "physical channel ID");
        Fields.u16(dialedNumberLength, "dialed number length");
        Fields.u16(dialingNumberLength, "dialing number length");
        Fields.fixedString(dialedNumber, Fields.STRING_64, "dialed number");
        Fields.fixedString(dialingNumber, Fields.STRING_64, "dialing number");
        Fields.fixedString(subaddress, Fields.STRING_64, "subaddress");
    }

    @Override
    public ControlMessageType type() {
        return ControlMessageType.INCOMING_CALL_REQUEST;
    }
}
