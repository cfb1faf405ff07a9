package net.pptpgw.nathelper;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The gateway call-ID space of one server: unique, random, all 65536 usable, quarantine. */
class ServerCallsTest {

    private static final long QUARANTINE = 30_000_000_000L;
    private final ServerCalls calls = new ServerCalls(Fixture.ip("198.18.0.2"));

    @Test
    void everyOneOf65536IdsIsHandedOutOnceThenNone() {
        SplittableRandom random = new SplittableRandom(7);
        Set<Integer> seen = new HashSet<>();
        for (int i = 0; i < ServerCalls.CALL_IDS; i++) {
            int id = calls.reserve(random, 0);
            assertThat(id).isBetween(0, 0xFFFF);
            assertThat(seen.add(id)).as("ID %d handed out twice", id).isTrue();
        }
        assertThat(seen).contains(0, 0xFFFF); // 0 is a call ID like any other (pptpd hands it out)
        assertThat(calls.reserve(random, 0)).isEqualTo(-1);
        assertThat(calls.reservedCount()).isEqualTo(ServerCalls.CALL_IDS);
    }

    @Test
    void idsAreDrawnAtRandomNotInSequence() {
        int[] a = draw(new SplittableRandom(1), 64);
        int[] b = draw(new SplittableRandom(2), 64);
        assertThat(a).isNotEqualTo(b);
        int ascending = 0;
        for (int i = 1; i < a.length; i++) {
            if (a[i] == a[i - 1] + 1) {
                ascending++;
            }
        }
        assertThat(ascending).as("consecutive IDs would let an attacker guess the next call").isLessThan(3);
    }

    private static int[] draw(SplittableRandom random, int n) {
        ServerCalls fresh = new ServerCalls(Fixture.ip("198.18.0.2"));
        int[] ids = new int[n];
        for (int i = 0; i < n; i++) {
            ids[i] = fresh.reserve(random, 0);
        }
        return ids;
    }

    @Test
    void aReleasedIdIsNotReusedDuringQuarantine() {
        SplittableRandom random = new SplittableRandom(3);
        for (int i = 0; i < ServerCalls.CALL_IDS; i++) {
            calls.reserve(random, 0);
        }
        calls.release(4242, 1_000, QUARANTINE);
        assertThat(calls.isReserved(4242)).isFalse();
        assertThat(calls.reserve(random, 1_000)).as("only 4242 is not held, and it is in quarantine").isEqualTo(-1);
        assertThat(calls.reserve(random, 1_000 + QUARANTINE - 1)).isEqualTo(-1);
        assertThat(calls.reserve(random, 1_000 + QUARANTINE)).isEqualTo(4242);
    }

    @Test
    void quarantineHoldsOnlyTheReleasedIds() {
        SplittableRandom random = new SplittableRandom(4);
        int first = calls.reserve(random, 0);
        calls.release(first, 0, QUARANTINE);
        Set<Integer> next = new HashSet<>();
        for (int i = 0; i < ServerCalls.CALL_IDS - 1; i++) {
            next.add(calls.reserve(random, 1));
        }
        assertThat(next).hasSize(ServerCalls.CALL_IDS - 1).doesNotContain(first);
    }

    @Test
    void releasingTwiceOrAnUnheldIdChangesNothing() {
        SplittableRandom random = new SplittableRandom(5);
        int id = calls.reserve(random, 0);
        calls.release(id, 0, QUARANTINE);
        calls.release(id, 0, QUARANTINE);
        calls.release((id + 1) & 0xFFFF, 0, QUARANTINE);
        assertThat(calls.reservedCount()).isZero();
        assertThat(calls.idle(QUARANTINE - 1, QUARANTINE)).isFalse();
        assertThat(calls.idle(QUARANTINE, QUARANTINE)).isTrue();
    }
}
