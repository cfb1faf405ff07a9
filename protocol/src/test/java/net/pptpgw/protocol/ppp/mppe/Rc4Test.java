package net.pptpgw.protocol.ppp.mppe;

import static net.pptpgw.protocol.ppp.mppe.MppeKeyDerivationTest.hex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import java.util.Arrays;
import java.util.SplittableRandom;
import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class Rc4Test {

    /** RFC 6229 §2 keystream at offsets 0, 16, 240, 256, 1008, 1024, 4080 and 4096 for three key lengths. */
    @ParameterizedTest(name = "key {0} offset {1}")
    @CsvSource({
        "0102030405,                       0,    b2396305f03dc027ccc3524a0a1118a8",
        "0102030405,                       16,   6982944f18fc82d589c403a47a0d0919",
        "0102030405,                       240,  28cb1132c96ce286421dcaadb8b69eae",
        "0102030405,                       256,  1cfcf62b03eddb641d77dfcf7f8d8c93",
        "0102030405,                       1008, 45129048e6a0ed0b56b490338f078da5",
        "0102030405,                       1024, 30abbcc7c20b01609f23ee2d5f6bb7df",
        "01020304050607,                   0,    293f02d47f37c9b633f2af5285feb46b",
        "01020304050607,                   16,   e620f1390d19bd84e2e0fd752031afc1",
        "0102030405060708090a0b0c0d0e0f10, 0,    9ac7cc9a609d1ef7b2932899cde41b97",
        "0102030405060708090a0b0c0d0e0f10, 16,   5248c4959014126a6e8a84f11d1a9e1c",
    })
    void rfc6229Keystream(String key, int offset, String expected) {
        byte[] zeros = new byte[offset + 16];
        new Rc4(hex(key)).process(zeros, 0, zeros.length);
        assertThat(Arrays.copyOfRange(zeros, offset, offset + 16)).isEqualTo(hex(expected));
    }

    /**
     * Random keys and data, processed in random pieces, equal the JDK's ARCFOUR. Pieces are short
     * (the PRGA over the {@code byte[]} state) and long (over the state widened to ints), mixed
     * within one keystream so each path picks up where the other left off.
     */
    @Test
    void equalsJceArcfourOnRandomData() throws Exception {
        SplittableRandom random = new SplittableRandom(6229);
        for (int round = 0; round < 2_000; round++) {
            byte[] key = bytes(random, 5 + random.nextInt(124)); // the JDK accepts 40 to 1024 bits
            byte[] data = bytes(random, random.nextInt(3_000));
            Cipher jce = Cipher.getInstance("ARCFOUR");
            jce.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "ARCFOUR"));
            byte[] expected = jce.doFinal(data);

            Rc4 rc4 = new Rc4(key);
            byte[] actual = data.clone();
            for (int done = 0; done < actual.length; ) {
                int piece = Math.min(actual.length - done,
                        random.nextBoolean() ? random.nextInt(40) : random.nextInt(2 * Rc4.WIDEN_THRESHOLD));
                rc4.process(actual, done, piece);
                done += piece;
            }
            assertThat(actual).as("round %d, %d octets", round, data.length).isEqualTo(expected);
        }
    }

    @Test
    void decryptingIsEncryptingAgain() {
        byte[] key = hex("405CB2247A7956E6E211007AE27B22D4");
        byte[] data = bytes(new SplittableRandom(1), 1400);
        byte[] copy = data.clone();
        new Rc4(key).process(copy, 0, copy.length);
        assertThat(copy).isNotEqualTo(data);
        new Rc4(key).process(copy, 0, copy.length);
        assertThat(copy).isEqualTo(data);
    }

    @Test
    void setKeyRestartsTheKeystream() {
        Rc4 rc4 = new Rc4(hex("0102030405"));
        rc4.process(new byte[100], 0, 100);
        rc4.setKey(hex("0102030405"), 0, 5);
        byte[] zeros = new byte[16];
        rc4.process(zeros, 0, 16);
        assertThat(zeros).isEqualTo(hex("b2396305f03dc027ccc3524a0a1118a8"));
    }

    @Test
    void byteBufsOfEveryKindGiveTheArrayResult() {
        byte[] key = hex("0102030405060708090a0b0c0d0e0f10");
        byte[] data = bytes(new SplittableRandom(2), 1400);
        byte[] expected = data.clone();
        new Rc4(key).process(expected, 100, 1200);

        ByteBuf heap = Unpooled.buffer(1400).writeBytes(data);
        ByteBuf direct = ByteBufAllocator.DEFAULT.directBuffer(1400).writeBytes(data);
        CompositeByteBuf composite = Unpooled.compositeBuffer()
                .addComponent(true, Unpooled.directBuffer(700).writeBytes(data, 0, 700))
                .addComponent(true, Unpooled.buffer(700).writeBytes(data, 700, 700));
        ByteBuf offsetSlice = Unpooled.buffer(1500).writerIndex(50).writeBytes(data).slice(50, 1400);
        ByteBuf directSlice = ByteBufAllocator.DEFAULT.directBuffer(1500).writerIndex(50).writeBytes(data).slice(50, 1400);
        for (ByteBuf buffer : new ByteBuf[] {heap, direct, composite, offsetSlice, directSlice}) {
            new Rc4(key).process(buffer, 100, 1200);
            byte[] actual = new byte[1400];
            buffer.getBytes(0, actual);
            assertThat(actual).as(buffer.getClass().getSimpleName()).isEqualTo(expected);
            assertThat(buffer.readerIndex()).isZero();
            buffer.release();
        }
    }

    /**
     * A direct buffer goes through the thread's copy chunk: runs longer than the chunk, shorter
     * and longer than the widening threshold, alternating with array runs of the same keystream.
     */
    @Test
    void directBufferRunsOfEveryLengthContinueTheKeystream() throws Exception {
        SplittableRandom random = new SplittableRandom(3078);
        for (int round = 0; round < 200; round++) {
            byte[] key = bytes(random, 16);
            byte[] data = bytes(random, 12_000);
            Cipher jce = Cipher.getInstance("ARCFOUR");
            jce.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "ARCFOUR"));
            byte[] expected = jce.doFinal(data);

            Rc4 rc4 = new Rc4(key);
            ByteBuf direct = ByteBufAllocator.DEFAULT.directBuffer(data.length).writeBytes(data);
            byte[] actual = data.clone();
            try {
                for (int done = 0; done < data.length; ) {
                    int piece = Math.min(data.length - done, random.nextInt(5_000));
                    if (random.nextBoolean()) {
                        rc4.process(direct, done, piece);
                        direct.getBytes(done, actual, done, piece);
                    } else {
                        rc4.process(actual, done, piece);
                    }
                    done += piece;
                }
            } finally {
                direct.release();
            }
            assertThat(actual).as("round %d", round).isEqualTo(expected);
        }
    }

    /**
     * A keystream used once: the same octets as a keyed instance, on arrays and on buffers of
     * every kind, for lengths on both sides of the widening threshold and across the copy chunk,
     * keys of every MPPE length, and with the key and the data in the same place (the key change).
     */
    @Test
    void processOnceIsAFreshlyKeyedInstance() {
        SplittableRandom random = new SplittableRandom(3079);
        for (int length : new int[] {0, 1, 7, 40, 511, 512, 1400, 2048, 2049, 5000}) {
            for (int keyLength : new int[] {5, 8, 16, 256}) {
                byte[] key = bytes(random, keyLength + 3);
                byte[] data = bytes(random, length + 10);
                byte[] expected = data.clone();
                new Rc4(Arrays.copyOfRange(key, 3, 3 + keyLength)).process(expected, 10, length);

                byte[] array = data.clone();
                Rc4.processOnce(key, 3, keyLength, array, 10, length);
                assertThat(array).as("array, length %d, key %d", length, keyLength).isEqualTo(expected);

                ByteBuf direct = ByteBufAllocator.DEFAULT.directBuffer(data.length).writeBytes(data);
                ByteBuf heap = Unpooled.buffer(data.length).writeBytes(data);
                int half = data.length / 2;
                CompositeByteBuf composite = Unpooled.compositeBuffer()
                        .addComponent(true, Unpooled.directBuffer(half).writeBytes(data, 0, half))
                        .addComponent(true, Unpooled.buffer(data.length - half).writeBytes(data, half, data.length - half));
                for (ByteBuf buffer : new ByteBuf[] {direct, heap, composite}) {
                    Rc4.processOnce(key, 3, keyLength, buffer, 10, length);
                    byte[] actual = new byte[data.length];
                    buffer.getBytes(0, actual);
                    assertThat(actual).as("%s, length %d, key %d", buffer.getClass().getSimpleName(), length, keyLength)
                            .isEqualTo(expected);
                    buffer.release();
                }
            }
        }
        byte[] key = bytes(random, 16);
        byte[] expected = key.clone();
        new Rc4(key).process(expected, 0, 16);
        Rc4.processOnce(key, 0, 16, key, 0, 16);
        assertThat(key).as("the key encrypted under itself").isEqualTo(expected);
    }

    @Test
    void processOnceRejectsOutOfRangeArguments() {
        assertThatThrownBy(() -> Rc4.processOnce(new byte[0], 0, 0, new byte[10], 0, 10))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Rc4.processOnce(new byte[16], 8, 16, new byte[10], 0, 10))
                .isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> Rc4.processOnce(new byte[16], 0, 16, new byte[10], 5, 6))
                .isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> Rc4.processOnce(new byte[16], 0, 16, Unpooled.buffer(10, 10), 5, 6))
                .isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void rejectsOutOfRangeArguments() {
        Rc4 rc4 = new Rc4(hex("0102030405"));
        assertThatThrownBy(() -> rc4.process(new byte[10], 5, 6)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> rc4.process(Unpooled.buffer(10, 10), 5, 6)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> rc4.setKey(new byte[0], 0, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> rc4.setKey(new byte[257], 0, 257)).isInstanceOf(IllegalArgumentException.class);
    }

    /**
     * The warm-up also runs composite and unpooled buffers through the same call sites, so that
     * the measured calls do not depend on C2 inlining (and removing) what a single buffer type
     * would let it remove.
     */
    @Test
    void processesAndRekeysWithoutAllocating() {
        Rc4 rc4 = new Rc4(hex("0102030405"));
        byte[] key = hex("405CB2247A7956E6E211007AE27B22D4");
        byte[] packet = new byte[1400];
        ByteBuf pooledDirect = ByteBufAllocator.DEFAULT.directBuffer(1400).writeZero(1400);
        ByteBuf unpooledDirect = Unpooled.directBuffer(1400).writeZero(1400);
        CompositeByteBuf composite = Unpooled.compositeBuffer()
                .addComponent(true, Unpooled.directBuffer(700).writeZero(700))
                .addComponent(true, Unpooled.directBuffer(700).writeZero(700));
        try {
            for (int n = 0; n < 20_000; n++) {
                rc4.process(composite, 0, 1400);
                rc4.process(unpooledDirect, 0, 1400);
            }
            double perPacket = Allocations.bytesPerRun(20_000, 50_000, () -> {
                rc4.setKey(key, 0, key.length);
                rc4.process(packet, 0, 40);
                rc4.process(packet, 0, packet.length);
                rc4.process(pooledDirect, 0, 1400);
                rc4.process(unpooledDirect, 0, 1400);
                Rc4.processOnce(key, 0, key.length, pooledDirect, 0, 1400);
                Rc4.processOnce(key, 0, key.length, packet, 0, 40);
            });
            assertThat(perPacket).as("bytes allocated per re-key and six packets").isLessThan(1.0);
        } finally {
            pooledDirect.release();
            unpooledDirect.release();
            composite.release();
        }
    }

    static byte[] bytes(SplittableRandom random, int length) {
        byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        return bytes;
    }
}
