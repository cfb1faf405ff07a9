package net.pptpgw.linux;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A TUN interface (IP packets, no Ethernet, no packet-information header) opened through
 * {@code /dev/net/tun}, with one {@link TunQueue} per file descriptor.
 *
 * <p>The interface lives in the network namespace of the thread that opens it (see
 * {@link NetworkNamespace}) and disappears when its last queue is closed (it is not made
 * persistent). Configure it (addresses, MTU, up) with {@link IpCommand}.
 *
 * <p>A multi-queue device ({@code IFF_MULTI_QUEUE}) has several descriptors on one interface; the
 * kernel spreads the packets it sends to the device over the queues by flow, so each event loop
 * can own a queue. Packets may be written to any queue.
 */
public final class TunDevice implements AutoCloseable {

    // <linux/if_tun.h>, <linux/if.h>
    private static final long TUNSETIFF = 0x400454caL; // _IOW('T', 202, int)
    private static final long TUNGETVNETHDRSZ = 0x800454d7L; // _IOR('T', 215, int)
    private static final short IFF_TUN = 0x0001;
    private static final short IFF_MULTI_QUEUE = 0x0100;
    private static final short IFF_NO_PI = 0x1000;
    private static final short IFF_VNET_HDR = 0x4000;
    /** Bytes of {@code ifr_name}, terminating NUL included. */
    public static final int IFNAMSIZ = 16;
    // struct ifreq { char ifr_name[IFNAMSIZ]; union { short ifr_flags; ... 24 bytes } }
    private static final long IFREQ_SIZE = 40;
    private static final long IFR_FLAGS = 16;

    private static final String CLONE_DEVICE = "/dev/net/tun";

    private final String name;
    private final int interfaceIndex;
    private final boolean multiQueue;
    private final List<TunQueue> queues;

    private TunDevice(String name, int interfaceIndex, boolean multiQueue, List<TunQueue> queues) {
        this.name = name;
        this.interfaceIndex = interfaceIndex;
        this.multiQueue = multiQueue;
        this.queues = List.copyOf(queues);
    }

    /**
     * Opens a single-queue TUN device in the calling thread's network namespace.
     *
     * @param name the interface name, a pattern with {@code %d} ({@code "pg%d"}), or null for
     *     the kernel's {@code tun%d}; at most 15 bytes
     */
    public static TunDevice open(String name) throws IOException {
        return open(name, 1, false, false);
    }

    /**
     * Opens a single-queue TUN device with {@code IFF_VNET_HDR}: every packet read and written
     * starts with a 10-octet {@code struct virtio_net_hdr}, which {@link TunQueue} reads past and
     * writes (zero for a plain packet) by itself, so its users see plain IP packets as before.
     * What it buys: {@link TunQueue#flush} writes runs of TCP segments of one flow as one GSO
     * super-packet ({@link TcpSegmentCoalescer}).
     *
     * <p>The device's offloads stay off (no {@code TUNSETOFFLOAD}; tun.c's
     * {@code tun_net_fix_features} then clears checksum and TSO offload), so the kernel
     * segments and checksums everything it sends us: reads never carry GSO or
     * checksum-partial packets (a read that did is dropped and counted in
     * {@link TunQueue#offloadedReads}).
     */
    public static TunDevice openWithVnetHeader(String name) throws IOException {
        return open(name, 1, false, true);
    }

    /** Opens a multi-queue TUN device with {@code queues} descriptors. */
    public static TunDevice openMultiQueue(String name, int queues) throws IOException {
        if (queues < 1) {
            throw new IllegalArgumentException("a TUN device needs at least one queue, not " + queues);
        }
        return open(name, queues, true, false);
    }

