/**
 * The IP data plane: one TUN interface for every session, the pool routed to it, packets from
 * the kernel found their session by destination address through an array indexed by pool
 * offset, packets from sessions checked against the session's address, TCP MSS clamped. Each
 * session has its own MTU (its peer's MRU less MPPE): larger packets from the kernel are
 * fragmented, or refused with a rate-limited ICMP Fragmentation Needed when DF is set, as a
 * router does (RFC 791, RFC 1191, RFC 1812).
 */
package net.pptpgw.concentrator.ip;
