/**
 * Enhanced GRE version 1, the data channel of PPTP (RFC 2637 §4).
 *
 * <p>Two ways in, one set of rules:
 * <ul>
 *   <li>The data plane reuses one {@link net.pptpgw.protocol.gre.GreHeader} per receive loop:
 *       {@code decode} returns a {@link net.pptpgw.protocol.gre.GreDecodeStatus} (counted by its
 *       reason, never thrown) and {@code prependTo} writes a header into a buffer's headroom.
 *       Nothing is allocated per packet.</li>
 *   <li>Everything else uses the {@link net.pptpgw.protocol.gre.GrePacket} record and the Netty
 *       {@link net.pptpgw.protocol.gre.GreDecoder} / {@link net.pptpgw.protocol.gre.GreEncoder},
 *       which throw {@link net.pptpgw.protocol.MalformedPacketException} ("gre", same reason).</li>
 * </ul>
 * Sequence and acknowledgment numbers wrap at 2^32; compare them with
 * {@link net.pptpgw.protocol.gre.SequenceNumbers}.
 */
package net.pptpgw.protocol.gre;
