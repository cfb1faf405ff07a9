/**
 * The packet format that LCP, IPCP and CCP share (RFC 1661 §5): Code, Identifier, Length and
 * Data, as {@link net.pptpgw.protocol.ppp.cp.ControlPacket} records, decoded and encoded by
 * {@link net.pptpgw.protocol.ppp.cp.ControlPacketCodec}.
 *
 * <p>These are PPP Information fields: the frame around them (address, control, Protocol
 * field) belongs to {@code net.pptpgw.protocol.ppp}. The protocol-specific parts, the codes a
 * protocol uses and the meaning of its options, come from {@link
 * net.pptpgw.protocol.ppp.cp.ProtocolKind}, which ties in the option decoders of the
 * {@code lcp}, {@code ipcp} and {@code ccp} packages.
 */
package net.pptpgw.protocol.ppp.cp;
