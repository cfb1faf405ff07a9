package net.pptpgw.concentrator;

import java.util.function.LongSupplier;

/**
 * A token bucket: {@code burst} at once, then {@code perSecond} sustained, on a nanosecond
 * clock. Bounds what a source may start (new control connections, {@code SourceRateLimiter})
 * and what the data plane originates (ICMP errors, RFC 1812 §4.3.2.8, so that a flood of
 * oversized packets with forged sources cannot turn the concentrator into a reflector).
 * Thread-safe; allocates nothing.
 */
public final class TokenBucket {

    private final double tokensPerNano;
    private final int burst;
    private final LongSupplier nanoClock;
    private double tokens;
    private long lastNanos;

    public TokenBucket(double perSecond, int burst, LongSupplier nanoClock) {
        if (!(perSecond > 0) || burst < 1) {
            throw new IllegalArgumentException("need perSecond > 0 and burst >= 1: " + perSecond + ", " + burst);
        }
        this.tokensPerNano = perSecond / 1e9;
        this.burst = burst;
        this.nanoClock = nanoClock;
        this.tokens = burst;
        this.lastNanos = nanoClock.getAsLong();
    }

    /** Takes one token; false when the bucket is empty. */
    public synchronized boolean tryTake() {
        long now = nanoClock.getAsLong();
        tokens = Math.min(burst, tokens + (now - lastNanos) * tokensPerNano);
        lastNanos = now;
        if (tokens < 1) {
            return false;
        }
        tokens -= 1;
        return true;
    }

    /** Nanoseconds an empty bucket takes to fill up again. */
    public long refillNanos() {
        return (long) Math.ceil(burst / tokensPerNano);
    }
}
