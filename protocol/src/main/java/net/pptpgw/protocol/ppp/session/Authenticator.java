package net.pptpgw.protocol.ppp.session;

/**
 * One side of one authentication method, as an explicit state machine fed packets and timer
 * expiries: {@code P} is {@link net.pptpgw.protocol.ppp.auth.PapPacket} or {@link
 * net.pptpgw.protocol.ppp.auth.ChapPacket}.
 */
sealed interface Authenticator<P> permits PapAuthenticator, ChapAuthenticator, PapPeer, ChapPeer {

    /** The Authenticate phase begins (RFC 1661 §3.5). */
    void start();

    /** A packet of this method addressed to this side. */
    void receive(P packet);

    /** The link left the phase: stop timers, ignore everything from now on. */
    void stop();
}
