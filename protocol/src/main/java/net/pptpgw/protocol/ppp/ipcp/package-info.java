/**
 * IPCP configuration options (RFC 1332 §3, RFC 1877) as
 * {@link net.pptpgw.protocol.ppp.ipcp.IpcpOption} records; packets are decoded with
 * {@link net.pptpgw.protocol.ppp.cp.ProtocolKind#IPCP}.
 */
package net.pptpgw.protocol.ppp.ipcp;
