package net.pptpgw.protocol.ppp.fsm;

import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * What the local LCP wants and accepts.
 *
 * <p><b>MRU.</b> We ask the peer to send us at most {@code mru} (default 1400, what accel-ppp and
 * Windows use over PPTP: 1400 plus MPPE, PPP, GRE and IP headers stays below an Ethernet MTU
 * of 1500, so tunnelled packets are not fragmented). A peer's MRU is accepted from
 * {@code minimumMru} (default 576) up; below it we Nak with 576, because RFC 791 hosts assume
 * 576-octet datagrams pass whole (a default-MSS TCP segment is 576 octets), because a tiny MRU
 * would multiply our per-packet work (fragmenting every packet for the peer, a cheap attack
 * on a concentrator) and because no PPTP peer asks for less (Windows 1400, pppd 1500, routers
 * 1450-1492); serial links with tiny MRUs can lower it. A peer's MRU above {@code maximumMru}
 * (default 1500) is acknowledged, since it only says what the peer can receive, but we never
 * send more than 1500: over GRE a larger frame would fragment on Ethernet.
 *
 * <p><b>Authentication.</b> {@code authenticatePeerWith} lists, in preference order, the methods
 * we (as authenticator, the server) ask the peer to authenticate with; empty means we do not
 * ask. {@code authenticateToPeerWith} lists the methods we (as the authenticated peer, the
 * client) agree to use when the peer asks; empty means we refuse to authenticate.
 *
 * @param mru the MRU we request for our receive side; 1500 (the default) is not requested
 * @param minimumMru the smallest MRU we accept from the peer, and adopt from its Nak
 * @param maximumMru the largest frame we send, and the largest MRU we adopt from a Nak
 * @param accm the Async-Control-Character-Map to request, for async HDLC links; empty on
 *     synchronous links such as PPTP's GRE, where it means nothing
 * @param authenticatePeerWith methods to request, in preference order (authenticator side)
 * @param authenticateToPeerWith methods we accept, in preference order (authenticatee side)
 * @param magicNumber whether to negotiate a Magic-Number (loop detection, RFC 1661 §6.4)
 * @param loopbackLimit Naks of our Magic-Number in a row before reporting a looped-back link
 * @param requestPfc whether to ask the peer to compress the Protocol field (RFC 1661 §6.5)
 * @param requestAcfc whether to ask the peer to omit Address and Control (RFC 1661 §6.6)
 * @param acceptPfc whether to let the peer ask us to compress the Protocol field
 * @param acceptAcfc whether to let the peer ask us to omit Address and Control
 */
public record LcpSettings(
        int mru,
        int minimumMru,
        int maximumMru,
        OptionalInt accm,
        List<AuthenticationMethod> authenticatePeerWith,
        List<AuthenticationMethod> authenticateToPeerWith,
        boolean magicNumber,
        int loopbackLimit,
        boolean requestPfc,
        boolean requestAcfc,
        boolean acceptPfc,
        boolean acceptAcfc) {

    /** The MRU of RFC 1661 §6.1 when none is negotiated. */
    public static final int DEFAULT_MRU = 1500;
    /** What Windows and accel-ppp use over PPTP. */
    public static final int PPTP_MRU = 1400;
    /** RFC 791's datagram size every host accepts. */
    public static final int MINIMUM_MRU = 576;

    public LcpSettings {
        Objects.requireNonNull(accm, "accm");
        authenticatePeerWith = List.copyOf(authenticatePeerWith);
        authenticateToPeerWith = List.copyOf(authenticateToPeerWith);
        if (minimumMru < 1 || minimumMru > maximumMru || maximumMru > 0xffff || mru < minimumMru || mru > maximumMru) {
            throw new IllegalArgumentException("need 1 <= minimumMru <= mru <= maximumMru <= 65535: "
                    + minimumMru + ", " + mru + ", " + maximumMru);
        }
        if (loopbackLimit < 1) {
            throw new IllegalArgumentException("loopbackLimit must be >= 1: " + loopbackLimit);
        }
        if (authenticatePeerWith.stream().distinct().count() != authenticatePeerWith.size()
                || authenticateToPeerWith.stream().distinct().count() != authenticateToPeerWith.size()) {
            throw new IllegalArgumentException("authentication methods listed twice: "
                    + authenticatePeerWith + ", " + authenticateToPeerWith);
        }
    }

    /**
     * A concentrator: MRU 1400, asks the peer to authenticate with {@code methods} in that order,
     * refuses to authenticate itself, Magic-Number, PFC and ACFC both ways.
     */
    public static LcpSettings server(List<AuthenticationMethod> methods) {
        return new LcpSettings(PPTP_MRU, MINIMUM_MRU, DEFAULT_MRU, OptionalInt.empty(), methods, List.of(),
                true, 10, true, true, true, true);
    }

    /** A client: MRU 1400, authenticates with {@code methods} (preference order), asks for none. */
    public static LcpSettings client(List<AuthenticationMethod> methods) {
        return new LcpSettings(PPTP_MRU, MINIMUM_MRU, DEFAULT_MRU, OptionalInt.empty(), List.of(), methods,
                true, 10, true, true, true, true);
    }

    public LcpSettings withMru(int mru) {
        return new LcpSettings(mru, minimumMru, maximumMru, accm, authenticatePeerWith, authenticateToPeerWith,
                magicNumber, loopbackLimit, requestPfc, requestAcfc, acceptPfc, acceptAcfc);
    }

    public LcpSettings withAccm(OptionalInt accm) {
        return new LcpSettings(mru, minimumMru, maximumMru, accm, authenticatePeerWith, authenticateToPeerWith,
                magicNumber, loopbackLimit, requestPfc, requestAcfc, acceptPfc, acceptAcfc);
    }

    public LcpSettings withMagicNumber(boolean magicNumber) {
        return new LcpSettings(mru, minimumMru, maximumMru, accm, authenticatePeerWith, authenticateToPeerWith,
                magicNumber, loopbackLimit, requestPfc, requestAcfc, acceptPfc, acceptAcfc);
    }

    public LcpSettings withLoopbackLimit(int loopbackLimit) {
        return new LcpSettings(mru, minimumMru, maximumMru, accm, authenticatePeerWith, authenticateToPeerWith,
                magicNumber, loopbackLimit, requestPfc, requestAcfc, acceptPfc, acceptAcfc);
    }

    public LcpSettings withCompression(boolean requestPfc, boolean requestAcfc, boolean acceptPfc, boolean acceptAcfc) {
        return new LcpSettings(mru, minimumMru, maximumMru, accm, authenticatePeerWith, authenticateToPeerWith,
                magicNumber, loopbackLimit, requestPfc, requestAcfc, acceptPfc, acceptAcfc);
    }

    public LcpSettings withAuthentication(List<AuthenticationMethod> authenticatePeerWith,
            List<AuthenticationMethod> authenticateToPeerWith) {
        return new LcpSettings(mru, minimumMru, maximumMru, accm, authenticatePeerWith, authenticateToPeerWith,
                magicNumber, loopbackLimit, requestPfc, requestAcfc, acceptPfc, acceptAcfc);
    }
}
