package net.pptpgw.protocol.gre;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

/** RFC 1982 serial-number arithmetic with SERIAL_BITS = 32. */
class SequenceNumbersTest {

    @Test
    void comparesAcrossTheWrap() {
        assertThat(SequenceNumbers.isAfter(1, 0)).isTrue();
        assertThat(SequenceNumbers.isAfter(0, 0xFFFF_FFFFL)).isTrue();
        assertThat(SequenceNumbers.isAfter(0xFFFF_FFFFL, 0)).isFalse();
        assertThat(SequenceNumbers.isBefore(0xFFFF_FFFFL, 0)).isTrue();
        assertThat(SequenceNumbers.isAfter(5, 5)).isFalse();
        assertThat(SequenceNumbers.isBefore(5, 5)).isFalse();
        assertThat(SequenceNumbers.isAfter(0x7FFF_FFFFL, 0)).isTrue(); // 2^31 - 1 ahead: still after
        assertThat(SequenceNumbers.isAfter(0x8000_0001L, 0)).isFalse(); // more than 2^31 ahead: before
        assertThat(SequenceNumbers.isBefore(0x8000_0001L, 0)).isTrue();
    }

    @Test
    void numbersHalfTheSpaceApartAreUnordered() {
        // RFC 1982 §3.2 leaves this case undefined; treating it as neither keeps it out of windows.
        assertThat(SequenceNumbers.isAfter(0x8000_0000L, 0)).isFalse();
        assertThat(SequenceNumbers.isAfter(0, 0x8000_0000L)).isFalse();
        assertThat(SequenceNumbers.isBefore(0x8000_0000L, 0)).isFalse();
        assertThat(SequenceNumbers.distance(0, 0x8000_0000L)).isEqualTo(Integer.MIN_VALUE);
    }

    @Test
    void distanceIsSignedAndWraps() {
        assertThat(SequenceNumbers.distance(0xFFFF_FFFFL, 1)).isEqualTo(2);
        assertThat(SequenceNumbers.distance(1, 0xFFFF_FFFFL)).isEqualTo(-2);
        assertThat(SequenceNumbers.distance(10, 10)).isZero();
    }

    @Test
    void acceptsSignExtendedInts() {
        int last = 0xFFFF_FFFF; // -1 as an int
        assertThat(SequenceNumbers.isAfter(0, last)).isTrue();
        assertThat(SequenceNumbers.next(last)).isZero();
        assertThat(SequenceNumbers.distance(last, 0)).isEqualTo(1);
    }

    @Test
    void nextAndAddWrapModulo2To32() {
        assertThat(SequenceNumbers.next(0xFFFF_FFFFL)).isZero();
        assertThat(SequenceNumbers.next(41)).isEqualTo(42);
        assertThat(SequenceNumbers.add(0xFFFF_FFF0L, 0x20)).isEqualTo(0x10);
        assertThat(SequenceNumbers.add(7, Integer.MAX_VALUE)).isEqualTo(7L + Integer.MAX_VALUE);
        assertThatThrownBy(() -> SequenceNumbers.add(0, -1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SequenceNumbers.add(0, 1L << 31)).isInstanceOf(IllegalArgumentException.class);
    }

    @Property
    void addingAnAllowedIncrementMovesForward(@ForAll @LongRange(min = 0, max = 0xFFFF_FFFFL) long n,
            @ForAll @IntRange(min = 1, max = Integer.MAX_VALUE) int increment) {
        long later = SequenceNumbers.add(n, increment);
        assertThat(later).isBetween(0L, 0xFFFF_FFFFL);
        assertThat(SequenceNumbers.isAfter(later, n)).isTrue();
        assertThat(SequenceNumbers.isBefore(n, later)).isTrue();
        assertThat(SequenceNumbers.isAfter(n, later)).isFalse();
        assertThat(SequenceNumbers.distance(n, later)).isEqualTo(increment);
        assertThat(SequenceNumbers.distance(later, n)).isEqualTo(-increment);
    }
}
