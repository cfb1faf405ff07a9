package net.pptpgw.linux;

import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.epoll.EpollDatagramChannel;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.Inet4Address;

/**
 * A raw {@code IPPROTO_GRE} socket (IP protocol 47) as a Netty {@link EpollDatagramChannel}:
 * the transport under enhanced GRE (RFC 2637 §4), which Netty has no channel for.
 *
 * <p>FFM creates the socket (non-blocking, since Netty does not set {@code O_NONBLOCK} on a
 * descriptor it is handed), sizes its buffers, optionally sets {@code IP_HDRINCL} and binds it;
 * Netty's epoll datagram channel then wraps the descriptor and reads in batches with
 * {@code recvmmsg} (several datagrams of at most {@link Options#maxDatagramSize} bytes per
 * system call) and writes in batches with {@code sendmmsg}.
 *
 * <p>What the channel carries:
 * <ul>
 *   <li>Received {@code DatagramPacket}s hold the whole IPv4 packet: the IP header, then GRE at
 *       {@link Ipv4Header#headerLength}; the peer is {@link Ipv4Header#source} (the packet's
 *       sender address is the same, with port 0).
 *   <li>To send, write a {@code DatagramPacket(gre, new InetSocketAddress(peer, 0))}: the kernel
 *       adds the IP header, with this host's address as source. With
 *       {@link Options#headerIncluded} the buffer is the whole IPv4 packet instead and its source
 *       address is sent as written: what a relay needs to send on behalf of another host (the
 *       NAT helper toward LAN clients, which accept GRE only from their server). The kernel still
 *       fills in the checksum, the total length and, when 0, the identification.
 * </ul>
 *
 * <p>Receive buffer: while no raw GRE socket can take a packet (none open, or its receive buffer
 * full) this kernel answers it with ICMP protocol-unreachable, and real PPTP peers drop the call
 * on that ICMP. Hence the large default and {@code SO_RCVBUFFORCE}, which passes
 * {@code net.core.rmem_max} (that cannot be raised inside a network namespace), and
 * {@link GreUnreachableFilter}.
 *
 * <p>The socket lives in the network namespace of the thread that calls {@link #open}; run it on
 * a {@link NetworkNamespace} to put it elsewhere. Do not use io_uring for it: Netty's io_uring
 * transport (4.2.18) drops every received datagram whose source port is 0, i.e. all of them.
 */
public final class RawGreSocket {

    /** IP protocol number of GRE (RFC 1700). */
    public static final int IPPROTO_GRE = 47;

    private static final System.Logger LOG = System.getLogger(RawGreSocket.class.getName());

    /**
     * @param bindAddress local address to bind to (receives only GRE sent to it), or null for all
     * @param headerIncluded {@code IP_HDRINCL}: the program writes the IPv4 header itself
     * @param receiveBufferBytes {@code SO_RCVBUFFORCE}; 0 keeps the kernel's default
     * @param sendBufferBytes {@code SO_SNDBUFFORCE}; 0 keeps the kernel's default
     * @param maxDatagramSize the largest datagram read whole, IP header included (longer ones
     *     arrive cut short); one slot of a {@code recvmmsg} batch
     * @param datagramsPerRead datagrams one {@code recvmmsg} call may return
     * @param bindDevice {@code SO_BINDTODEVICE}: receive only what arrives on this interface (and
     *     send only through it), or null for all. An unbound raw socket otherwise gets a copy of
     *     every GRE packet this host takes in, including what another socket is bound for.
     */
    public record Options(Inet4Address bindAddress, boolean headerIncluded, int receiveBufferBytes,
                          int sendBufferBytes, int maxDatagramSize, int datagramsPerRead, String bindDevice) {

        public static final int DEFAULT_BUFFER_BYTES = 8 << 20;

        public Options {
            if (receiveBufferBytes < 0 || sendBufferBytes < 0) {
                throw new IllegalArgumentException("buffer sizes cannot be negative");
            }
            if (maxDatagramSize < Ipv4Header.MIN_LENGTH + 4 || maxDatagramSize > 65535) {
                throw new IllegalArgumentException("maxDatagramSize " + maxDatagramSize
                        + " is not between an IP header with a minimal GRE header (24) and 65535");
            }
            if (datagramsPerRead < 1) {
                throw new IllegalArgumentException("datagramsPerRead must be positive");
            }
        }

        /**
         * Unbound, kernel-made IP header, 8 MiB buffers each way, 2048-byte slots (a 1500-byte
         * link's packets with room to spare), 32 datagrams per read.
         */
        public static Options defaults() {
            return new Options(null, false, DEFAULT_BUFFER_BYTES, DEFAULT_BUFFER_BYTES, 2048, 32, null);
        }

        public Options withBindAddress(Inet4Address bindAddress) {
            return new Options(bindAddress, headerIncluded, receiveBufferBytes, sendBufferBytes, maxDatagramSize,
                    datagramsPerRead, bindDevice);
        }

        public Options withHeaderIncluded(boolean headerIncluded) {
            return new Options(bindAddress, headerIncluded, receiveBufferBytes, sendBufferBytes, maxDatagramSize,
                    datagramsPerRead, bindDevice);
        }

        public Options withReceiveBufferBytes(int receiveBufferBytes) {
            return new Options(bindAddress, headerIncluded, receiveBufferBytes, sendBufferBytes, maxDatagramSize,
                    datagramsPerRead, bindDevice);
        }

        public Options withSendBufferBytes(int sendBufferBytes) {
            return new Options(bindAddress, headerIncluded, receiveBufferBytes, sendBufferBytes, maxDatagramSize,
                    datagramsPerRead, bindDevice);
        }

        public Options withMaxDatagramSize(int maxDatagramSize) {
            return new Options(bindAddress, headerIncluded, receiveBufferBytes, sendBufferBytes, maxDatagramSize,
                    datagramsPerRead, bindDevice);
        }

        public Options withDatagramsPerRead(int datagramsPerRead) {
            return new Options(bindAddress, headerIncluded, receiveBufferBytes, sendBufferBytes, maxDatagramSize,
                    datagramsPerRead, bindDevice);
        }

        public Options withBindDevice(String bindDevice) {
            return new Options(bindAddress, headerIncluded, receiveBufferBytes, sendBufferBytes, maxDatagramSize,
                    datagramsPerRead, bindDevice);
        }
    }

