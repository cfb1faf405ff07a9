package net.pptpgw.protocol.pptp;

import java.util.Objects;

/**
 * Call-Disconnect-Notify (RFC 2637 §2.13): the PAC tells the PNS that a call ended, on its own
 * or after a Call-Clear-Request.
 *
 * @param callId the PAC's Call ID of the call (from its Outgoing-Call-Reply or Incoming-Call-Request)
 * @param resultCode why the call was disconnected
 * @param errorCode the general error, when the result code is General Error
 * @param causeCode additional disconnect information (for ISDN, the Q.931 cause code)
 * @param callStatistics vendor-specific call statistics for logs (128-octet field)
 */
public record CallDisconnectNotify(
        int callId,
        CallDisconnectResult resultCode,
        GeneralErrorCode errorCode,
        int causeCode,
        String callStatistics) implements ControlMessage {

    public CallDisconnectNotify {
        Fields.u16(callId, "call ID");
        Objects.requireNonNull(resultCode, "result code");
        Objects.requireNonNull(errorCode, "error code");
        Fields.u16(causeCode, "cause code");
        Fields.fixedString(callStatistics, Fields.STRING_128, "call statistics");
    }

    @Override
    public ControlMessageType type() {
        return ControlMessageType.CALL_DISCONNECT_NOTIFY;
    }
}
