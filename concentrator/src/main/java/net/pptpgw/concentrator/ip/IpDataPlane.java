package net.pptpgw.concentrator.ip;

import io.micrometer.core.instrument.MeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.channel.IoEventLoop;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.Inet4Address;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import net.pptpgw.concentrator.Ipv4;
import net.pptpgw.concentrator.pool.AddressPool;
import net.pptpgw.linux.IpCommand;
import net.pptpgw.linux.TunDevice;
import net.pptpgw.linux.TunPacketHandler;
import net.pptpgw.linux.TunQueue;
import net.pptpgw.protocol.gre.GreHeader;
import net.pptpgw.protocol.ppp.session.PppSession;

/**
 * One TUN interface for every session: the kernel routes the pool to it, so a packet it reads
 * is for a client, found by destination address through {@link AddressPool#lookup} and an
 * array indexed by pool offset (no map, no lock, no allocation); a packet a session received
 * goes to the kernel through it once its source is checked against the session's address.
 *
 * <p>Runs on one event loop, the GRE socket's, so that sessions, the array and the TUN queue
 * are touched by one thread. The TUN's reads leave {@link #HEADROOM} bytes before each packet:
 * PPP, MPPE and GRE headers are then written in place in front of it.
 */
public final class IpDataPlane implements TunPacketHandler, AutoCloseable {

    private static final System.Logger LOG = System.getLogger(IpDataPlane.class.getName());

    /** Room before a TUN packet for PPP (with MPPE) and the GRE header: frames are built in place. */
    public static final int HEADROOM = PppSession.DATA_HEADROOM + GreHeader.MAX_LENGTH;
    /**
     * The TUN's MTU: the 1400-octet MRU PPTP peers ask for (Windows, accel-ppp, our own client)
     * minus MPPE's header and the encrypted Protocol field (RFC 3078 §3), so that an encrypted
     * packet fits a peer's MRU whole.
     */
    public static final int DEFAULT_MTU = 1400 - 4;

    /** Where packets for the kernel go: a TUN queue, or a list in tests. Takes ownership; false when dropped. */
    @FunctionalInterface
    public interface TunWriter {
        boolean write(ByteBuf packet);
    }

    private final AddressPool pool;
    private final IpSession[] byOffset;
    private final IpMetrics metrics;
    private final TunWriter writer;
    private final TunDevice device;

    /** A data plane over {@code writer}, without a TUN of its own: feed it with {@link #packetRead}. */
    public IpDataPlane(AddressPool pool, MeterRegistry meters, TunWriter writer) {
        this(pool, meters, writer, null);
    }

    private IpDataPlane(AddressPool pool, MeterRegistry meters, TunWriter writer, TunDevice device) {
        this.pool = Objects.requireNonNull(pool, "pool");
        this.byOffset = new IpSession[pool.size()];
        this.metrics = new IpMetrics(meters);
        this.writer = writer;
        this.device = device;
    }

    /**
     * Opens TUN {@code name} in the calling thread's network namespace, gives it
     * {@code localAddress} (the server's end of every PPP link), MTU {@code mtu}, routes every
     * pool range to it and brings it up. Packets flow once {@link #start} names the event loop.
     */
    public static IpDataPlane open(String name, Inet4Address localAddress, int mtu, AddressPool pool,
            MeterRegistry meters) throws IOException {
        TunDevice device = TunDevice.open(name);
        try {
            TunQueue queue = device.queue(0);
            IpCommand ip = IpCommand.inCallerNamespace();
            ip.addAddress(device.name(), localAddress.getHostAddress() + "/32");
            ip.setMtu(device.name(), mtu);
            ip.linkUp(device.name());
            for (String prefix : routes(pool)) {
                ip.addRoute(prefix, device.name());
            }
            LOG.log(Level.INFO, () -> "TUN " + device.name() + " up: " + localAddress.getHostAddress() + ", mtu " + mtu
                    + ", routes " + routes(pool));
            return new IpDataPlane(pool, meters, packet -> writeToTun(queue, packet), device);
        } catch (IOException | RuntimeException e) {
            device.close();
            throw e;
        }
    }

    private static boolean writeToTun(TunQueue queue, ByteBuf packet) {
        if (queue.eventLoop() == null) {
            packet.release(); // not started yet
            return false;
        }
        return queue.writeAndFlush(packet);
    }

