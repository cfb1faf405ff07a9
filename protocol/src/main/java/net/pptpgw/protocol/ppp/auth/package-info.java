/**
 * PPP authentication: PAP (RFC 1334) and CHAP (RFC 1994) packets with their codecs, the
 * MS-CHAP and MS-CHAPv2 views of CHAP values and messages (RFC 2433, RFC 2759), and the
 * response computations of CHAP-MD5, MS-CHAP and MS-CHAPv2.
 *
 * <p>Decoders take the information field of one PPP frame and throw only
 * {@link net.pptpgw.protocol.MalformedPacketException}; unknown codes are kept.
 */
package net.pptpgw.protocol.ppp.auth;
