package net.pptpgw.concentrator.control;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.net.InetAddress;
import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * A token bucket per source address for new TCP connections: {@code burst} at once, then
 * {@code perSecond} sustained. One source flooding Start-Control-Connection-Requests (or bare
 * TCP connections) is cut off without touching anyone else's budget.
 *
 * <p>The buckets live in a Caffeine cache bounded in size, so a flood from many spoofed-looking
 * sources cannot grow memory without bound; a bucket idle long enough to have refilled is
 * forgotten, which changes nothing, since a fresh bucket is full too.
 */
public final class SourceRateLimiter {

    private final double tokensPerNano;
    private final int burst;
    private final LongSupplier nanoClock;
    private final Cache<InetAddress, Bucket> buckets;

    public SourceRateLimiter(double perSecond, int burst, int maxSources, LongSupplier nanoClock) {
        this.tokensPerNano = perSecond / 1e9;
        this.burst = burst;
        this.nanoClock = nanoClock;
        long refillNanos = (long) Math.ceil(burst / tokensPerNano);
        this.buckets = Caffeine.newBuilder()
                .maximumSize(maxSources)
                .expireAfterAccess(Duration.ofNanos(Math.max(refillNanos, 1)))
                .ticker(nanoClock::getAsLong)
                .executor(Runnable::run)
                .build();
    }

    /** Takes one token from {@code source}'s bucket; false when it is empty. */
    public boolean tryAcquire(InetAddress source) {
        long now = nanoClock.getAsLong();
        return buckets.get(source, key -> new Bucket(burst, now)).tryTake(now, tokensPerNano, burst);
    }

    /** Sources currently tracked (for tests and diagnostics). */
    public long trackedSources() {
        buckets.cleanUp();
        return buckets.estimatedSize();
    }

    private static final class Bucket {
        private double tokens;
        private long lastNanos;

        Bucket(int tokens, long nowNanos) {
            this.tokens = tokens;
            this.lastNanos = nowNanos;
        }

        synchronized boolean tryTake(long nowNanos, double tokensPerNano, int burst) {
            tokens = Math.min(burst, tokens + (nowNanos - lastNanos) * tokensPerNano);
            lastNanos = nowNanos;
            if (tokens < 1) {
                return false;
            }
            tokens -= 1;
            return true;
        }
    }
}
