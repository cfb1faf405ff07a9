/**
 * The PPTP passthrough ALG ("NAT helper"): LAN clients dial PPTP servers through the gateway's
 * one WAN address.
 *
 * <p>GRE has no ports. The server's GRE packets carry only the call ID the client chose
 * (RFC 2637 §4.1: the key holds the receiver's call ID), and two LAN clients may choose the
 * same one. The helper therefore proxies every control connection ({@link ControlProxy}),
 * replaces each client call ID with a gateway call ID unique per server address
 * ({@link CallIdTranslator}, {@link ServerCalls}) and routes returning GRE by (server address,
 * gateway call ID) in O(1). {@link MappingTable} holds the live calls and expires idle ones;
 * {@link NatHelper} wires it all.
 */
package net.pptpgw.nathelper;
