package net.pptpgw.protocol.ppp.fsm;

import java.net.Inet4Address;
import java.util.Optional;

/**
 * What IPCP agreed: the two ends of the point-to-point link and the name servers exchanged
 * (learned from the peer by a client, handed out by a server).
 *
 * @param localAddress our address
 * @param peerAddress the peer's address, when it announced one or we assigned one
 */
public record IpcpAgreement(
        Inet4Address localAddress,
        Optional<Inet4Address> peerAddress,
        Optional<Inet4Address> primaryDns,
        Optional<Inet4Address> secondaryDns,
        Optional<Inet4Address> primaryNbns,
        Optional<Inet4Address> secondaryNbns) {}