    private static TunDevice open(String requested, int queueCount, boolean multiQueue, boolean vnetHeader)
            throws IOException {
        String name = requested == null ? "" : requested;
        byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
        if (bytes.length >= IFNAMSIZ) {
            throw new IOException("TUN device name '" + name + "' is " + bytes.length
                    + " bytes long; Linux allows at most " + (IFNAMSIZ - 1) + " (IFNAMSIZ " + IFNAMSIZ
                    + " with the terminating NUL)");
        }
        short flags = (short) (IFF_TUN | IFF_NO_PI | (multiQueue ? IFF_MULTI_QUEUE : 0)
                | (vnetHeader ? IFF_VNET_HDR : 0));
        List<TunQueue> queues = new ArrayList<>();
        try {
            for (int i = 0; i < queueCount; i++) {
                // The first TUNSETIFF may fill in a pattern; every further queue attaches by the real name.
                String attachTo = queues.isEmpty() ? name : queues.getFirst().deviceName();
                queues.add(openQueue(attachTo, flags, i));
            }
            String actual = queues.getFirst().deviceName();
            return new TunDevice(actual, Libc.ifNameToIndex(actual), multiQueue, queues);
        } catch (IOException | RuntimeException e) {
            queues.forEach(TunQueue::close);
            throw e;
        }
    }

    private static TunQueue openQueue(String name, short flags, int index) throws IOException {
        int fd = Libc.open(CLONE_DEVICE, Libc.O_RDWR | Libc.O_NONBLOCK | Libc.O_CLOEXEC,
                CLONE_DEVICE + ", O_RDWR|O_NONBLOCK|O_CLOEXEC");
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment ifreq = arena.allocate(IFREQ_SIZE); // zeroed
            byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
            MemorySegment.copy(bytes, 0, ifreq, JAVA_BYTE, 0, bytes.length);
            ifreq.set(JAVA_SHORT, IFR_FLAGS, flags);
            Libc.ioctl(fd, TUNSETIFF, ifreq, "TUNSETIFF, " + (name.isEmpty() ? "tun%d" : name));
            // The kernel writes back the name it chose.
            String actual = ifreq.asSlice(0, IFNAMSIZ).getString(0);
            boolean vnetHeader = (flags & IFF_VNET_HDR) != 0;
            if (vnetHeader) {
                // tun_set_iff sets 10 (sizeof(struct virtio_net_hdr)); TunQueue reads and writes exactly that.
                MemorySegment size = arena.allocate(JAVA_INT);
                Libc.ioctl(fd, TUNGETVNETHDRSZ, size, "TUNGETVNETHDRSZ, " + actual);
                if (size.get(JAVA_INT, 0) != TcpSegmentCoalescer.VIRTIO_NET_HDR_LENGTH) {
                    throw new IOException("TUN " + actual + ": virtio-net header of " + size.get(JAVA_INT, 0)
                            + " octets, expected " + TcpSegmentCoalescer.VIRTIO_NET_HDR_LENGTH);
                }
            }
            return new TunQueue(actual, index, fd, vnetHeader);
        } catch (IOException | RuntimeException e) {
            try {
                Libc.close(fd, CLONE_DEVICE);
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    /** The interface name the kernel gave (a pattern resolved). */
    public String name() {
        return name;
    }

    /** The interface index ({@code if_nametoindex}) in its namespace, as of opening. */
    public int interfaceIndex() {
        return interfaceIndex;
    }

    public boolean isMultiQueue() {
        return multiQueue;
    }

    /** Opened with {@code IFF_VNET_HDR} ({@link #openWithVnetHeader}). */
    public boolean hasVnetHeader() {
        return queues.getFirst().hasVnetHeader();
    }

    public List<TunQueue> queues() {
        return queues;
    }

    public TunQueue queue(int index) {
        return queues.get(index);
    }

    /** Closes every queue; the interface goes away with the last one. */
    @Override
    public void close() {
        queues.forEach(TunQueue::close);
    }

    @Override
    public String toString() {
        return "TunDevice[" + name + ", " + queues.size() + (multiQueue ? " queues (multi-queue)]" : " queue]");
    }
}
