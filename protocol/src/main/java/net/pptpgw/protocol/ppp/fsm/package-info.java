/**
 * The PPP option negotiation automaton (RFC 1661 §4) and the negotiation policies of LCP, IPCP
 * and CCP/MPPE. Pure: no sockets, threads or channels; the caller feeds events and time in and
 * carries out the actions the automaton asks for.
 *
 * <ul>
 *   <li>{@link net.pptpgw.protocol.ppp.fsm.OptionNegotiationAutomaton}: the automaton, written
 *       once for every control protocol, driven by the §4.1 table in
 *       {@link net.pptpgw.protocol.ppp.fsm.TransitionTable}; it reports to
 *       {@link net.pptpgw.protocol.ppp.fsm.AutomatonActions}.
 *   <li>{@link net.pptpgw.protocol.ppp.fsm.NegotiationPolicy}: what a protocol requests and
 *       what it accepts; {@link net.pptpgw.protocol.ppp.fsm.LcpPolicy},
 *       {@link net.pptpgw.protocol.ppp.fsm.IpcpPolicy} and
 *       {@link net.pptpgw.protocol.ppp.fsm.CcpPolicy} implement it, and each yields its agreement
 *       ({@link net.pptpgw.protocol.ppp.fsm.LcpAgreement}, {@link
 *       net.pptpgw.protocol.ppp.fsm.IpcpAgreement}, {@link net.pptpgw.protocol.ppp.fsm.MppeAgreement}).
 *   <li>{@link net.pptpgw.protocol.ppp.fsm.LinkMaintenance}: LCP's Echo, Discard, Code-Reject and
 *       Protocol-Reject packets, which are not negotiation.
 * </ul>
 */
package net.pptpgw.protocol.ppp.fsm;
