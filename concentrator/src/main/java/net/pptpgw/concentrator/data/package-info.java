/**
 * The concentrator's GRE data plane (RFC 2637 §4): one raw GRE socket for all calls
 * ({@link net.pptpgw.concentrator.data.GreDataPlane}), per-call sequencing
 * ({@link net.pptpgw.concentrator.data.ReceiveWindow} with its reorder buffer,
 * {@link net.pptpgw.concentrator.data.SendWindow}, acknowledgments piggybacked or ack-only) and
 * the {@link net.pptpgw.concentrator.data.PppLink} a session's PPP engine sends and receives
 * frames through, each with its {@link net.pptpgw.concentrator.data.PacketContext} beside it.
 *
 * <pre>
 * raw socket ─ IPv4 ─ GreHeader.decode ─ calls.find(call ID) ─ source == peer? ─ ReceiveWindow ─ PppFrameHandler
 * raw socket ◄─ DatagramPacket ◄─ GRE header in headroom (seq, ack) ◄─ SendWindow open? ◄─ PppLink.send
 * </pre>
 */
package net.pptpgw.concentrator.data;
