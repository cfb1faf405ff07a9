/**
 * The PPTP client: the PNS role of RFC 2637 (it places Outgoing-Calls on a PAC's control
 * connection), with GRE for its calls and the PPP client on each call.
 *
 * <p>{@link net.pptpgw.client.PptpClient} ties the layers together: {@code control} speaks the
 * control connection, {@code data} carries the calls' GRE on one raw socket (reusing the
 * concentrator's GRE data plane, which is the same in both roles), {@code session} runs the PPP
 * engine in the client role over each call. The load generator and the product's dial-out
 * uplink both build on it.
 */
package net.pptpgw.client;
