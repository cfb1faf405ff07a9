/**
 * GRE for the client's calls: the concentrator's {@link net.pptpgw.concentrator.data.GreDataPlane}
 * (GRE is symmetric: each side finds a call by its own call ID in the key, RFC 2637 §4.1) over
 * a registry of the client's calls, and the IPv4 header a client with many source addresses
 * writes itself (IP_HDRINCL).
 */
package net.pptpgw.client.data;
