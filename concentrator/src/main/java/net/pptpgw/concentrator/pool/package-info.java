/** The IPv4 addresses handed to sessions (IPCP), and the offset index the TUN return path uses. */
package net.pptpgw.concentrator.pool;
