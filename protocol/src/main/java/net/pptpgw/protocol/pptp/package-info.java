/**
 * PPTP control connection (RFC 2637 §1.4, §2): the 15 control messages as records, their
 * result/error codes as value types that keep unknown codes, and the codec that frames them
 * on the TCP stream.
 *
 * <ul>
 *   <li>{@link net.pptpgw.protocol.pptp.ControlMessages}: one message to and from bytes, for any
 *       caller (the Netty handlers, a NAT helper, a pcap inspector).
 *   <li>{@link net.pptpgw.protocol.pptp.PptpControlDecoder} / {@link
 *       net.pptpgw.protocol.pptp.PptpControlEncoder}: the same on a Netty pipeline; the decoder
 *       frames the TCP stream itself.
 *   <li>{@link net.pptpgw.protocol.pptp.ControlMessageType}: code, exact length, sender and the
 *       byte offsets of the call ID fields that a NAT helper rewrites in place.
 * </ul>
 *
 * <p>Numbers follow one convention: 8- and 16-bit fields are {@code int}, 32-bit counters,
 * speeds and identifiers are {@code long} (unsigned on the wire, so they never show negative),
 * 32-bit bit masks (capabilities, ACCM) are {@code int}. Every record checks its ranges when it
 * is built, so whatever exists can be encoded.
 */
package net.pptpgw.protocol.pptp;
