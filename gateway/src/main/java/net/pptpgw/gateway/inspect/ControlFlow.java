package net.pptpgw.gateway.inspect;

import java.net.Inet4Address;

/**
 * One PPTP control connection seen in a capture: the TCP connection to the control port.
 *
 * <p>"Client" is the side that connected to the control port (TCP 1723, RFC 2637 section 2),
 * "server" the side listening on it; which of them is the PNS and which the PAC is for the
 * PPTP layer above to tell.
 */
public record ControlFlow(Inet4Address client, int clientPort, Inet4Address server, int serverPort) {

    /** Which way bytes travel on a control connection. */
    public enum Direction {
        CLIENT_TO_SERVER,
        SERVER_TO_CLIENT
    }

    @Override
    public String toString() {
        return client.getHostAddress() + ":" + clientPort + " -> " + server.getHostAddress() + ":" + serverPort;
    }
}
