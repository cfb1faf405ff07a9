package net.pptpgw.concentrator.ip;

import io.micrometer.core.instrument.MeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.IoEventLoop;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.Inet4Address;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.LongSupplier;
import net.pptpgw.concentrator.Ipv4;
import net.pptpgw.concentrator.TokenBucket;
import net.pptpgw.concentrator.ip.IpMetrics.IcmpOutcome;
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
 * <p>The TUN has one MTU for all, but every session has its own ({@link IpSession#mtu}, from
 * its peer's MRU). A packet larger than its session's is handled as a router would (RFC 1812
 * §4.2.2.7, §5.2.6): with Don't-Fragment set it is dropped and its sender told the MTU by ICMP
 * Fragmentation Needed (RFC 1191), written back into the TUN; without, it is fragmented
 * (RFC 791 §3.2) and the fragments sent through the session. Sending it whole would only move
 * the drop to the peer, which discards frames beyond its MRU (Linux's MPPE decompressor, for
 * one), and leave the sender in a path-MTU black hole.
 *
 * <p>Runs on one event loop, the GRE socket's, so that sessions, the array and the TUN queue
 * are touched by one thread. The TUN's reads leave {@link #HEADROOM} bytes before each packet:
 * PPP, MPPE and GRE headers are then written in place in front of it. A packet that fits its
 * session costs no allocation; fragments and ICMP answers come from the allocator.
 *
 * <p>The TUN is opened with the virtio-net header ({@link TunDevice#openWithVnetHeader}) and
 * its writes are flushed once per batch (see {@link #writeToTun}): consecutive TCP segments of
 * one flow in a batch reach the kernel as one GSO super-packet, so the kernel routes, forwards
 * and receives a run of segments once instead of per 1,400 octets (counted in
 * {@code pptp_tun_coalesced_runs_total} and {@code pptp_tun_coalesced_packets_total}).
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
    /**
     * ICMP errors originated, in all: a few hundred a second, bursts of 50. RFC 1812 §4.3.2.8
     * asks a router to limit them; without a bound, oversized packets with forged sources would
     * make us a reflector towards whoever those sources name.
     */
    static final int ICMP_PER_SECOND = 200;
    static final int ICMP_BURST = 50;
    private static final long DROP_LOG_INTERVAL_NANOS = 1_000_000_000L;
    /** Don't Fragment, in the flags and fragment offset word (RFC 791 §3.1). */
    private static final int FLAG_DONT_FRAGMENT = 0x4000;

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
    /** The concentrator's own address on the TUN: the source of the ICMP errors it originates. */
    private final int localAddress;
    private final ByteBufAllocator allocator;
    private final Ipv4Fragmenter fragmenter;
    private final TokenBucket icmpBudget;
    private final LongSupplier nanoClock;
    private int icmpIdentification;
    private long nextTooBigLog;

    /**
     * A data plane over {@code writer}, without a TUN of its own: feed it with {@link #packetRead}.
     * {@code localAddress} is the server's end of every PPP link, the source of its ICMP errors.
     */
    public IpDataPlane(Inet4Address localAddress, AddressPool pool, MeterRegistry meters, TunWriter writer) {
        this(localAddress, pool, meters, writer, ByteBufAllocator.DEFAULT, System::nanoTime, null);
    }

    /** As the public constructor, with the allocator for fragments and ICMP answers and the rate limit's clock. */
    IpDataPlane(Inet4Address localAddress, AddressPool pool, MeterRegistry meters, TunWriter writer,
            ByteBufAllocator allocator, LongSupplier nanoClock) {
        this(localAddress, pool, meters, writer, allocator, nanoClock, null);
    }

    private IpDataPlane(Inet4Address localAddress, AddressPool pool, MeterRegistry meters, TunWriter writer,
            ByteBufAllocator allocator, LongSupplier nanoClock, TunDevice device) {
        this.pool = Objects.requireNonNull(pool, "pool");
        this.byOffset = new IpSession[pool.size()];
        this.metrics = new IpMetrics(meters);
        this.writer = writer;
        this.device = device;
        this.localAddress = Ipv4.toInt(Objects.requireNonNull(localAddress, "localAddress"));
        this.allocator = Objects.requireNonNull(allocator, "allocator");
        this.fragmenter = new Ipv4Fragmenter(allocator, HEADROOM);
        this.nanoClock = nanoClock;
        this.icmpBudget = new TokenBucket(ICMP_PER_SECOND, ICMP_BURST, nanoClock);
        this.nextTooBigLog = nanoClock.getAsLong();
    }

    /**
     * Opens TUN {@code name} in the calling thread's network namespace, gives it
     * {@code localAddress} (the server's end of every PPP link), MTU {@code mtu}, routes every
     * pool range to it and brings it up. Packets flow once {@link #start} names the event loop.
     */
    public static IpDataPlane open(String name, Inet4Address localAddress, int mtu, AddressPool pool,
            MeterRegistry meters) throws IOException {
        // The virtio-net header lets the queue write a run of one flow's TCP segments as one GSO
        // super-packet: the kernel routes, forwards and receives it once instead of per segment.
        TunDevice device = TunDevice.openWithVnetHeader(name);
        try {
            TunQueue queue = device.queue(0);
            IpCommand ip = IpCommand.inCallerNamespace();
            ip.addAddress(device.name(), localAddress.getHostAddress() + "/32");
            ip.setMtu(device.name(), mtu);
            ip.linkUp(device.name());
            for (String prefix : routes(pool)) {
                ip.addRoute(prefix, device.name());
            }
            acceptLocalSource(device.name());
            LOG.log(Level.INFO, () -> "TUN " + device.name() + " up: " + localAddress.getHostAddress() + ", mtu " + mtu
                    + ", routes " + routes(pool));
            TunQueue.Options options = TunQueue.Options.defaults();
            IpDataPlane plane = new IpDataPlane(localAddress, pool, meters, packet -> writeToTun(queue, packet),
                    options.allocator(), System::nanoTime, device);
            plane.metrics.coalescing(queue);
            return plane;
        } catch (IOException | RuntimeException e) {
            device.close();
            throw e;
        }
    }

    /**
     * Lets the kernel take packets from the TUN whose source is the TUN's own address: Linux
     * drops them as martians otherwise ({@code fib_validate_source}; measured: silently, no
     * counter), and the ICMP errors we originate carry exactly that source. Per interface, in
     * the calling thread's network namespace (sysctl's net tree follows the caller's).
     */
    private static void acceptLocalSource(String device) {
        Path knob = Path.of("/proc/sys/net/ipv4/conf", device, "accept_local");
        try {
            Files.writeString(knob, "1");
        } catch (IOException e) {
            LOG.log(Level.WARNING, () -> "cannot set " + knob + " (" + e + "): the kernel will drop the ICMP"
                    + " Fragmentation Needed we answer too-big packets with; set net.ipv4.conf." + device
                    + ".accept_local=1");
        }
    }

    /**
     * Queues the packet and has the queue flushed once after the loop's current I/O: packets of
     * one GRE read batch (or one TUN read batch, for ICMP answers) then go out in one flush, in
     * which the queue finds runs of TCP segments to coalesce; a flush per packet would leave it
     * nothing to coalesce. A flush task in the loop's task queue runs after the I/O of this
     * wake-up, as Netty's FlushConsolidationHandler's does (it does this for the GRE socket).
     * Hooking the GRE channel's channelReadComplete instead would tie this class to the GRE
     * pipeline, which it does not know; the task needs nothing but the loop.
     */
    private static boolean writeToTun(TunQueue queue, ByteBuf packet) {
        if (queue.eventLoop() == null) {
            packet.release(); // not started yet
            return false;
        }
        boolean queued = queue.write(packet);
        queue.flushLater();
        return queued;
    }

    /**
     * Starts reading the TUN on {@code loop}, which must be the GRE socket's (an epoll loop):
     * sessions and the address array are then touched by that one thread.
     */
    public void start(IoEventLoop loop) throws InterruptedException {
        if (device == null) {
            throw new IllegalStateException("no TUN of its own");
        }
        device.queue(0).register(loop, TunQueue.Options.defaults().withAllocator(allocator).withHeadroom(HEADROOM), this)
                .sync();
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
        return toSession(packet, session);
    }

    /** An IPv4 packet (at least a header's worth, version 4) to {@code session}, whole or in fragments. Takes ownership. */
    TunDropReason toSession(ByteBuf packet, IpSession session) {
        if (MssClamp.clamp(packet, session.maxSegmentSize())) {
            metrics.clamped();
        }
        int mtu = session.mtu();
        if (packet.readableBytes() > mtu) {
            int headerLength = Ipv4Fragmenter.headerLength(packet);
            if (headerLength < 0) {
                return drop(packet, TunDropReason.MALFORMED);
            }
            int start = packet.readerIndex();
            int totalLength = packet.getUnsignedShort(start + 2);
            if (totalLength > mtu) {
                return (packet.getUnsignedShort(start + 6) & FLAG_DONT_FRAGMENT) != 0
                        ? refuseTooBig(packet, headerLength, mtu)
                        : sendFragments(packet, session, mtu);
            }
            packet.writerIndex(start + totalLength); // it fits without the link layer's padding
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

    /**
     * Too big, Don't-Fragment set: dropped, and the sender told the session's MTU by ICMP
     * Fragmentation Needed written into the TUN (the kernel routes it back towards the sender)
     * unless RFC 1812 §4.3.2.7 forbids an answer or the rate limit is spent.
     */
    private TunDropReason refuseTooBig(ByteBuf packet, int headerLength, int mtu) {
        IcmpOutcome outcome;
        if (!FragmentationNeeded.mayAnswer(packet, headerLength)) {
            outcome = IcmpOutcome.NOT_ALLOWED;
        } else if (!icmpBudget.tryTake()) {
            outcome = IcmpOutcome.RATE_LIMITED;
        } else {
            ByteBuf answer = FragmentationNeeded.build(allocator, packet, headerLength, localAddress, mtu,
                    ++icmpIdentification & 0xFFFF);
            outcome = writer.write(answer) ? IcmpOutcome.SENT : IcmpOutcome.TUN_BUSY;
        }
        metrics.fragmentationNeeded(outcome);
        logTooBig(packet, mtu, outcome);
        return drop(packet, TunDropReason.TOO_BIG);
    }

    /** Too big, fragments allowed: split to fit, each fragment through the session; the original released. */
    private TunDropReason sendFragments(ByteBuf packet, IpSession session, int mtu) {
        if (!fragmenter.start(packet, mtu)) {
            return drop(packet, TunDropReason.MALFORMED);
        }
        int made = 0;
        TunDropReason dropped = null;
        while (dropped == null && fragmenter.hasNext()) {
            ByteBuf fragment = fragmenter.next();
            int bytes = fragment.readableBytes();
            made++;
            dropped = session.fromTun(fragment);
            if (dropped == null) {
                metrics.toSession(bytes);
            }
        }
        // A fragment refused leaves the rest useless: the receiver cannot reassemble without it.
        fragmenter.abandon();
        packet.release();
        metrics.fragmented(made);
        if (dropped != null) {
            metrics.dropped(dropped);
        }
        return dropped;
    }

    /** A flood of too-big packets is one log line a second; the counters have every one. */
    private void logTooBig(ByteBuf packet, int mtu, IcmpOutcome outcome) {
        long now = nanoClock.getAsLong();
        if (now - nextTooBigLog < 0) {
            return;
        }
        nextTooBigLog = now + DROP_LOG_INTERVAL_NANOS;
        int start = packet.readerIndex();
        String source = Ipv4.fromInt(packet.getInt(start + 12)).getHostAddress();
        String destination = Ipv4.fromInt(packet.getInt(start + 16)).getHostAddress();
        int length = packet.getUnsignedShort(start + 2);
        LOG.log(Level.INFO, () -> "dropped a " + length + "-octet packet " + source + " -> " + destination
                + " with DF set: the session's MTU is " + mtu + "; ICMP fragmentation needed " + outcome.tag()
                + " (logged at most once a second, all counted"
                + " in pptp_ip_dropped_total{reason=\"too-big\"} and pptp_ip_icmp_frag_needed_total)");
    }

    private TunDropReason drop(ByteBuf packet, TunDropReason reason) {
        packet.release();
        metrics.dropped(reason);
        return reason;
    }

    /** ICMP Fragmentation Needed counted with {@code outcome}; for tests. */
    double fragmentationNeeded(IcmpOutcome outcome) {
        return metrics.fragmentationNeededCount(outcome);
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
