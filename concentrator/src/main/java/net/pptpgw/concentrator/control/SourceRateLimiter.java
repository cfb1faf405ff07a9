package net.pptpgw.concentrator.control;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.net.InetAddress;
import java.time.Duration;
import java.util.function.LongSupplier;
import net.pptpgw.concentrator.TokenBucket;

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

    private final double perSecond;
    private final int burst;
    private final LongSupplier nanoClock;
    private final Cache<InetAddress, TokenBucket> buckets;

    public SourceRateLimiter(double perSecond, int burst, int maxSources, LongSupplier nanoClock) {
        this.perSecond = perSecond;
        this.burst = burst;
        this.nanoClock = nanoClock;
        long refillNanos = new TokenBucket(perSecond, burst, nanoClock).refillNanos();
        this.buckets = Caffeine.newBuilder()
                .maximumSize(maxSources)
                .expireAfterAccess(Duration.ofNanos(Math.max(refillNanos, 1)))
                .ticker(nanoClock::getAsLong)
                .executor(Runnable::run)
                .build();
    }

    /** Takes one token from {@code source}'s bucket; false when it is empty. */
    public boolean tryAcquire(InetAddress source) {
        return buckets.get(source, key -> new TokenBucket(perSecond, burst, nanoClock)).tryTake();
    }

    /** Sources currently tracked (for tests and diagnostics). */
    public long trackedSources() {
        buckets.cleanUp();
        return buckets.estimatedSize();
    }
}
