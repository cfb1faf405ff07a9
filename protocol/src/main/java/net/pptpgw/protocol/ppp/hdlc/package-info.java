/**
 * RFC 1662 octet-stuffed framing for PPP on a byte stream (the pty between pptp/pptpd and
 * pppd): flags, control escapes, ACCM, FCS-16 and FCS-32. PPP inside GRE does not use it.
 *
 * <p>{@link net.pptpgw.protocol.ppp.hdlc.HdlcFrameDecoder} resynchronises on flags and counts
 * what it drops ({@link net.pptpgw.protocol.ppp.hdlc.HdlcDropReason});
 * {@link net.pptpgw.protocol.ppp.hdlc.HdlcFrameEncoder} frames outbound PPP frames;
 * {@link net.pptpgw.protocol.ppp.hdlc.AsyncHdlc} and {@link net.pptpgw.protocol.ppp.hdlc.Fcs}
 * hold the byte-level rules.
 */
package net.pptpgw.protocol.ppp.hdlc;
