package net.pptpgw.concentrator.call;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.embedded.EmbeddedChannel;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/** The call ID allocator: unique IDs, round-robin from a random start, quarantine, exhaustion. */
class CallTableTest {

    private static final EmbeddedChannel CONTROL = new EmbeddedChannel();
    private static final InetAddress PEER = InetAddress.getLoopbackAddress();

    private long now = 5_000_000_000L;

    private CallTable table(int maxCalls, Duration quarantine, int firstCallId) {
        return new CallTable(maxCalls, quarantine, fixedStart(firstCallId), () -> now);
    }

    private static RandomGenerator fixedStart(int firstCallId) {
        return new RandomGenerator() {
            @Override
            public long nextLong() {
                return firstCallId;
            }

            @Override
            public int nextInt(int bound) {
                return firstCallId % bound;
            }
        };
    }

    private static Call allocate(CallTable table, int peerCallId) {
        CallTable.Allocation allocation = table.allocate(id -> new Call(id, peerCallId, PEER, CONTROL, 0, 3, 0, 0, 0));
        return allocation instanceof CallTable.Allocated(Call call) ? call : null;
    }

    @Test
    void startsAtTheRandomPointAndWrapsAtSixteenBits() {
        CallTable table = table(10, Duration.ZERO, 0xfffe);
        assertThat(allocate(table, 1).callId()).isEqualTo(0xfffe);
        assertThat(allocate(table, 2).callId()).isEqualTo(0xffff);
        assertThat(allocate(table, 3).callId()).as("0 is a real call ID").isZero();
    }

    @Test
    void everyCallIdOnceWithNoDuplicatesThenExhausted() {
        CallTable table = table(CallTable.CALL_ID_SPACE, Duration.ZERO, 12345);
        BitSet seen = new BitSet();
        for (int i = 0; i < CallTable.CALL_ID_SPACE; i++) {
            Call call = allocate(table, i);
            assertThat(seen.get(call.callId())).isFalse();
            seen.set(call.callId());
            assertThat(table.find(call.callId())).isSameAs(call);
        }
        assertThat(seen.cardinality()).isEqualTo(CallTable.CALL_ID_SPACE);
        assertThat(table.allocate(id -> new Call(id, 0, PEER, CONTROL, 0, 0, 0, 0, 0)))
                .isEqualTo(CallTable.Refused.MAX_CALLS);
    }

    @Test
    void releasedCallIdStaysInQuarantine() {
        CallTable table = table(CallTable.CALL_ID_SPACE, Duration.ofSeconds(30), 0);
        List<Call> calls = new ArrayList<>();
        for (int i = 0; i < CallTable.CALL_ID_SPACE; i++) {
            calls.add(allocate(table, i));
        }
        Call released = calls.get(777);
        assertThat(table.release(released)).isTrue();
        assertThat(table.find(777)).isNull();
        assertThat(table.activeCalls()).isEqualTo(CallTable.CALL_ID_SPACE - 1);

        assertThat(table.allocate(id -> new Call(id, 0, PEER, CONTROL, 0, 0, 0, 0, 0)))
                .as("the only free ID is in quarantine").isEqualTo(CallTable.Refused.NO_CALL_ID);
        now += Duration.ofSeconds(29).toNanos();
        assertThat(table.allocate(id -> new Call(id, 0, PEER, CONTROL, 0, 0, 0, 0, 0)))
                .isEqualTo(CallTable.Refused.NO_CALL_ID);
        now += Duration.ofSeconds(1).toNanos();
        assertThat(allocate(table, 1).callId()).isEqualTo(777);
    }

    @Test
    void roundRobinReusesAnIdAsLateAsPossible() {
        CallTable table = table(100, Duration.ZERO, 500);
        Call first = allocate(table, 1);
        table.release(first);
        assertThat(allocate(table, 2).callId()).as("not the one just released").isEqualTo(501);
    }

    @Test
    void maxCallsBelowTheIdSpace() {
        CallTable table = table(2, Duration.ZERO, 0);
        Call a = allocate(table, 1);
        allocate(table, 2);
        assertThat(table.allocate(id -> new Call(id, 3, PEER, CONTROL, 0, 0, 0, 0, 0))).isEqualTo(CallTable.Refused.MAX_CALLS);
        table.release(a);
        assertThat(allocate(table, 3)).isNotNull();
    }

    @Test
    void releaseIsIdempotent() {
        CallTable table = table(10, Duration.ZERO, 0);
        Call call = allocate(table, 1);
        assertThat(table.release(call)).isTrue();
        assertThat(table.release(call)).isFalse();
        assertThat(table.activeCalls()).isZero();
    }

    @Test
    void findOutsideSixteenBitsIsNull() {
        CallTable table = table(10, Duration.ZERO, 0);
        allocate(table, 1);
        assertThat(table.find(0x10000)).isNull();
        assertThat(table.find(-1)).isNull();
    }

    /**
     * Any sequence of allocations, releases and clock steps: live calls have distinct IDs, each
     * findable under its own ID, none of them an ID released less than the quarantine ago.
     */
    @Property(tries = 200)
    void invariantsHoldForAnySequence(@ForAll @Size(max = 400) List<@IntRange(min = 0, max = 9) Integer> operations,
            @ForAll @IntRange(min = 1, max = 64) int maxCalls, @ForAll long seed) {
        long quarantine = Duration.ofSeconds(3).toNanos();
        CallTable table = new CallTable(maxCalls, Duration.ofNanos(quarantine), new SplittableRandom(seed), () -> now);
        SplittableRandom pick = new SplittableRandom(seed);
        Map<Integer, Call> live = new HashMap<>();
        Map<Integer, Long> releasedAt = new HashMap<>();
        for (int op : operations) {
            if (op < 6) {
                Call call = allocate(table, op);
                if (call == null) {
                    assertThat(live).hasSize(maxCalls);
                } else {
                    assertThat(live).doesNotContainKey(call.callId());
                    Long released = releasedAt.get(call.callId());
                    assertThat(released == null || now - released >= quarantine).isTrue();
                    live.put(call.callId(), call);
                }
            } else if (op < 9 && !live.isEmpty()) {
                List<Integer> ids = new ArrayList<>(live.keySet());
                Call call = live.remove(ids.get(pick.nextInt(ids.size())));
                assertThat(table.release(call)).isTrue();
                releasedAt.put(call.callId(), now);
            } else {
                now += Duration.ofSeconds(1).toNanos();
            }
            assertThat(table.activeCalls()).isEqualTo(live.size());
            live.forEach((id, call) -> assertThat(table.find(id)).isSameAs(call));
        }
    }
}
