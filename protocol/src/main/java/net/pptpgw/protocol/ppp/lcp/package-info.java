/**
 * LCP configuration options (RFC 1661 §6, RFC 1570, RFC 1990, RFC 1994 §3.1) as
 * {@link net.pptpgw.protocol.ppp.lcp.LcpOption} records; the packets themselves are the shared
 * {@link net.pptpgw.protocol.ppp.cp.ControlPacket} types decoded with
 * {@link net.pptpgw.protocol.ppp.cp.ProtocolKind#LCP}.
 */
package net.pptpgw.protocol.ppp.lcp;
