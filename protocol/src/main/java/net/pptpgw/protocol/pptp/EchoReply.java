package net.pptpgw.protocol.pptp;

import java.util.Objects;

/**
 * Echo-Reply (RFC 2637 §2.6): the answer to an Echo-Request.
 *
 * @param identifier the identifier of the Echo-Request being answered
 * @param resultCode whether the Echo-Request was accepted
 * @param errorCode the general error, when the result code is General Error
 */
public record EchoReply(long identifier, EchoResult resultCode, GeneralErrorCode errorCode) implements ControlMessage {

    public EchoReply {
        Fields.u32(identifier, "identifier");
        Objects.requireNonNull(resultCode, "result code");
        Objects.requireNonNull(errorCode, "error code");
    }

    @Override
    public ControlMessageType type() {
        return ControlMessageType.ECHO_REPLY;
    }
}
