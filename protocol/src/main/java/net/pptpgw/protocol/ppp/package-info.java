/**
 * PPP frames (RFC 1661 §2) as they travel inside GRE: optional address and control
 * ({@code ff 03}, RFC 1662 §3.1), a one- or two-octet protocol field, the information.
 *
 * <p>{@link net.pptpgw.protocol.ppp.PppHeader} is the allocation-free data-plane path (decode to
 * protocol and payload offset, prepend in place); {@link net.pptpgw.protocol.ppp.PppFrame} with
 * {@link net.pptpgw.protocol.ppp.PppFrameDecoder} / {@link net.pptpgw.protocol.ppp.PppFrameEncoder}
 * serve the control path. Decoding accepts every header form; encoding applies ACFC and PFC
 * only where RFC 1661 allows (never ACFC for LCP, PFC only for compressible values).
 * Protocol numbers are {@link net.pptpgw.protocol.ppp.PppProtocol} values, unknown ones kept.
 * The contents of LCP, NCP and authentication packets live in the sub-packages;
 * {@link net.pptpgw.protocol.ppp.hdlc} frames PPP on a byte stream.
 */
package net.pptpgw.protocol.ppp;
