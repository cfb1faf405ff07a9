/**
 * Microsoft Point-to-Point Encryption: the MPPE header (RFC 3078 §3), session keys derived from
 * MS-CHAP credentials (RFC 3079) and changed during a session (RFC 3078 §7.3), and RC4.
 *
 * <p>{@link net.pptpgw.protocol.ppp.mppe.MppeHeader}, {@link net.pptpgw.protocol.ppp.mppe.Rc4}
 * and {@link net.pptpgw.protocol.ppp.mppe.MppeSessionKey#change()} run per packet and allocate
 * nothing. A session keeps only what RFC 3078 carries from packet to packet (start key, session
 * key, in stateful mode the RC4 permutation as 256 octets); the SHA-1, digest and RC4 working
 * storage of key changes, and RC4's widened state, are per thread.
 */
package net.pptpgw.protocol.ppp.mppe;
