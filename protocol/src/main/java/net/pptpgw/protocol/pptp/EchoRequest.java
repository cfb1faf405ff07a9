package net.pptpgw.protocol.pptp;

/**
 * Echo-Request (RFC 2637 §2.5): the keep-alive of the control connection, sent by either side;
 * a sender that gets no Echo-Reply eventually clears the connection.
 *
 * @param identifier a 32-bit value, set by the sender, that the Echo-Reply repeats
 */
public record EchoRequest(long identifier) implements ControlMessage {

    public EchoRequest {
        Fields.u32(identifier, "identifier");
    }

    @Override
    public ControlMessageType type() {
        return ControlMessageType.ECHO_REQUEST;
    }
}
