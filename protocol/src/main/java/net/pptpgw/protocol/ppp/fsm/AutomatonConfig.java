package net.pptpgw.protocol.ppp.fsm;

import java.time.Duration;
import java.util.Objects;

/**
 * The counters and timer of RFC 1661 §4.6, with the RFC's suggested defaults.
 *
 * @param restartTimer how long to wait for a reply to a Configure- or Terminate-Request
 *     (default 3 seconds)
 * @param maxTerminate Terminate-Requests sent before assuming the peer cannot answer (default 2)
 * @param maxConfigure Configure-Requests sent without a valid reply before giving up (default 10)
 * @param maxFailure Configure-Naks sent without sending a Configure-Ack before Naks turn into
 *     Rejects, so that a negotiation that does not converge ends (default 5)
 */
public record AutomatonConfig(Duration restartTimer, int maxTerminate, int maxConfigure, int maxFailure) {

    public static final AutomatonConfig DEFAULTS = new AutomatonConfig(Duration.ofSeconds(3), 2, 10, 5);

    public AutomatonConfig {
        Objects.requireNonNull(restartTimer, "restartTimer");
        if (restartTimer.isNegative() || restartTimer.isZero()) {
            throw new IllegalArgumentException("restartTimer must be positive: " + restartTimer);
        }
        if (maxTerminate < 1 || maxConfigure < 1 || maxFailure < 0) {
            throw new IllegalArgumentException("maxTerminate and maxConfigure must be >= 1, maxFailure >= 0: "
                    + maxTerminate + ", " + maxConfigure + ", " + maxFailure);
        }
    }

    public AutomatonConfig withRestartTimer(Duration restartTimer) {
        return new AutomatonConfig(restartTimer, maxTerminate, maxConfigure, maxFailure);
    }

    public AutomatonConfig withMaxTerminate(int maxTerminate) {
        return new AutomatonConfig(restartTimer, maxTerminate, maxConfigure, maxFailure);
    }

    public AutomatonConfig withMaxConfigure(int maxConfigure) {
        return new AutomatonConfig(restartTimer, maxTerminate, maxConfigure, maxFailure);
    }

    public AutomatonConfig withMaxFailure(int maxFailure) {
        return new AutomatonConfig(restartTimer, maxTerminate, maxConfigure, maxFailure);
    }
}
