package net.pptpgw.concentrator.session;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.time.Instant;

/**
 * One live session as {@link Sessions#list()} reports it: a snapshot, for the admin command.
 *
 * @param id the session's ID, for {@link Sessions#end}
 * @param user the authenticated user, "" before authentication
 * @param peer the PNS's address (outer IP)
 * @param callId our call ID
 * @param peerCallId the PNS's call ID
 * @param address the address assigned to the peer inside the tunnel
 * @param state where the session is
 * @param started when the call was set up
 * @param packetsIn IPv4 packets received from the peer
 * @param bytesIn their bytes
 * @param packetsOut IPv4 packets sent to the peer
 * @param bytesOut their bytes
 */
public record SessionInfo(long id, String user, InetAddress peer, int callId, int peerCallId, Inet4Address address,
        SessionState state, Instant started, long packetsIn, long bytesIn, long packetsOut, long bytesOut) {}
