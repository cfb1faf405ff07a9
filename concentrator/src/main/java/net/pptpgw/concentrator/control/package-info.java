/**
 * The PPTP control connection, PAC side (RFC 2637 §2, §3.1.2): the Netty pipeline, the
 * {@link net.pptpgw.concentrator.control.ControlConnectionHandler} state machine, the limits that
 * keep floods and idle holders from locking clients out, and the meters.
 */
package net.pptpgw.concentrator.control;
