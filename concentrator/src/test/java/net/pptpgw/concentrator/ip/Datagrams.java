package net.pptpgw.concentrator.ip;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.AbstractByteBufAllocator;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import net.pptpgw.linux.InternetChecksum;

/**
 * IPv4 datagrams for the MTU tests, built by hand where scapy would not do what a test needs
 * (options that are and are not copied, a datagram that is itself a fragment), and the checks
 * a receiver makes: header checksums and RFC 791 reassembly.
 */
final class Datagrams {

    static final int DONT_FRAGMENT = 0x4000;
    static final int MORE_FRAGMENTS = 0x2000;

    private Datagrams() {}

    /** A datagram with {@code options} (a multiple of 4 octets), its header checksum right. */
    static byte[] ipv4(int identification, int flagsAndOffset, int protocol, byte[] options, byte[] payload,
            int source, int destination) {
        int headerLength = 20 + options.length;
        ByteBuf p = Unpooled.buffer();
        p.writeByte(0x40 | headerLength / 4).writeByte(0).writeShort(headerLength + payload.length)
                .writeShort(identification).writeShort(flagsAndOffset).writeByte(63).writeByte(protocol).writeShort(0)
                .writeInt(source).writeInt(destination).writeBytes(options).writeBytes(payload);
        p.setShort(10, InternetChecksum.checksum(p, 0, headerLength));
        return bytes(p);
    }

    static byte[] payload(int length) {
        byte[] payload = new byte[length];
        for (int i = 0; i < length; i++) {
            payload[i] = (byte) (i * 7 + (i >> 8));
        }
        return payload;
    }

    static int headerLength(byte[] packet) {
        return (packet[0] & 0x0F) * 4;
    }

    static int flagsAndOffset(byte[] packet) {
        return ((packet[6] & 0xFF) << 8) | (packet[7] & 0xFF);
    }

    static boolean headerChecksumOk(byte[] packet) {
        return InternetChecksum.checksum(Unpooled.wrappedBuffer(packet), 0, headerLength(packet)) == 0;
    }

    /**
     * Checks {@code fragments} of {@code original} as a receiver would and a router must make them
     * (RFC 791 §3.2): each within {@code mtu}, its checksum right, its Total Length its size, every
     * one but the last a multiple of 8 data octets with More-Fragments, the pieces contiguous from
     * the original's offset, the last keeping the original's More-Fragments, and the data
     * together the original's.
     */
    static void assertReassembles(byte[] original, List<byte[]> fragments, int mtu) {
        assertThat(fragments).hasSizeGreaterThan(1);
        List<byte[]> sorted = new ArrayList<>(fragments);
        sorted.sort(Comparator.comparingInt(f -> flagsAndOffset(f) & 0x1FFF));
        assertThat(sorted).as("sent in order").isEqualTo(fragments);
        int originalHeader = headerLength(original);
        int expectedOffset = (flagsAndOffset(original) & 0x1FFF) * 8;
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        for (int i = 0; i < fragments.size(); i++) {
            byte[] fragment = fragments.get(i);
            boolean last = i == fragments.size() - 1;
            int header = headerLength(fragment);
            assertThat(fragment.length).as("fragment %d size", i).isLessThanOrEqualTo(mtu);
            assertThat(headerChecksumOk(fragment)).as("fragment %d header checksum", i).isTrue();
            assertThat(((fragment[2] & 0xFF) << 8) | (fragment[3] & 0xFF)).isEqualTo(fragment.length);
            // Identification, protocol, addresses as the original's; TTL and TOS too.
            for (int at : new int[] {1, 4, 5, 8, 9, 12, 13, 14, 15, 16, 17, 18, 19}) {
                assertThat(fragment[at]).as("fragment %d octet %d", i, at).isEqualTo(original[at]);
            }
            int flags = flagsAndOffset(fragment);
            assertThat((flags & 0x1FFF) * 8).as("fragment %d offset", i).isEqualTo(expectedOffset);
            assertThat(flags & DONT_FRAGMENT).isZero();
            boolean more = (flags & MORE_FRAGMENTS) != 0;
            assertThat(more).as("fragment %d MF", i)
                    .isEqualTo(last ? (flagsAndOffset(original) & MORE_FRAGMENTS) != 0 : true);
            int dataLength = fragment.length - header;
            if (!last) {
                assertThat(dataLength % 8).as("fragment %d data length", i).isZero();
            }
            if (i == 0) {
                assertThat(java.util.Arrays.copyOfRange(fragment, 20, header))
                        .as("the first fragment keeps every option")
                        .isEqualTo(java.util.Arrays.copyOfRange(original, 20, originalHeader));
            }
            data.write(fragment, header, dataLength);
            expectedOffset += dataLength;
        }
        assertThat(data.toByteArray()).isEqualTo(java.util.Arrays.copyOfRange(original, originalHeader, original.length));
    }

    static byte[] bytes(ByteBuf buf) {
        byte[] out = new byte[buf.readableBytes()];
        buf.getBytes(buf.readerIndex(), out);
        return out;
    }

    /** An allocator that remembers every buffer it made, so a test can check that each was released. */
    static final class TrackingAllocator extends AbstractByteBufAllocator {
        final List<ByteBuf> made = new ArrayList<>();

        TrackingAllocator() {
            super(true);
        }

        @Override
        protected ByteBuf newDirectBuffer(int initialCapacity, int maxCapacity) {
            ByteBuf buf = Unpooled.directBuffer(initialCapacity, maxCapacity);
            made.add(buf);
            return buf;
        }

        @Override
        protected ByteBuf newHeapBuffer(int initialCapacity, int maxCapacity) {
            ByteBuf buf = Unpooled.buffer(initialCapacity, maxCapacity);
            made.add(buf);
            return buf;
        }

        @Override
        public boolean isDirectBufferPooled() {
            return false;
        }

        long live() {
            return made.stream().filter(b -> b.refCnt() > 0).count();
        }
    }
}
