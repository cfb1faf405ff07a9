package net.pptpgw.client.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class CallIdAllocatorTest {

    @Test
    void handsOutEveryIdOnceThenRefusesAndReusesReleasedOnesLast() {
        CallIdAllocator ids = new CallIdAllocator();
        for (int i = 0; i < CallIdAllocator.CALL_ID_SPACE; i++) {
            assertThat(ids.allocate()).isEqualTo(i);
        }
        assertThat(ids.allocate()).isEqualTo(-1);
        ids.release(5);
        ids.release(3);
        assertThat(ids.inUse()).isEqualTo(CallIdAllocator.CALL_ID_SPACE - 2);
        // Next-fit wraps to the lowest free ID.
        assertThat(ids.allocate()).isEqualTo(3);
        assertThat(ids.allocate()).isEqualTo(5);
        ids.release(5);
        ids.release(5); // twice: no effect
        assertThat(ids.inUse()).isEqualTo(CallIdAllocator.CALL_ID_SPACE - 1);
    }

    @Test
    void aReleasedIdWaitsForTheOthers() {
        CallIdAllocator ids = new CallIdAllocator();
        int first = ids.allocate();
        ids.release(first);
        assertThat(ids.allocate()).isEqualTo(first + 1);
    }

    @Test
    void aRandomStartIsWhereTheFirstIdComesFromAndTheSpaceStillWraps() {
        CallIdAllocator ids = new CallIdAllocator(0xFFFF);
        assertThat(ids.allocate()).isEqualTo(0xFFFF);
        assertThat(ids.allocate()).isZero();
        assertThatThrownBy(() -> new CallIdAllocator(0x10000)).isInstanceOf(IllegalArgumentException.class);
    }
}
