package net.pptpgw.concentrator.pool;

import java.net.Inet4Address;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.OptionalInt;
import net.pptpgw.concentrator.Ipv4;

/**
 * The addresses sessions get, from several IPv4 ranges, each address known by its <em>offset</em>:
 * its place in the concatenation of the ranges (0 .. {@link #size()}-1). The IP data plane keeps
 * its per-session state in an array indexed by offset and finds it for return traffic with
 * {@link #lookup(int)}, which neither locks nor allocates.
 *
 * <p>Free offsets wait in a FIFO ring, so a released address is handed out again as late as
 * possible (stray packets of the old session then meet no one); {@code position[offset]} is
 * where an offset sits in the ring, which makes allocate, release and reserving a given address
 * all O(1). Allocation and release are synchronized; there are a handful per session, not per
 * packet.
 *
 * <pre>{@code
 * AddressPool pool = AddressPool.parse(List.of("10.0.0.10-10.0.0.250", "10.1.0.0/24"));
 * int offset = pool.allocate().orElse(-1);          // -1: exhausted
 * Inet4Address address = pool.address(offset);
 * pool.lookup(Ipv4.toInt(address)) == offset;        // data plane, per packet
 * pool.release(offset);
 * }</pre>
 */
public final class AddressPool {

    /** One range: {@code count} addresses from {@code first}, at offsets {@code offset..}. */
    public record Range(int first, int count, int offset) {
        public Inet4Address firstAddress() {
            return Ipv4.fromInt(first);
        }

        public Inet4Address lastAddress() {
            return Ipv4.fromInt(first + count - 1);
        }

        boolean contains(int address) {
            return Integer.compareUnsigned(address - first, count) < 0;
        }
    }

    /** Sorted by first address, so lookup can stop early; offsets follow the order given. */
    private final Range[] byAddress;
    private final List<Range> ranges;
    private final int size;
    private final int[] ring;
    /** Where each offset is in {@link #ring}, or -1 while it is allocated. */
    private final int[] position;
    private int head;
    private int free;

    private AddressPool(List<Range> ranges) {
        this.ranges = List.copyOf(ranges);
        this.byAddress = ranges.stream().sorted(Comparator.comparingLong(r -> Integer.toUnsignedLong(r.first)))
                .toArray(Range[]::new);
        long total = ranges.stream().mapToLong(Range::count).sum();
        if (total > 1 << 24) {
            throw new IllegalArgumentException("the pool holds " + total + " addresses, at most " + (1 << 24)
                    + " are supported");
        }
        this.size = (int) total;
        this.ring = new int[size];
        this.position = new int[size];
        for (int i = 0; i < size; i++) {
            ring[i] = i;
            position[i] = i;
        }
        this.free = size;
    }

    /**
     * Ranges as an operator writes them: {@code 10.0.0.10-10.0.0.250}, {@code 10.1.0.0/24}
     * (without its network and broadcast address, except /31 and /32 which have none, RFC 3021)
     * or one address. Overlapping ranges are refused.
     *
     * @throws IllegalArgumentException naming the range and what is wrong with it
     */
    public static AddressPool parse(List<String> specs) {
        if (specs.isEmpty()) {
            throw new IllegalArgumentException("no address range given");
        }
        List<Range> ranges = new ArrayList<>();
        long offset = 0;
        for (String spec : specs) {
            long[] bounds = bounds(spec.strip());
            long count = bounds[1] - bounds[0] + 1;
            Range range = new Range((int) bounds[0], (int) Math.min(count, Integer.MAX_VALUE), (int) offset);
            for (Range other : ranges) {
                if (range.contains(other.first) || other.contains(range.first)) {
                    throw new IllegalArgumentException("range '" + spec + "' overlaps "
                            + other.firstAddress().getHostAddress() + "-" + other.lastAddress().getHostAddress());
                }
            }
            ranges.add(range);
            offset += count;
            if (offset > 1 << 24) {
                throw new IllegalArgumentException("range '" + spec + "': the pool would hold more than "
                        + (1 << 24) + " addresses");
            }
        }
        return new AddressPool(ranges);
    }

