package net.pptpgw.protocol.ppp.fsm;

import java.util.Optional;

/**
 * What LCP agreed, in each direction: "receive" parameters come from our acknowledged
 * Configure-Request (the peer must respect them when sending to us), "transmit" ones from the
 * peer's request that we acknowledged (we respect them when sending).
 *
 * @param ourMru the largest Information field the peer may send us (1500 if not negotiated)
 * @param peerMru the largest Information field we send (the peer's MRU, at most our maximum)
 * @param receiveAccm the async control character map the peer applies to what it sends us
 *     (RFC 1662 §7.1; 0xffffffff, every control character escaped, if not negotiated)
 * @param transmitAccm the map we apply to what we send
 * @param authenticatePeerWith the method we authenticate the peer with, if we asked for one
 * @param authenticateToPeerWith the method the peer authenticates us with, if it asked for one
 * @param ourMagicNumber our Magic-Number, 0 if none was negotiated
 * @param peerMagicNumber the peer's Magic-Number, 0 if none
 * @param receivePfc the peer may send us a one-octet Protocol field
 * @param transmitPfc we may send a one-octet Protocol field
 * @param receiveAcfc the peer may omit Address and Control (FF 03) when sending to us
 * @param transmitAcfc we may omit Address and Control
 */
public record LcpAgreement(
        int ourMru,
        int peerMru,
        int receiveAccm,
        int transmitAccm,
        Optional<AuthenticationMethod> authenticatePeerWith,
        Optional<AuthenticationMethod> authenticateToPeerWith,
        int ourMagicNumber,
        int peerMagicNumber,
        boolean receivePfc,
        boolean transmitPfc,
        boolean receiveAcfc,
        boolean transmitAcfc) {}
