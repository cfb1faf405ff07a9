package net.pptpgw.concentrator.ip;

import java.util.function.LongSupplier;

/**
 * A token bucket for one thread (the TUN's event loop): {@code burst} at once, then
 * {@code perSecond} sustained. It bounds the ICMP errors the data plane originates, in all,
 * as RFC 1812 §4.3.2.8 asks of a router, so that a flood of oversized packets with forged
 * sources cannot turn the concentrator into a reflector. No allocation.
 */
final class TokenBucket {

    private final double tokensPerNano;
    private final int burst;
    private final LongSupplier nanoClock;
    private double tokens;
    private long lastNanos;

    TokenBucket(double perSecond, int burst, LongSupplier nanoClock) {
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
    boolean tryTake() {
        long now = nanoClock.getAsLong();
        tokens = Math.min(burst, tokens + (now - lastNanos) * tokensPerNano);
        lastNanos = now;
        if (tokens < 1) {
            return false;
        }
        tokens -= 1;
        return true;
    }
}
