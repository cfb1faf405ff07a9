package net.pptpgw.protocol.gre;

/**
 * Serial-number arithmetic (RFC 1982, SERIAL_BITS = 32) for GRE sequence and acknowledgment
 * numbers, which start at 0 and wrap at 2^32 (RFC 2637 §4.1). A plain {@code <} is wrong as
 * soon as a session has sent 2^32 packets, and a window check built on it would then drop
 * every packet.
 *
 * <p>Numbers are passed as {@code long}; only their low 32 bits count, so both the unsigned
 * values of {@link GreHeader} and sign-extended {@code int}s work.
 */
public final class SequenceNumbers {

    /** 2^32: sequence numbers are taken modulo this. */
    public static final long MODULUS = 1L << 32;
    public static final long MASK = MODULUS - 1;

    private SequenceNumbers() {}

    /**
     * RFC 1982 §3.2: {@code a} is after ("greater than") {@code b}. Numbers exactly 2^31 apart
     * are undefined in RFC 1982; here neither is after the other, so such a packet falls
     * outside any window.
     */
    public static boolean isAfter(long a, long b) {
        return (int) (a - b) > 0;
    }

    /** {@code a} is before ("less than") {@code b}; see {@link #isAfter}. */
    public static boolean isBefore(long a, long b) {
        return isAfter(b, a); // not (int) (a - b) < 0, which would order numbers 2^31 apart
    }

    /**
     * Steps from {@code from} forward to {@code to}, as a signed value: positive when {@code to}
     * is after {@code from}, negative when before, {@link Integer#MIN_VALUE} when the two are
     * 2^31 apart (undefined order). E.g. {@code distance(0xFFFFFFFF, 1) == 2}.
     */
    public static int distance(long from, long to) {
        return (int) (to - from);
    }

    /** The number that follows {@code n}: 2^32-1 is followed by 0. */
    public static long next(long n) {
        return (n + 1) & MASK;
    }

    /**
     * RFC 1982 §3.1 addition: {@code n + increment} modulo 2^32, where the increment must lie
     * in [0, 2^31 - 1] (larger ones would make the result compare before {@code n}).
     */
    public static long add(long n, long increment) {
        if (increment < 0 || increment > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("serial number increment out of [0, 2^31-1]: " + increment);
        }
        return (n + increment) & MASK;
    }
}
