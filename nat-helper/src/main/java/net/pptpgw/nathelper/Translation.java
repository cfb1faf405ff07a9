package net.pptpgw.nathelper;

import net.pptpgw.protocol.pptp.ControlMessage;

/**
 * What the proxy does with one control message: send {@code toPeer} on (to the server for a
 * client's message, to the client for the server's) and/or answer the sender with
 * {@code toSender}. Both null: the message is dropped.
 */
public record Translation(ControlMessage toPeer, ControlMessage toSender) {

    static final Translation DROP = new Translation(null, null);

    static Translation forward(ControlMessage message) {
        return new Translation(message, null);
    }

    static Translation answer(ControlMessage message) {
        return new Translation(null, message);
    }
}
