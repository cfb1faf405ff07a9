/**
 * Calls: the PAC's call ID allocator and registry ({@link net.pptpgw.concentrator.call.CallTable},
 * an array indexed by the 16-bit call ID that GRE packets carry), the
 * {@link net.pptpgw.concentrator.call.Call} itself and the events a PPP session starts and stops on.
 */
package net.pptpgw.concentrator.call;
