/**
 * The IP data plane: one TUN interface for every session, the pool routed to it, packets from
 * the kernel found their session by destination address through an array indexed by pool
 * offset, packets from sessions checked against the session's address, TCP MSS clamped.
 */
package net.pptpgw.concentrator.ip;
