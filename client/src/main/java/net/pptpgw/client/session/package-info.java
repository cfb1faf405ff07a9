/**
 * The PPP engine ({@link net.pptpgw.protocol.ppp.session.PppSession}) in the client role over
 * one call's GRE link.
 */
package net.pptpgw.client.session;
