package net.pptpgw.concentrator.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.Inet4Address;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.OptionalInt;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.pptpgw.concentrator.Ipv4;
import org.junit.jupiter.api.Test;

class AddressPoolTest {

    @Test
    void rangesCidrAndSingleAddressesGetConsecutiveOffsets() {
        AddressPool pool = AddressPool.parse(List.of("10.0.0.10-10.0.0.250", "10.1.0.0/24", "192.0.2.7",
                "198.51.100.0/31"));
        assertThat(pool.size()).isEqualTo(241 + 254 + 1 + 2);
        assertThat(pool.address(0)).isEqualTo(ip("10.0.0.10"));
        assertThat(pool.address(240)).isEqualTo(ip("10.0.0.250"));
        assertThat(pool.address(241)).isEqualTo(ip("10.1.0.1")); // network address left out
        assertThat(pool.address(494)).isEqualTo(ip("10.1.0.254")); // broadcast left out
        assertThat(pool.address(495)).isEqualTo(ip("192.0.2.7"));
        assertThat(pool.address(496)).isEqualTo(ip("198.51.100.0")); // RFC 3021: /31 has both
        assertThat(pool.lookup(Ipv4.toInt(ip("10.1.0.1")))).isEqualTo(241);
        assertThat(pool.lookup(Ipv4.toInt(ip("198.51.100.1")))).isEqualTo(497);
        for (String outside : List.of("10.0.0.9", "10.0.0.251", "10.1.0.0", "10.1.0.255", "192.0.2.8", "0.0.0.0",
                "255.255.255.255")) {
            assertThat(pool.lookup(Ipv4.toInt(ip(outside)))).as(outside).isEqualTo(-1);
        }
    }

    @Test
    void highAddressesCompareUnsigned() {
        AddressPool pool = AddressPool.parse(List.of("240.0.0.1-240.0.0.3", "10.0.0.1-10.0.0.2"));
        assertThat(pool.lookup(Ipv4.toInt(ip("240.0.0.3")))).isEqualTo(2);
        assertThat(pool.lookup(Ipv4.toInt(ip("10.0.0.2")))).isEqualTo(4);
        assertThat(pool.lookup(Ipv4.toInt(ip("240.0.0.4")))).isEqualTo(-1);
    }

    @Test
    void exhaustionIsEmptyAndReleasedAddressesComeBackLast() {
        AddressPool pool = AddressPool.parse(List.of("10.0.0.1-10.0.0.3"));
        assertThat(List.of(pool.allocate(), pool.allocate(), pool.allocate()))
                .containsExactly(OptionalInt.of(0), OptionalInt.of(1), OptionalInt.of(2));
        assertThat(pool.allocate()).isEmpty();
        assertThat(pool.release(1)).isTrue();
        assertThat(pool.release(1)).as("double release").isFalse();
        assertThat(pool.allocated()).isEqualTo(2);
        assertThat(pool.allocate()).hasValue(1);
        assertThat(pool.allocate()).isEmpty();
        pool.release(2);
        pool.release(0);
        assertThat(pool.allocate()).hasValue(2);
        assertThat(pool.allocate()).hasValue(0);
    }

    @Test
    void fixedAddressIsReservedOnlyWhenInThePoolAndFree() {
        AddressPool pool = AddressPool.parse(List.of("10.0.0.1-10.0.0.4"));
        assertThat(pool.reserve(ip("10.0.0.3"))).hasValue(2);
        assertThat(pool.reserve(ip("10.0.0.3"))).as("taken").isEmpty();
        assertThat(pool.reserve(ip("10.9.9.9"))).as("not in the pool").isEmpty();
        assertThat(pool.isAllocated(2)).isTrue();
        assertThat(List.of(pool.allocate(), pool.allocate(), pool.allocate()))
                .containsExactlyInAnyOrder(OptionalInt.of(0), OptionalInt.of(1), OptionalInt.of(3));
        assertThat(pool.allocate()).isEmpty();
        assertThat(pool.release(2)).isTrue();
        assertThat(pool.reserve(ip("10.0.0.3"))).hasValue(2);
    }

