package net.pptpgw.concentrator.call;

import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.IntFunction;
import java.util.function.LongSupplier;
import java.util.random.RandomGenerator;

/**
 * Allocates the PAC's call IDs and holds the live calls in an array indexed by call ID, so the
 * data plane finds a call with one array read ({@link #find}).
 *
 * <p>Call IDs are 16 bits and 0 is a real one (RFC 2637 §2.8 puts no value aside; pptpd hands
 * out 0 first). Allocation walks the ID space round-robin from a random start, so an ID is
 * reused as late as possible and a peer cannot guess the IDs of other clients' calls from its
 * own first one. On top of that a released ID stays in quarantine for a while: GRE packets and
 * control messages of the old call that are still in flight must not reach a new call that got
 * the same ID.
 *
 * <p>Allocation and release are serialised on this object (they happen at call setup and
 * teardown, not per packet); {@link #find} is lock-free.
 */
public final class CallTable implements CallRegistry {

    /** Call IDs are 16-bit (RFC 2637 §2.7, §2.8). */
    public static final int CALL_ID_SPACE = 1 << 16;

    private final AtomicReferenceArray<Call> calls = new AtomicReferenceArray<>(CALL_ID_SPACE);
    /** Per call ID, the clock value from which it may be handed out again. Guarded by {@code this}. */
    private final long[] reusableFrom = new long[CALL_ID_SPACE];
    private final int maxCalls;
    private final long quarantineNanos;
    private final LongSupplier nanoClock;
    private int nextCandidate;
    private volatile int activeCalls;

    /**
     * @param maxCalls calls that may be live at once, at most {@link #CALL_ID_SPACE}
     * @param quarantine how long a released call ID is not handed out again
     * @param random picks the first call ID to try
     * @param nanoClock a monotonic clock in nanoseconds ({@code System::nanoTime} outside tests)
     */
    public CallTable(int maxCalls, Duration quarantine, RandomGenerator random, LongSupplier nanoClock) {
        if (maxCalls < 1 || maxCalls > CALL_ID_SPACE) {
            throw new IllegalArgumentException("max calls must be 1.." + CALL_ID_SPACE + ", got " + maxCalls);
        }
        if (quarantine.isNegative()) {
            throw new IllegalArgumentException("call ID quarantine must not be negative, got " + quarantine);
        }
        this.maxCalls = maxCalls;
        this.quarantineNanos = quarantine.toNanos();
        this.nanoClock = nanoClock;
        this.nextCandidate = random.nextInt(CALL_ID_SPACE);
        // nanoTime may be negative: "reusable from now" is the only safe initial value.
        Arrays.fill(reusableFrom, nanoClock.getAsLong());
    }

    /** What {@link #allocate} did: a call, or the reason there is none. */
    public sealed interface Allocation {}

    /** @param call the new call, already findable by its call ID */
    public record Allocated(Call call) implements Allocation {}

    /** No call: {@code maxCalls} are live, or every free call ID is still in quarantine. */
    public enum Refused implements Allocation {
        /** As many calls as the table allows are live. */
        MAX_CALLS("max-calls-total"),
        /** Every call ID not in use is in quarantine. */
        NO_CALL_ID("no-call-id");

        private final String tag;

        Refused(String tag) {
            this.tag = tag;
        }

        public String tag() {
            return tag;
        }
    }

    /**
     * Allocates a call ID and publishes the call that {@code newCall} builds for it.
     *
     * @param newCall builds the call for the allocated call ID; must not throw
     */
    public synchronized Allocation allocate(IntFunction<Call> newCall) {
        if (activeCalls >= maxCalls) {
            return Refused.MAX_CALLS;
        }
        long now = nanoClock.getAsLong();
        for (int tried = 0; tried < CALL_ID_SPACE; tried++) {
            int callId = nextCandidate;
            nextCandidate = (nextCandidate + 1) & (CALL_ID_SPACE - 1);
            if (calls.get(callId) == null && now - reusableFrom[callId] >= 0) {
                Call call = newCall.apply(callId);
                if (call.callId() != callId) {
                    throw new IllegalStateException("call built for call ID " + callId + " has " + call.callId());
                }
                calls.set(callId, call);
                activeCalls++;
                return new Allocated(call);
            }
        }
        return Refused.NO_CALL_ID;
    }

    /**
     * Removes {@code call} and puts its call ID in quarantine.
     *
     * @return false when the call was not live (already released): callers may race to release
     */
    public synchronized boolean release(Call call) {
        int callId = call.callId();
        if (calls.get(callId) != call) {
            return false;
        }
        calls.set(callId, null);
        reusableFrom[callId] = nanoClock.getAsLong() + quarantineNanos;
        activeCalls--;
        return true;
    }

    @Override
    public Call find(int callId) {
        return (callId & ~(CALL_ID_SPACE - 1)) == 0 ? calls.get(callId) : null;
    }

    @Override
    public int activeCalls() {
        return activeCalls;
    }

    public int maxCalls() {
        return maxCalls;
    }
}
