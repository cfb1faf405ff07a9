/**
 * Linux I/O that Netty lacks, through FFM ({@code java.lang.foreign}): what the concentrator,
 * the NAT helper and the userspace pppd stand on.
 *
 * <ul>
 *   <li>{@link net.pptpgw.linux.TunDevice} / {@link net.pptpgw.linux.TunQueue}: a TUN interface
 *       (one or several queues), IP packets in and out of Netty buffers, read on an epoll
 *       {@code IoEventLoop} and handed to a {@link net.pptpgw.linux.TunPacketHandler}.
 *   <li>{@link net.pptpgw.linux.RawGreSocket}: a raw {@code IPPROTO_GRE} socket as a Netty
 *       {@code EpollDatagramChannel} with batched receive; {@link net.pptpgw.linux.Ipv4Header}
 *       finds GRE and the peer in what it receives;
 *       {@link net.pptpgw.linux.GreUnreachableFilter} keeps the kernel from answering GRE with
 *       ICMP protocol-unreachable.
 *   <li>{@link net.pptpgw.linux.NetworkNamespace}: a thread inside a named network namespace,
 *       to create sockets and devices there.
 *   <li>{@link net.pptpgw.linux.IpCommand}: interface configuration through iproute2.
 *   <li>{@link net.pptpgw.linux.Libc}: the C library calls underneath, with errno turned into
 *       {@link net.pptpgw.linux.ErrnoException} messages that name the call.
 * </ul>
 *
 * <p>Everything here needs Linux, native access ({@code --enable-native-access=ALL-UNNAMED}) and,
 * for TUN, raw sockets and namespaces, root (CAP_NET_ADMIN and CAP_NET_RAW). Netty's epoll
 * transport is used, not io_uring: io_uring (4.2.18) drops every datagram a raw socket receives.
 */
package net.pptpgw.linux;