    /**
     * Starts reading the TUN on {@code loop}, which must be the GRE socket's (an epoll loop):
     * sessions and the address array are then touched by that one thread.
     */
    public void start(IoEventLoop loop) throws InterruptedException {
        if (device == null) {
            throw new IllegalStateException("no TUN of its own");
        }
        device.queue(0).register(loop, TunQueue.Options.defaults().withHeadroom(HEADROOM), this).sync();
    }

    /** The interface name, or null without a TUN of its own. */
    public String deviceName() {
        return device == null ? null : device.name();
    }

    /** Packets for pool address {@code offset} go to {@code session} from now on. On the loop. */
    public void attach(int offset, IpSession session) {
        byOffset[offset] = Objects.requireNonNull(session, "session");
    }

    /** Undoes {@link #attach}, if {@code session} is still the one attached. On the loop. */
    public void detach(int offset, IpSession session) {
        if (byOffset[offset] == session) {
            byOffset[offset] = null;
        }
    }

    /** The session attached at {@code offset}, or null; for tests. */
    IpSession attached(int offset) {
        return byOffset[offset];
    }

    /**
     * An IPv4 packet a session received from its peer: dropped as {@code spoofed-source} unless
     * its source is {@code sessionAddress} (the peer may only speak for the address it was
     * given), its TCP MSS clamped to {@code mss}, then written to the TUN. Takes ownership.
     *
     * @return null when written, else why it was dropped
     */
    public TunDropReason fromSession(ByteBuf packet, int sessionAddress, int mss) {
        int start = packet.readerIndex();
        if (packet.readableBytes() < 20 || (packet.getByte(start) & 0xF0) != 0x40) {
            return drop(packet, TunDropReason.NOT_IPV4);
        }
        if (packet.getInt(start + 12) != sessionAddress) {
            return drop(packet, TunDropReason.SPOOFED_SOURCE);
        }
        if (MssClamp.clamp(packet, mss)) {
            metrics.clamped();
        }
        int bytes = packet.readableBytes();
        if (!writer.write(packet)) {
            metrics.dropped(TunDropReason.TUN_BUSY);
            return TunDropReason.TUN_BUSY;
        }
        metrics.toTun(bytes);
        return null;
    }

    @Override
    public void packetRead(TunQueue queue, ByteBuf packet) {
        toSessions(packet);
    }

    /** A packet the kernel routed to the TUN: to the session holding its destination. Takes ownership. */
    public TunDropReason toSessions(ByteBuf packet) {
        int start = packet.readerIndex();
        if (packet.readableBytes() < 20 || (packet.getByte(start) & 0xF0) != 0x40) {
            return drop(packet, TunDropReason.NOT_IPV4);
        }
        int offset = pool.lookup(packet.getInt(start + 16));
        IpSession session = offset < 0 ? null : byOffset[offset];
        if (session == null) {
            return drop(packet, TunDropReason.NO_SESSION);
        }
        if (MssClamp.clamp(packet, session.maxSegmentSize())) {
            metrics.clamped();
        }
        int bytes = packet.readableBytes();
        TunDropReason dropped = session.fromTun(packet);
        if (dropped != null) {
            metrics.dropped(dropped);
        } else {
            metrics.toSession(bytes);
        }
        return dropped;
    }

    private TunDropReason drop(ByteBuf packet, TunDropReason reason) {
        packet.release();
        metrics.dropped(reason);
        return reason;
    }

    /** Drops counted for {@code reason}; for tests. */
    public double dropped(TunDropReason reason) {
        return metrics.droppedCount(reason);
    }

    /** Closes the TUN (the interface and its routes go with it). */
    @Override
    public void close() {
        if (device != null) {
            device.close();
        }
    }

    /** The pool's ranges as CIDR prefixes, for {@code ip route}: each range split into aligned blocks. */
    static List<String> routes(AddressPool pool) {
        List<String> prefixes = new ArrayList<>();
        for (AddressPool.Range range : pool.ranges()) {
            long next = Integer.toUnsignedLong(range.first());
            long last = next + range.count() - 1;
            while (next <= last) {
                // The largest block aligned at next that stays within the range.
                int bits = next == 0 ? 32 : Math.min(32, Long.numberOfTrailingZeros(next));
                while (bits > 0 && next + (1L << bits) - 1 > last) {
                    bits--;
                }
                prefixes.add(Ipv4.fromInt((int) next).getHostAddress() + "/" + (32 - bits));
                next += 1L << bits;
            }
        }
        return prefixes;
    }
}
