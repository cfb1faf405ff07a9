package net.pptpgw.gateway.inspect;

import java.time.Duration;
import java.time.Instant;

/** Turns capture timestamps into seconds since the capture's first frame, as tshark shows them. */
final class CaptureClock {

    private Instant start;

    /** Notes a frame's timestamp; the first one becomes time zero. */
    void frame(Instant timestamp) {
        if (start == null) {
            start = timestamp;
        }
    }

    double seconds(Instant timestamp) {
        if (start == null || timestamp == null) {
            return 0;
        }
        Duration since = Duration.between(start, timestamp);
        return since.getSeconds() + since.getNano() / 1e9;
    }
}