    private RawGreSocket() {}

    /**
     * Creates the socket in the calling thread's network namespace and wraps it in a channel,
     * configured for batched reads, not yet registered: add handlers, then register it on an
     * epoll event loop group.
     */
    public static EpollDatagramChannel open(Options options) throws IOException {
        int fd = openDescriptor(options);
        try {
            EpollDatagramChannel channel = new EpollDatagramChannel(fd);
            // recvmmsg needs a slot size, and a buffer of several slots to fill in one call.
            channel.config().setMaxDatagramPayloadSize(options.maxDatagramSize());
            channel.config().setRecvByteBufAllocator(
                    new FixedRecvByteBufAllocator(options.maxDatagramSize() * options.datagramsPerRead()));
            return channel;
        } catch (RuntimeException e) {
            closeQuietly(fd, e);
            throw e;
        }
    }

    /** {@link #open}, {@code handler} added to the pipeline, registered on {@code group} (an epoll group). */
    public static ChannelFuture register(EventLoopGroup group, Options options, ChannelHandler handler)
            throws IOException {
        EpollDatagramChannel channel = open(options);
        channel.pipeline().addLast(handler);
        return group.register(channel);
    }

    /** The configured descriptor alone: for callers that read it without Netty. */
    public static int openDescriptor(Options options) throws IOException {
        int fd = Libc.socket(Libc.AF_INET, Libc.SOCK_RAW | Libc.SOCK_NONBLOCK | Libc.SOCK_CLOEXEC, IPPROTO_GRE,
                "AF_INET, SOCK_RAW|SOCK_NONBLOCK|SOCK_CLOEXEC, IPPROTO_GRE");
        try {
            if (options.receiveBufferBytes() > 0) {
                setBuffer(fd, Libc.SO_RCVBUFFORCE, "SO_RCVBUFFORCE", Libc.SO_RCVBUF, "SO_RCVBUF",
                        options.receiveBufferBytes());
            }
            if (options.sendBufferBytes() > 0) {
                setBuffer(fd, Libc.SO_SNDBUFFORCE, "SO_SNDBUFFORCE", Libc.SO_SNDBUF, "SO_SNDBUF",
                        options.sendBufferBytes());
            }
            if (options.headerIncluded()) {
                Libc.setsockopt(fd, Libc.IPPROTO_IP, Libc.IP_HDRINCL, 1, "IPPROTO_IP, IP_HDRINCL, 1");
            }
            if (options.bindDevice() != null) {
                Libc.setsockopt(fd, Libc.SOL_SOCKET, Libc.SO_BINDTODEVICE, options.bindDevice(),
                        "SOL_SOCKET, SO_BINDTODEVICE, " + options.bindDevice());
            }
            if (options.bindAddress() != null) {
                Libc.bind(fd, options.bindAddress(), options.bindAddress().getHostAddress());
            }
            return fd;
        } catch (IOException | RuntimeException e) {
            closeQuietly(fd, e);
            throw e;
        }
    }

    /**
     * The {@code FORCE} options need CAP_NET_ADMIN; without it (a raw socket needs only
     * CAP_NET_RAW) the plain option still works up to {@code net.core.rmem_max}/{@code wmem_max}.
     */
    private static void setBuffer(int fd, int force, String forceName, int plain, String plainName, int bytes)
            throws IOException {
        try {
            Libc.setsockopt(fd, Libc.SOL_SOCKET, force, bytes, "SOL_SOCKET, " + forceName + ", " + bytes);
        } catch (ErrnoException e) {
            if (e.errno() != Libc.EPERM) {
                throw e;
            }
            LOG.log(Level.WARNING, e.getMessage() + "; falling back to " + plainName
                    + ", which the kernel caps at its sysctl maximum");
            Libc.setsockopt(fd, Libc.SOL_SOCKET, plain, bytes, "SOL_SOCKET, " + plainName + ", " + bytes);
        }
    }

    private static void closeQuietly(int fd, Exception cause) {
        try {
            Libc.close(fd, "raw GRE socket");
        } catch (IOException suppressed) {
            cause.addSuppressed(suppressed);
        }
    }
}
