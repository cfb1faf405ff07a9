package net.pptpgw.protocol.ppp.session;

/** Which end of the link this session is, for authentication and MPPE key direction (RFC 3079 §3.4). */
public enum Role {
    /** The authenticator: the concentrator, pptpd's pppd. */
    SERVER,
    /** The authenticated peer: the PPTP client. */
    CLIENT
}
