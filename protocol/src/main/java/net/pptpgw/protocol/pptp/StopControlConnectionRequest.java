package net.pptpgw.protocol.pptp;

import java.util.Objects;

/**
 * Stop-Control-Connection-Request (RFC 2637 §2.3): asks the peer to close the control
 * connection. Either side may send it; all calls on the connection are cleared first.
 *
 * @param reason why the connection is being closed
 */
public record StopControlConnectionRequest(StopControlConnectionReason reason) implements ControlMessage {

    public StopControlConnectionRequest {
        Objects.requireNonNull(reason, "reason");
    }

    @Override
    public ControlMessageType type() {
        return ControlMessageType.STOP_CONTROL_CONNECTION_REQUEST;
    }
}
