package net.pptpgw.nathelper;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Logs at most one line per key (a drop reason) per interval, and tells how many were
 * suppressed since: a flood of forged GRE must not become a flood of log lines.
 */
final class RateLimitedLog {

    private final Logger logger;
    private final long intervalNanos;
    private final LongSupplier clock;
    private final Map<String, Window> windows = new ConcurrentHashMap<>();

    private static final class Window {
        volatile long nextNanos;
        final AtomicLong suppressed = new AtomicLong();

        Window(long nextNanos) {
            this.nextNanos = nextNanos;
        }
    }

    RateLimitedLog(Logger logger, long intervalNanos, LongSupplier clock) {
        this.logger = logger;
        this.intervalNanos = intervalNanos;
        this.clock = clock;
    }

    /**
     * Whether a line for {@code key} may be logged now: returns how many were suppressed since
     * the last one, or -1 when this one must be suppressed too. Callers build their message only
     * when it is not -1, so a suppressed event allocates nothing.
     */
    long permit(String key) {
        long now = clock.getAsLong();
        Window window = windows.get(key);
        if (window == null) {
            window = windows.computeIfAbsent(key, k -> new Window(now));
        }
        if (now - window.nextNanos < 0) {
            window.suppressed.incrementAndGet();
            return -1;
        }
        synchronized (window) {
            if (now - window.nextNanos < 0) {
                window.suppressed.incrementAndGet();
                return -1;
            }
            window.nextNanos = now + intervalNanos;
        }
        return window.suppressed.getAndSet(0);
    }

    /** Logs {@code message} if {@link #permit} allows it, with the number of lines suppressed before it. */
    void log(Level level, String key, String message) {
        long suppressed = permit(key);
        if (suppressed >= 0 && logger.isLoggable(level)) {
            logger.log(level, suppressed == 0 ? message : message + " (" + suppressed + " more like it not logged)");
        }
    }
}