    /** First and last address, unsigned, of one range spec. */
    private static long[] bounds(String spec) {
        int dash = spec.indexOf('-');
        int slash = spec.indexOf('/');
        if (dash >= 0) {
            long first = address(spec, spec.substring(0, dash));
            long last = address(spec, spec.substring(dash + 1));
            if (last < first) {
                throw new IllegalArgumentException("range '" + spec + "': the last address is below the first");
            }
            return new long[] {first, last};
        }
        if (slash >= 0) {
            long network = address(spec, spec.substring(0, slash));
            String bits = spec.substring(slash + 1);
            if (!bits.matches("\\d{1,2}") || Integer.parseInt(bits) > 32) {
                throw new IllegalArgumentException("range '" + spec + "': prefix length must be 0..32");
            }
            int prefix = Integer.parseInt(bits);
            long hostMask = (1L << (32 - prefix)) - 1;
            if ((network & hostMask) != 0) {
                throw new IllegalArgumentException("range '" + spec + "': host bits are set (network is "
                        + Ipv4.fromInt((int) (network & ~hostMask)).getHostAddress() + "/" + prefix + ")");
            }
            long broadcast = network | hostMask;
            return prefix >= 31 ? new long[] {network, broadcast} : new long[] {network + 1, broadcast - 1};
        }
        long single = address(spec, spec);
        return new long[] {single, single};
    }

    private static long address(String spec, String text) {
        Inet4Address address = Ipv4.parse(text.strip());
        if (address == null) {
            throw new IllegalArgumentException("range '" + spec + "': '" + text.strip()
                    + "' is not an IPv4 address (expected A.B.C.D-A.B.C.D, A.B.C.D/N or A.B.C.D)");
        }
        return Integer.toUnsignedLong(Ipv4.toInt(address));
    }

    /** A free address's offset, the one free longest; empty when every address is in use. */
    public synchronized OptionalInt allocate() {
        if (free == 0) {
            return OptionalInt.empty();
        }
        int offset = ring[head];
        position[offset] = -1;
        head = next(head);
        free--;
        return OptionalInt.of(offset);
    }

    /**
     * Takes {@code address} (a user's fixed address from chap-secrets) if it is in the pool and
     * free; empty otherwise. An address outside the pool is the operator's to route: the caller
     * decides whether to allow it.
     */
    public synchronized OptionalInt reserve(Inet4Address address) {
        int offset = lookup(Ipv4.toInt(address));
        if (offset < 0 || position[offset] < 0) {
            return OptionalInt.empty();
        }
        // Move the head's offset into this one's slot, then pop the head: O(1), and the ring
        // keeps its other offsets in order except for that one.
        int slot = position[offset];
        int displaced = ring[head];
        ring[slot] = displaced;
        position[displaced] = slot;
        position[offset] = -1;
        head = next(head);
        free--;
        return OptionalInt.of(offset);
    }

    /** Returns {@code offset} to the pool; false (and nothing changes) if it was already free. */
    public synchronized boolean release(int offset) {
        checkOffset(offset);
        if (position[offset] >= 0) {
            return false;
        }
        int tail = (head + free) % size;
        ring[tail] = offset;
        position[offset] = tail;
        free++;
        return true;
    }

    /**
     * The offset of {@code address} (an IPv4 address as an int, e.g. read from a packet's
     * destination field), or -1 when it is in no range. No lock, no allocation: the per-packet
     * path of the TUN return traffic.
     */
    public int lookup(int address) {
        for (Range range : byAddress) {
            if (range.contains(address)) {
                return range.offset + (address - range.first);
            }
        }
        return -1;
    }

    /** The address at {@code offset}. */
    public Inet4Address address(int offset) {
        return Ipv4.fromInt(addressInt(offset));
    }

    /** The address at {@code offset}, as an int. */
    public int addressInt(int offset) {
        checkOffset(offset);
        for (Range range : ranges) {
            if (offset < range.offset + range.count) {
                return range.first + (offset - range.offset);
            }
        }
        throw new AssertionError("offset " + offset + " below size " + size + " is in a range");
    }

    public synchronized boolean isAllocated(int offset) {
        checkOffset(offset);
        return position[offset] < 0;
    }

    /** Addresses in all ranges. */
    public int size() {
        return size;
    }

    /** Addresses handed out now. */
    public synchronized int allocated() {
        return size - free;
    }

    public List<Range> ranges() {
        return ranges;
    }

    private int next(int index) {
        return index + 1 == size ? 0 : index + 1;
    }

    private void checkOffset(int offset) {
        if (offset < 0 || offset >= size) {
            throw new IndexOutOfBoundsException("offset " + offset + " is not in 0.." + (size - 1));
        }
    }
}
