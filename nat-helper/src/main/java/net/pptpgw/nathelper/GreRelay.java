package net.pptpgw.nathelper;

import io.micrometer.core.instrument.Counter;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoop;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import net.pptpgw.linux.Ipv4Header;
import net.pptpgw.linux.RawGreSocket;

/**
 * Moves GRE (RFC 2637 §4) between the LAN clients and their servers on two raw GRE sockets,
 * deciding and rewriting each packet with a {@link GreForwarder}.
 *
 * <ul>
 *   <li>WAN socket, bound to the WAN address: receives the servers' GRE (only what is addressed
 *       to the WAN address); sends the clients' GRE to the servers with the kernel writing the
 *       IP header, so its source is the WAN address.
 *   <li>LAN socket, bound to the LAN interface, {@code IP_HDRINCL}: receives the clients' GRE, addressed to their
 *       servers and delivered to this host by the gateway's policy routing (a mark on LAN GRE and
 *       a {@code local 0.0.0.0/0} route, as for the TPROXY'd control connections); sends the
 *       servers' GRE to the clients as the IPv4 packet the forwarder rewrote, the server's
 *       address as source, since a PPTP client accepts GRE only from its server.
 * </ul>
 *
 * <p>Both sockets live on one event loop: the two forwarders, the mapping refreshes (which
 * {@link MappingTable#greSeen} wants from one thread) and both channels stay on one thread.
 * Reads come in {@code recvmmsg} batches; writes to the other socket are flushed once per read
 * batch, so they leave in {@code sendmmsg} batches. The forwarded packet is a slice of the
 * received buffer: no copy. When the outgoing socket's buffer is full the packet is dropped and
 * counted ({@code congested}): GRE is a datagram service and PPP copes with a lost frame, while
 * queueing without bound would not.
 */
final class GreRelay implements AutoCloseable {

    private static final Logger LOG = System.getLogger(GreRelay.class.getName());

    private final MappingTable table;
    private final NatMetrics metrics;
    private final Inet4Address wanAddress;
    private final String lanInterface;
    private final RawGreSocket.Options options;
    private Channel lan;
    private Channel wan;

    /**
     * @param lanInterface where the clients' GRE comes in: the LAN socket is bound to it
     *     ({@code SO_BINDTODEVICE}, which also keeps its sends on it) so that the kernel does not
     *     hand it a copy of every server packet the WAN socket reads (under the bench's flood
     *     those copies filled its receive buffer); null to take GRE from any interface and skip
     *     those copies in the relay instead
     */
    GreRelay(MappingTable table, NatMetrics metrics, Inet4Address wanAddress, String lanInterface,
             RawGreSocket.Options options) {
        this.table = table;
        this.metrics = metrics;
        this.wanAddress = wanAddress;
        this.lanInterface = lanInterface;
        this.options = options;
    }

    /** Opens both sockets in the calling thread's network namespace and registers them on {@code loop}. */
    GreRelay start(EventLoop loop) throws IOException, InterruptedException {
        try {
            wan = RawGreSocket.register(loop, options.withBindAddress(wanAddress).withHeaderIncluded(false),
                    new Relay(Direction.WAN_TO_LAN)).sync().channel();
            lan = RawGreSocket.register(loop,
                    options.withBindAddress(null).withBindDevice(lanInterface).withHeaderIncluded(true),
                    new Relay(Direction.LAN_TO_WAN)).sync().channel();
        } catch (IOException | InterruptedException | RuntimeException e) {
            close();
            throw e;
        }
        LOG.log(Level.INFO, "GRE relay: WAN socket bound to {0}, LAN socket on {1} with IP_HDRINCL",
                wanAddress.getHostAddress(), lanInterface == null ? "every interface" : lanInterface);
        return this;
    }

    @Override
    public void close() {
        if (lan != null) {
            lan.close().awaitUninterruptibly();
            lan = null;
        }
        if (wan != null) {
            wan.close().awaitUninterruptibly();
            wan = null;
        }
    }

    /** Reads one socket and writes what it forwards to the other. */
    private final class Relay extends SimpleChannelInboundHandler<DatagramPacket> {
        private final Direction direction;
        private final GreForwarder forwarder;
        private final Counter congested;
        private final int wanAddressInt;
        private boolean pending;

        Relay(Direction direction) {
            super(DatagramPacket.class, true);
            this.direction = direction;
            this.forwarder = new GreForwarder(table, metrics);
            this.congested = metrics.greDropped(direction, "congested");
            this.wanAddressInt = Ipv4Header.toInt(wanAddress);
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
            ByteBuf content = packet.content();
            long now = System.nanoTime();
            if (direction == Direction.LAN_TO_WAN) {
                if (content.readableBytes() >= Ipv4Header.MIN_LENGTH
                        && Ipv4Header.destination(content) == wanAddressInt) {
                    return; // a server's GRE, seen too when no LAN interface is set: the WAN socket relays it
                }
                if (forwarder.lanToWan(content, now)) {
                    send(wan, content.retainedSlice(forwarder.greOffset(), forwarder.greLength()),
                            forwarder.mapping().serverSocketAddress());
                }
            } else if (forwarder.wanToLan(content, now)) {
                send(lan, content.retainedSlice(content.readerIndex(), forwarder.ipLength()),
                        forwarder.mapping().clientSocketAddress());
            }
        }

        private void send(Channel out, ByteBuf packet, InetSocketAddress to) {
            if (out == null || !out.isWritable()) { // null: the other socket is still being opened
                packet.release();
                congested.increment();
                return;
            }
            out.write(new DatagramPacket(packet, to), out.voidPromise());
            pending = true;
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            if (pending) {
                pending = false;
                (direction == Direction.LAN_TO_WAN ? wan : lan).flush();
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            // A send error (e.g. EHOSTUNREACH for one client) must not end the relay for everyone.
            LOG.log(Level.WARNING, "GRE relay " + direction.tag() + " socket error", cause);
        }
    }
}
