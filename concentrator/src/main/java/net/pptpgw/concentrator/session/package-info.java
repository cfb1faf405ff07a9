/**
 * PPP sessions on the calls: the PPP engine in the server role on each call's GRE link, its
 * address from the pool (or the user's fixed one from chap-secrets), its IP through the
 * {@link net.pptpgw.concentrator.ip.IpDataPlane}, and {@link net.pptpgw.concentrator.session.Sessions},
 * the one place that knows the live sessions.
 */
package net.pptpgw.concentrator.session;
