package net.pptpgw.protocol.ppp.fsm;

import java.net.Inet4Address;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What the local IPCP wants and offers (RFC 1332, RFC 1877).
 *
 * @param localAddress our address to announce; empty to ask the peer for one (request
 *     0.0.0.0 and adopt its Nak, as a PPTP client does)
 * @param peerAddress the address the peer must use (a concentrator's pick from its pool),
 *     enforced by Nak; empty to take whatever address the peer announces
 * @param primaryDns offered to a peer that asks (RFC 1877 §1.1); empty: its request is rejected
 * @param secondaryDns offered likewise (§1.3)
 * @param primaryNbns the WINS server offered to a peer that asks (§1.2)
 * @param secondaryNbns likewise (§1.4)
 * @param requestDns whether to ask the peer for primary and secondary DNS servers
 * @param requestNbns whether to ask the peer for primary and secondary NBNS (WINS) servers
 */
public record IpcpSettings(
        Optional<Inet4Address> localAddress,
        Optional<Inet4Address> peerAddress,
        Optional<Inet4Address> primaryDns,
        Optional<Inet4Address> secondaryDns,
        Optional<Inet4Address> primaryNbns,
        Optional<Inet4Address> secondaryNbns,
        boolean requestDns,
        boolean requestNbns) {

    public IpcpSettings {
        for (Optional<Inet4Address> address : List.of(localAddress, peerAddress, primaryDns, secondaryDns,
                primaryNbns, secondaryNbns)) {
            Objects.requireNonNull(address, "address");
            if (address.filter(IpcpPolicy::unspecified).isPresent()) {
                throw new IllegalArgumentException("0.0.0.0 means 'unknown' in IPCP; leave the address empty instead");
            }
        }
    }

    /** A concentrator: announces {@code local}, assigns {@code peer}, offers the given servers (0-2 each). */
    public static IpcpSettings server(Inet4Address local, Inet4Address peer, List<Inet4Address> dns, List<Inet4Address> nbns) {
        return new IpcpSettings(Optional.of(local), Optional.of(peer), nth(dns, 0), nth(dns, 1), nth(nbns, 0), nth(nbns, 1),
                false, false);
    }

    /**
     * These settings with {@code peer} to assign: a concentrator makes one per session from one
     * template, sharing everything else (tens of thousands of sessions, issue 5).
     */
    public IpcpSettings withPeerAddress(Inet4Address peer) {
        return new IpcpSettings(localAddress, Optional.of(peer), primaryDns, secondaryDns, primaryNbns, secondaryNbns,
                requestDns, requestNbns);
    }

    /** A client: asks for its address, takes the server's, optionally asks for DNS and WINS servers. */
    public static IpcpSettings client(boolean requestDns, boolean requestNbns) {
        return new IpcpSettings(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), requestDns, requestNbns);
    }

    private static Optional<Inet4Address> nth(List<Inet4Address> addresses, int index) {
        return index < addresses.size() ? Optional.of(addresses.get(index)) : Optional.empty();
    }
}
