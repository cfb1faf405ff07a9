/**
 * A PPP session over frames (RFC 1661 §3): the phases Dead, Establish, Authenticate, Network and
 * Terminate, LCP through the {@link net.pptpgw.protocol.ppp.fsm.OptionNegotiationAutomaton},
 * authentication as a state machine per method and side (PAP, CHAP-MD5, MS-CHAP, MS-CHAPv2),
 * IPCP and CCP side by side, and the MPPE data path (RFC 3078) in place on the frame buffers.
 *
 * <p>Pure: no sockets, no threads, no clock. The caller hands in frames ({@link
 * net.pptpgw.protocol.ppp.session.PppSession#receive}), takes frames out ({@link
 * net.pptpgw.protocol.ppp.session.PppOutput}), and runs timers ({@link
 * net.pptpgw.protocol.ppp.session.PppTimers}) on the same thread.
 */
package net.pptpgw.protocol.ppp.session;
