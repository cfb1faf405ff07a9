package net.pptpgw.protocol.ppp.session;

import java.time.Duration;
import java.util.Optional;
import java.util.random.RandomGenerator;
import net.pptpgw.protocol.ppp.auth.ChapPacket;
import net.pptpgw.protocol.ppp.auth.PapPacket;
import net.pptpgw.protocol.ppp.fsm.Termination;
import net.pptpgw.protocol.ppp.mppe.MppeKeyDerivation.StartKeys;

/** What the session offers its authentication state machines. */
interface AuthContext {

    void send(PapPacket packet);

    void send(ChapPacket packet);

    PppTimers.Timer schedule(Duration delay, Runnable task);

    RandomGenerator random();

    /** The restart timer and retransmission count of RFC 1661 §4.6, reused for Challenges and PAP requests. */
    Duration restartTimer();

    int maxTransmissions();

    void event(String message);

    /** This side of authentication succeeded; {@code keys} are MPPE start keys (MS-CHAP only). */
    void succeeded(Optional<String> peerName, Optional<StartKeys> keys);

    /** This side failed; the link ends. */
    void failed(Termination reason);

    /** Why authentication ends a link (Termination causes). */
    String AUTHENTICATION_FAILED = "authentication-failed";
    String AUTHENTICATION_TIMEOUT = "authentication-timeout";
    String MUTUAL_AUTHENTICATION_FAILED = "mutual-authentication-failed";
}
