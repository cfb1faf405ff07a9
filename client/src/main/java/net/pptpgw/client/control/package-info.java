/**
 * The PNS side of the PPTP control connection (RFC 2637 §2, §3): Start-Control-Connection,
 * Outgoing-Calls, Set-Link-Info, Echo, Call-Clear and Stop-Control-Connection, with explicit
 * connection and call states.
 */
package net.pptpgw.client.control;
