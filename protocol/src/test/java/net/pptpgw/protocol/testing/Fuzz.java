package net.pptpgw.protocol.testing;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import net.pptpgw.protocol.MalformedPacketException;

/**
 * Feeds a decoder random and mutated inputs and fails on anything it throws other than
 * {@link MalformedPacketException}.
 *
 * <p>Each input is handed over as a buffer of exactly its own length, so a decoder that reads
 * past the frame it was given throws {@link IndexOutOfBoundsException} and fails the run. The
 * number of inputs is {@code -Dfuzz.iterations} (10^6 in the normal suite, 10^8 with
 * {@code -Pfuzz-long}); {@code -Dfuzz.seed} replays a reported failure.
 */
public final class Fuzz {

    private static final byte[] INTERESTING = {0, 1, 0x7f, (byte) 0x80, (byte) 0xfe, (byte) 0xff};

    private Fuzz() {}

    public static int iterations() {
        return Integer.getInteger("fuzz.iterations", 1_000_000);
    }

    /**
     * Runs {@link #iterations()} inputs: a quarter purely random (0 to 63 bytes), the rest
     * mutations of the valid {@code seeds} (bit flips, interesting bytes, truncation, extension,
     * splices of two seeds).
     */
    public static void run(String name, List<byte[]> seeds, Consumer<ByteBuf> decoder) {
        long seed = Long.getLong("fuzz.seed", name.hashCode());
        SplittableRandom random = new SplittableRandom(seed);
        int iterations = iterations();
        for (int i = 0; i < iterations; i++) {
            byte[] input = (seeds.isEmpty() || (i & 3) == 0)
                    ? randomBytes(random, random.nextInt(64))
                    : mutate(random, seeds);
            ByteBuf buffer = Unpooled.wrappedBuffer(input);
            try {
                decoder.accept(buffer);
            } catch (MalformedPacketException expected) {
                // the decoder's own typed rejection: fine
            } catch (Throwable t) {
                throw new AssertionError(name + " decoder threw " + t + " on input #" + i + " (fuzz.seed=" + seed
                        + "): " + HexFormat.of().formatHex(input), t);
            } finally {
                buffer.release(buffer.refCnt());
            }
        }
    }

    private static byte[] mutate(SplittableRandom random, List<byte[]> seeds) {
        byte[] base = seeds.get(random.nextInt(seeds.size())).clone();
        int mutations = 1 + random.nextInt(4);
        for (int m = 0; m < mutations; m++) {
            switch (random.nextInt(6)) {
                case 0 -> { // flip a bit
                    if (base.length > 0) {
                        base[random.nextInt(base.length)] ^= (byte) (1 << random.nextInt(8));
                    }
                }
                case 1 -> { // an interesting byte
                    if (base.length > 0) {
                        base[random.nextInt(base.length)] = INTERESTING[random.nextInt(INTERESTING.length)];
                    }
                }
                case 2 -> base = java.util.Arrays.copyOf(base, random.nextInt(base.length + 1)); // truncate
                case 3 -> { // extend with random bytes
                    byte[] longer = java.util.Arrays.copyOf(base, base.length + 1 + random.nextInt(16));
                    for (int i = base.length; i < longer.length; i++) {
                        longer[i] = (byte) random.nextInt(256);
                    }
                    base = longer;
                }
                case 4 -> { // splice the head of this input onto the tail of another seed
                    byte[] other = seeds.get(random.nextInt(seeds.size()));
                    int cut = random.nextInt(base.length + 1);
                    int from = random.nextInt(other.length + 1);
                    byte[] spliced = java.util.Arrays.copyOf(base, cut + other.length - from);
                    System.arraycopy(other, from, spliced, cut, other.length - from);
                    base = spliced;
                }
                default -> { // a random 16-bit value, where length fields live
                    if (base.length >= 2) {
                        int at = random.nextInt(base.length - 1);
                        base[at] = (byte) random.nextInt(256);
                        base[at + 1] = (byte) random.nextInt(256);
                    }
                }
            }
        }
        return base;
    }

    private static byte[] randomBytes(SplittableRandom random, int length) {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = (byte) random.nextInt(256);
        }
        return bytes;
    }
}
