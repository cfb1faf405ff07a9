/**
 * The concentrator (PAC role, RFC 2637): {@link net.pptpgw.concentrator.ConcentratorServer}
 * terminates PPTP control connections on TCP 1723 and hands out calls that the data plane finds
 * by call ID. Sub-packages by feature: {@code control} (the control connection state machine,
 * limits, metrics), {@code call} (call IDs, the call registry, call events).
 */
package net.pptpgw.concentrator;
