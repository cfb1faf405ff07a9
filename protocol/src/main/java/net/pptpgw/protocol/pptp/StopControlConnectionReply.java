package net.pptpgw.protocol.pptp;

import java.util.Objects;

/**
 * Stop-Control-Connection-Reply (RFC 2637 §2.4): the answer to a
 * Stop-Control-Connection-Request.
 *
 * @param resultCode whether the control connection was closed
 * @param errorCode the general error, when the result code is General Error
 */
public record StopControlConnectionReply(StopControlConnectionResult resultCode, GeneralErrorCode errorCode)
        implements ControlMessage {

    public StopControlConnectionReply {
        Objects.requireNonNull(resultCode, "result code");
        Objects.requireNonNull(errorCode, "error code");
    }

    @Override
    public ControlMessageType type() {
        return ControlMessageType.STOP_CONTROL_CONNECTION_REPLY;
    }
}
