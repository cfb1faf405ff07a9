package net.pptpgw.protocol.pptp;

/**
 * Call-Clear-Request (RFC 2637 §2.12): the PNS asks the PAC to end a call; the PAC answers
 * with a Call-Disconnect-Notify.
 *
 * @param callId the PNS's Call ID of the call (from its Outgoing-Call-Request or Incoming-Call-Reply)
 */
public record CallClearRequest(int callId) implements ControlMessage {

    public CallClearRequest {
        Fields.u16(callId, "call ID");
    }

    @Override
    public ControlMessageType type() {
        return ControlMessageType.CALL_CLEAR_REQUEST;
    }
}