    @Test
    void errorsNameTheRangeAndTheProblem() {
        assertError(List.of(), "no address range given");
        assertError(List.of("10.0.0.300-10.0.0.1"), "range '10.0.0.300-10.0.0.1': '10.0.0.300' is not an IPv4 address");
        assertError(List.of("10.0.0.9-10.0.0.1"), "range '10.0.0.9-10.0.0.1': the last address is below the first");
        assertError(List.of("10.0.0.0/33"), "range '10.0.0.0/33': prefix length must be 0..32");
        assertError(List.of("10.0.0.1/24"), "range '10.0.0.1/24': host bits are set (network is 10.0.0.0/24)");
        assertError(List.of("10.0.0.0/24", "10.0.0.200-10.0.1.5"), "range '10.0.0.200-10.0.1.5' overlaps 10.0.0.1-10.0.0.254");
        assertError(List.of("11.0.0.0/7"), "range '11.0.0.0/7': host bits are set (network is 10.0.0.0/7)");
        assertError(List.of("8.0.0.0/7"), "range '8.0.0.0/7': the pool would hold more than 16777216 addresses");
        assertError(List.of("pool"), "range 'pool': 'pool' is not an IPv4 address");
    }

    @Test
    void offsetsOutsideThePoolAreProgrammingErrors() {
        AddressPool pool = AddressPool.parse(List.of("10.0.0.1"));
        assertThatThrownBy(() -> pool.release(1)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> pool.address(-1)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    /** Random allocate / reserve / release sequences against a model set. */
    @Property(tries = 300)
    void noAddressTwiceAndEveryReleasedOneReusable(@ForAll("operations") List<Integer> operations) {
        AddressPool pool = AddressPool.parse(List.of("10.0.0.1-10.0.0.5", "10.1.0.0/29", "10.2.0.9"));
        Set<Integer> held = new HashSet<>();
        List<Integer> order = new ArrayList<>();
        for (int op : operations) {
            if (op < 0) {
                OptionalInt got = pool.allocate();
                assertThat(got.isPresent()).isEqualTo(held.size() < pool.size());
                got.ifPresent(o -> assertThat(held.add(o)).as("handed out twice: " + o).isTrue());
                got.ifPresent(order::add);
            } else if (op % 2 == 0) {
                int offset = op / 2 % pool.size();
                OptionalInt got = pool.reserve(pool.address(offset));
                assertThat(got.isPresent()).isEqualTo(!held.contains(offset));
                got.ifPresent(o -> assertThat(o).isEqualTo(offset));
                got.ifPresent(held::add);
            } else {
                int offset = op / 2 % pool.size();
                assertThat(pool.release(offset)).isEqualTo(held.remove(offset));
            }
            assertThat(pool.allocated()).isEqualTo(held.size());
            for (int o = 0; o < pool.size(); o++) {
                assertThat(pool.isAllocated(o)).isEqualTo(held.contains(o));
                assertThat(pool.lookup(pool.addressInt(o))).isEqualTo(o);
            }
        }
        held.forEach(pool::release);
        Set<Integer> all = new HashSet<>();
        for (int i = 0; i < pool.size(); i++) {
            all.add(pool.allocate().orElseThrow());
        }
        assertThat(all).hasSize(pool.size());
        assertThat(pool.allocate()).isEmpty();
    }

    @Provide
    Arbitrary<List<Integer>> operations() {
        return Arbitraries.oneOf(Arbitraries.integers().between(-3, -1), Arbitraries.integers().between(0, 100))
                .list().ofMaxSize(200);
    }

    private static Inet4Address ip(String text) {
        return Ipv4.parse(text);
    }

    private static void assertError(List<String> specs, String message) {
        assertThatThrownBy(() -> AddressPool.parse(specs)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(message);
    }
}
