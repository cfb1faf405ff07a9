/**
 * {@code pptp-gateway loadgen}: many PPTP client sessions (control connection, call, GRE, PPP
 * client with MS-CHAPv2 + MPPE) from many source addresses, opened at a target rate, held,
 * optionally carrying ICMP traffic, then torn down; it reports setup latency percentiles,
 * failures by reason and the achieved rate.
 */
package net.pptpgw.gateway.loadgen;
