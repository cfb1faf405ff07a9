/**
 * CCP configuration options (RFC 1962 §4) as {@link net.pptpgw.protocol.ppp.ccp.CcpOption}
 * records, with MPPE/MPPC's Supported Bits (RFC 3078 §2) as
 * {@link net.pptpgw.protocol.ppp.ccp.MppeSupportedBits}; packets, including Reset-Request and
 * Reset-Ack, are decoded with {@link net.pptpgw.protocol.ppp.cp.ProtocolKind#CCP}.
 */
package net.pptpgw.protocol.ppp.ccp;
