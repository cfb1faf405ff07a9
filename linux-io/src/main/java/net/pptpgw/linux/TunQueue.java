package net.pptpgw.linux;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.IoEvent;
import io.netty.channel.IoEventLoop;
import io.netty.channel.IoRegistration;
import io.netty.channel.epoll.EpollIoEvent;
import io.netty.channel.epoll.EpollIoHandle;
import io.netty.channel.epoll.EpollIoOps;
import io.netty.channel.unix.FileDescriptor;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import io.netty.util.internal.PlatformDependent;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.channels.ClosedChannelException;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

/**
 * One queue (one file descriptor) of a {@link TunDevice}: IP packets in and out of Netty
 * buffers, read on an epoll event loop.
 *
 * <p>Netty's channels refuse a TUN descriptor (it is not a socket), so the queue registers
 * itself on an {@link IoEventLoop} of an epoll group ({@code MultiThreadIoEventLoopGroup} with
 * {@code EpollIoHandler.newFactory()}) as an {@link EpollIoHandle}: when the descriptor is
 * readable the loop reads up to {@link Options#maxPacketsPerWakeup} packets and hands each to a
 * {@link TunPacketHandler}. Epoll is level-triggered here, so packets left over wake the loop
 * again after its other work.
 *
 * <p>Data path: each packet is read with one {@code read(2)} straight into a direct buffer from
 * the allocator ({@link Options#headroom} bytes in, so an encapsulating layer can prepend its
 * headers without a copy), and written with one {@code write(2)} straight from the buffer's
 * memory; no {@code byte[]} and no per-packet objects besides the pooled buffers themselves.
 *
 * <p>Writes are batched the way a Netty channel batches them: {@link #write} queues a packet
 * from any thread (a bounded lock-free queue), {@link #flush} writes everything queued in one go
 * on the event loop. A TUN descriptor takes exactly one packet per {@code write(2)} (there is no
 * {@code sendmmsg} for it), so the batch saves wake-ups and thread hand-offs, not system calls,
 * unless the device has the virtio-net header (below).
 *
 * <p>{@link #readPacket} and {@link #writePacket} are the same operations without an event loop,
 * for a queue that is not registered (e.g. a dedicated thread, a test).
 *
 * <p>A queue of a device opened {@linkplain TunDevice#openWithVnetHeader with the virtio-net
 * header} reads with {@code readv(2)}: the header into a scratch area of the queue, the packet
 * into the buffer as above, so handlers see plain IP packets. It writes with {@code writev(2)}:
 * a zero header before a plain packet; and a run of queued TCP segments of one flow that
 * {@link TcpSegmentCoalescer} accepts goes out as one GSO super-packet, the merged headers from
 * a scratch area and every payload straight from its queued buffer (no copy).
 */
public final class TunQueue implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(TunQueue.class.getName());
    private static final int VNET_HDR = TcpSegmentCoalescer.VIRTIO_NET_HDR_LENGTH;
    /** {@link #readInto}'s answer for a read whose virtio-net header announced GSO or a partial checksum. */
    private static final long OFFLOADED = Long.MIN_VALUE;

    /**
     * How a registered queue reads and writes.
     *
     * @param allocator where read buffers come from; they must be direct
     * @param bufferSize capacity of each read buffer; at least the interface MTU plus the
     *     headroom, or longer packets arrive cut short and are dropped (counted in
     *     {@link #truncatedPackets})
     * @param headroom bytes left free before each packet read
     * @param maxPacketsPerWakeup packets read before the loop turns to its other work
     * @param writeQueueCapacity packets {@link #write} queues before it drops (counted in
     *     {@link #writeDrops}); rounded up to a power of two
     */
    public record Options(ByteBufAllocator allocator, int bufferSize, int headroom, int maxPacketsPerWakeup,
                          int writeQueueCapacity) {

        public Options {
            Objects.requireNonNull(allocator, "allocator");
            if (headroom < 0 || bufferSize - headroom < 68) { // 68: the smallest MTU IPv4 allows (RFC 791)
                throw new IllegalArgumentException("bufferSize " + bufferSize + " with headroom " + headroom
                        + " leaves less than 68 bytes for a packet");
            }
            if (maxPacketsPerWakeup < 1 || writeQueueCapacity < 1) {
                throw new IllegalArgumentException("maxPacketsPerWakeup and writeQueueCapacity must be positive");
            }
        }

        /** 2048-byte buffers (MTU 1500 and room to spare), no headroom, 64 reads per wake-up, 4096 queued writes. */
        public static Options defaults() {
            return new Options(ByteBufAllocator.DEFAULT, 2048, 0, 64, 4096);
        }

        public Options withAllocator(ByteBufAllocator allocator) {
            return new Options(allocator, bufferSize, headroom, maxPacketsPerWakeup, writeQueueCapacity);
        }

        public Options withBufferSize(int bufferSize) {
            return new Options(allocator, bufferSize, headroom, maxPacketsPerWakeup, writeQueueCapacity);
        }

        public Options withHeadroom(int headroom) {
            return new Options(allocator, bufferSize, headroom, maxPacketsPerWakeup, writeQueueCapacity);
        }

        public Options withMaxPacketsPerWakeup(int maxPacketsPerWakeup) {
            return new Options(allocator, bufferSize, headroom, maxPacketsPerWakeup, writeQueueCapacity);
        }

        public Options withWriteQueueCapacity(int writeQueueCapacity) {
            return new Options(allocator, bufferSize, headroom, maxPacketsPerWakeup, writeQueueCapacity);
        }
    }

    private final String deviceName;
    private final int queueIndex;
    private final TunDescriptor fd;
    // errno of read(2) and of write(2): each is used by one thread at a time.
    private final MemorySegment readState;
    private final MemorySegment writeState;
    private final EpollHandle ioHandle = new EpollHandle();
    // IFF_VNET_HDR only (else null): native scratch for readv/writev, each used by one thread at a time.
    private final boolean vnetHeader;
    private final MemorySegment readIovecs; // [0] the header scratch below, [1] the packet
    private final MemorySegment readVnetHeader;
    private final MemorySegment writeIovecs; // [0] headers, [1..] packet or payloads
    private final MemorySegment zeroVnetHeader;
    private final ByteBuf runHeaders; // direct view of native memory, for TcpSegmentCoalescer.writeHeaders
    private final long runHeadersAddress;
    private final TcpSegmentCoalescer coalescer; // event loop only

    // Set by register(). The loop reads options and handler after the registration task, which
    // publishes them; writers on any thread read loop and pendingWrites, hence volatile.
    private volatile IoEventLoop loop;
    private Options options;
    private TunPacketHandler handler;
    private volatile Queue<ByteBuf> pendingWrites;
    // Event loop only.
    private IoRegistration registration;
    private boolean writeBlocked;

    private final AtomicBoolean flushScheduled = new AtomicBoolean();
    private final Runnable flushTask = () -> {
        flushScheduled.set(false); // before draining: a packet queued from now on schedules a new flush
        flushNow();
    };
    private final AtomicBoolean closed = new AtomicBoolean();

    // Written by the event loop only; volatile so that other threads read current values.
    private volatile long packetsRead;
    private volatile long packetsWritten;
    private volatile long truncatedPackets;
    private volatile long writeErrors;
    private volatile long coalescedRuns;
    private volatile long coalescedPackets;
    private volatile long offloadedReads;
    private volatile int lastWriteErrno;
    private final LongAdder writeDrops = new LongAdder();

    TunQueue(String deviceName, int queueIndex, int fd, boolean vnetHeader) {
        this.deviceName = deviceName;
        this.queueIndex = queueIndex;
        this.fd = new TunDescriptor(fd, this);
        Arena arena = Arena.ofAuto(); // freed with the queue
        this.readState = Libc.newCallState(arena);
        this.writeState = Libc.newCallState(arena);
        this.vnetHeader = vnetHeader;
        if (vnetHeader) {
            readVnetHeader = arena.allocate(VNET_HDR);
            readIovecs = arena.allocate(2L * Libc.IOVEC_SIZE, 8);
            Libc.iovec(readIovecs, 0, readVnetHeader.address(), VNET_HDR);
            zeroVnetHeader = arena.allocate(VNET_HDR); // zeroed: no checksum to finish, no GSO
            writeIovecs = arena.allocate((1L + TcpSegmentCoalescer.MAX_SEGMENTS) * Libc.IOVEC_SIZE, 8);
            MemorySegment headers = arena.allocate(TcpSegmentCoalescer.MAX_HEADER_LENGTH, 8);
            runHeaders = Unpooled.wrappedBuffer(headers.asByteBuffer()).clear();
            runHeadersAddress = headers.address();
            coalescer = new TcpSegmentCoalescer();
        } else {
            readVnetHeader = null;
            readIovecs = null;
            zeroVnetHeader = null;
            writeIovecs = null;
            runHeaders = null;
            runHeadersAddress = 0;
            coalescer = null;
        }
    }

    /** Opened with {@code IFF_VNET_HDR}. */
    public boolean hasVnetHeader() {
        return vnetHeader;
    }

    /** The interface name, as the kernel gave it. */
    public String deviceName() {
        return deviceName;
    }

    /** 0 for the first queue of a device. */
    public int queueIndex() {
        return queueIndex;
    }

    /** The file descriptor; valid until {@link #close}. */
    public int fd() {
        return fd.intValue();
    }

    // ---------------------------------------------------------------- event loop

    /**
     * Starts reading on {@code loop}, which must belong to an epoll group. {@code handler} is
     * called on that loop. Completes when reading has started. A queue registers once.
     */
    public Future<Void> register(IoEventLoop loop, Options options, TunPacketHandler handler) {
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(handler, "handler");
        if (!loop.isCompatible(EpollHandle.class)) {
            throw new IllegalArgumentException("a TUN queue needs an epoll event loop (EpollIoHandler), not " + loop);
        }
        synchronized (this) {
            if (this.loop != null) {
                throw new IllegalStateException(this + " is already registered on " + this.loop);
            }
            this.options = options;
            this.handler = handler;
            this.pendingWrites = PlatformDependent.newFixedMpscQueue(options.writeQueueCapacity());
            this.loop = loop;
        }
        Promise<Void> started = loop.newPromise();
        if (closed.get()) {
            return started.setFailure(new ClosedChannelException());
        }
        loop.register(ioHandle).addListener(future -> {
            if (!future.isSuccess()) {
                started.setFailure(future.cause());
                return;
            }
            registration = (IoRegistration) future.getNow();
            if (closed.get()) { // closed while the registration was on its way
                closeOnLoop();
                started.setFailure(new ClosedChannelException());
                return;
            }
            registration.submit(EpollIoOps.EPOLLIN);
            flushNow(); // anything written while the registration was on its way
            started.setSuccess(null);
        });
        return started;
    }

    /** The loop given to {@link #register}, or null. */
    public IoEventLoop eventLoop() {
        return loop;
    }

    /**
     * Queues {@code packet} (its readable bytes: one whole IPv4 or IPv6 packet) for the next
     * {@link #flush}, from any thread; takes ownership. Returns false, having released it, if
     * the queue is closed or its write queue is full.
     */
    public boolean write(ByteBuf packet) {
        Queue<ByteBuf> queue = pendingWrites;
        if (queue == null) {
            packet.release();
            throw new IllegalStateException(this + " is not registered; use writePacket");
        }
        if (closed.get() || !queue.offer(packet)) {
            packet.release();
            writeDrops.increment();
            return false;
        }
        if (closed.get()) {
            // Closed between the check and the offer: the loop, the queue's only consumer,
            // releases what is left.
            try {
                loop.execute(this::releasePendingWrites);
            } catch (RejectedExecutionException e) {
                // The loop has ended; so has the process's use of these buffers.
            }
            return false;
        }
        return true;
    }

    /** Writes every queued packet: now if called on the event loop, else in one task there. */
    public void flush() {
        IoEventLoop eventLoop = registeredLoop();
        if (eventLoop.inEventLoop()) {
            flushNow();
        } else {
            flushLater();
        }
    }

    /**
     * Schedules one {@link #flush} on the event loop after the I/O it is handling now, however
     * often it is called before that flush runs; from any thread. On the loop this is how a
     * batch forms: packets written while the loop reads a batch from elsewhere (the GRE socket)
     * go out in one flush after it, where {@link TcpSegmentCoalescer} can find runs (the style
     * of Netty's {@code FlushConsolidationHandler}: its flush task runs after the loop's I/O).
     */
    public void flushLater() {
        IoEventLoop eventLoop = registeredLoop();
        if (flushScheduled.compareAndSet(false, true)) {
            try {
                eventLoop.execute(flushTask);
            } catch (RejectedExecutionException e) {
                flushScheduled.set(false); // the loop is shutting down; it closes the queue itself
            }
        }
    }

    private IoEventLoop registeredLoop() {
        IoEventLoop eventLoop = loop;
        if (eventLoop == null) {
            throw new IllegalStateException(this + " is not registered");
        }
        return eventLoop;
    }

    /** {@link #write} then {@link #flush}. */
    public boolean writeAndFlush(ByteBuf packet) {
        boolean queued = write(packet);
        flush();
        return queued;
    }

    // ---------------------------------------------------------------- without an event loop

    /**
     * Reads one waiting packet into {@code buffer}'s writable bytes (a direct buffer) and
     * advances its writer index; returns the packet's length, or -1 if none is waiting. Only for
     * a queue that is not registered, or on its event loop.
     */
    public int readPacket(ByteBuf buffer) throws IOException {
        if (!NativeBuffers.isNative(buffer)) {
            throw new IllegalArgumentException("read(2) needs a direct buffer in one piece, not " + buffer);
        }
        long result;
        while ((result = readInto(buffer, buffer.writerIndex(), buffer.writableBytes())) == OFFLOADED) {
            offloadedReads++; // dropped; the next one, if any
        }
        if (result == -Libc.EAGAIN) {
            return -1;
        }
        if (result < 0) {
            throw new ErrnoException("read(" + this + ")", (int) -result);
        }
        buffer.writerIndex(buffer.writerIndex() + (int) result);
        return (int) result;
    }

    /**
     * Writes {@code packet}'s readable bytes as one packet; returns false if the device cannot
     * take it now (EAGAIN). Does not release {@code packet}. Only for a queue that is not
     * registered, or on its event loop.
     */
    public boolean writePacket(ByteBuf packet) throws IOException {
        long result = writeFrom(packet);
        if (result == -Libc.EAGAIN) {
            return false;
        }
        if (result < 0) {
            throw new ErrnoException("write(" + this + ")", (int) -result);
        }
        return true;
    }

    // ---------------------------------------------------------------- counters

    public long packetsRead() {
        return packetsRead;
    }

    /** Packets written, a super-packet's segments each counted. */
    public long packetsWritten() {
        return packetsWritten;
    }

    /** GSO super-packets written (runs of two or more TCP segments; vnet header only). */
    public long coalescedRuns() {
        return coalescedRuns;
    }

    /** Packets written inside GSO super-packets (included in {@link #packetsWritten}). */
    public long coalescedPackets() {
        return coalescedPackets;
    }

    /** Reads dropped because their virtio-net header announced GSO or a partial checksum (should stay 0). */
    public long offloadedReads() {
        return offloadedReads;
    }

    /** Packets longer than the read buffer, dropped. */
    public long truncatedPackets() {
        return truncatedPackets;
    }

    /** Packets the kernel refused (e.g. EINVAL for a malformed packet, EIO while the interface is down). */
    public long writeErrors() {
        return writeErrors;
    }

    /** The errno of the latest refused write, 0 if none. */
    public int lastWriteErrno() {
        return lastWriteErrno;
    }

    /** Packets {@link #write} dropped because the queue was closed or its write queue full. */
    public long writeDrops() {
        return writeDrops.sum();
    }

    // ---------------------------------------------------------------- closing

    /** Stops reading, drops queued writes and closes the descriptor; from any thread, more than once. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        IoEventLoop eventLoop = loop;
        if (eventLoop == null) {
            closeDescriptor();
        } else if (eventLoop.inEventLoop()) {
            closeOnLoop();
        } else {
            try {
                eventLoop.execute(this::closeOnLoop);
            } catch (RejectedExecutionException e) {
                // The loop is shutting down and closes its registered handles, this one too
                // (IoHandle.close); if it never got registered, nobody else will.
                if (registration == null) {
                    closeDescriptor();
                }
            }
        }
    }

    public boolean isOpen() {
        return !closed.get();
    }

    private void closeOnLoop() {
        closed.set(true);
        if (registration != null) {
            registration.cancel(); // EPOLL_CTL_DEL now, while the descriptor is still ours
        }
        releasePendingWrites();
        closeDescriptor();
    }

    private void closeDescriptor() {
        try {
            fd.close();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "closing " + this, e);
        }
    }

    private void releasePendingWrites() {
        Queue<ByteBuf> queue = pendingWrites;
        if (queue == null) {
            return;
        }
        for (ByteBuf packet; (packet = queue.poll()) != null; ) {
            packet.release();
            writeDrops.increment();
        }
        if (coalescer != null) {
            writeDrops.add(coalescer.releaseAll());
        }
    }

    @Override
    public String toString() {
        return deviceName + " queue " + queueIndex + " (fd " + fd.intValue() + ")";
    }

    // ---------------------------------------------------------------- the data path

    private void readPackets() {
        Options o = options;
        try {
            for (int i = 0; i < o.maxPacketsPerWakeup() && !closed.get(); i++) {
                ByteBuf packet = o.allocator().directBuffer(o.bufferSize(), o.bufferSize());
                if (!NativeBuffers.isNative(packet)) {
                    packet.release();
                    fail(new IOException("the allocator gave a read buffer that is not direct: " + o.allocator()));
                    return;
                }
                packet.setIndex(o.headroom(), o.headroom());
                int room = packet.writableBytes();
                long result = readInto(packet, packet.writerIndex(), room);
                if (result == OFFLOADED) {
                    packet.release();
                    offloadedReads++;
                    continue;
                }
                if (result < 0) {
                    packet.release();
                    if (result == -Libc.EAGAIN) {
                        break;
                    }
                    if (result == -Libc.EINTR) {
                        continue;
                    }
                    fail(new ErrnoException("read(" + this + ")", (int) -result));
                    return;
                }
                packet.writerIndex(packet.writerIndex() + (int) result);
                if (result == room && longerThanRead(packet)) {
                    packet.release();
                    truncatedPackets++;
                    continue;
                }
                packetsRead++;
                try {
                    handler.packetRead(this, packet);
                } catch (RuntimeException e) {
                    // A handler bug costs its packet (whose owner it was), not the queue.
                    LOG.log(System.Logger.Level.WARNING, "TUN packet handler failed on " + this, e);
                }
            }
        } finally {
            handler.readComplete(this);
        }
    }

    private void fail(IOException cause) {
        close();
        handler.exceptionCaught(this, cause);
    }

    /** The IP header says the packet is longer than the bytes read: the buffer was too small. */
    private static boolean longerThanRead(ByteBuf packet) {
        int start = packet.readerIndex();
        int length = packet.readableBytes();
        return switch (packet.getUnsignedByte(start) >> 4) {
            case 4 -> length >= 4 && packet.getUnsignedShort(start + 2) > length; // RFC 791: Total Length
            case 6 -> length >= 6 && 40 + packet.getUnsignedShort(start + 4) > length; // RFC 8200: Payload Length
            default -> false;
        };
    }

    private void flushNow() {
        Queue<ByteBuf> queue = pendingWrites;
        if (writeBlocked || queue == null || registration == null) {
            return; // EPOLLOUT, or the end of registration, will resume
        }
        TcpSegmentCoalescer run = coalescer;
        for (;;) {
            if (closed.get()) {
                releasePendingWrites();
                return;
            }
            ByteBuf packet = queue.peek();
            if (run != null && packet != null && NativeBuffers.isNative(packet) && run.offer(packet)) {
                queue.poll(); // the run owns it now
                if (!run.isFull()) {
                    continue;
                }
            } else if (run == null || run.count() == 0) {
                if (packet == null || !writeQueued(queue, packet)) {
                    return;
                }
                continue;
            }
            // A run that cannot grow, or whose next packet does not join it: out it goes.
            if (!writeRun(run)) {
                return;
            }
        }
    }

    /** Writes the queue's head alone; false if the device is full (EPOLLOUT will resume). */
    private boolean writeQueued(Queue<ByteBuf> queue, ByteBuf packet) {
        long result = writeFrom(packet);
        if (result == -Libc.EAGAIN) {
            blockWrites();
            return false;
        }
        if (result == -Libc.EINTR) {
            return true; // the same head again
        }
        queue.poll();
        packet.release();
        countWrite(result, 1);
        return true;
    }

    /**
     * Writes the coalescer's run: one segment as a plain packet, more as one GSO super-packet
     * (merged headers, then each payload from its own buffer). False if the device is full: the
     * run stays, and may still grow, until EPOLLOUT.
     */
    private boolean writeRun(TcpSegmentCoalescer run) {
        int segments = run.count();
        long result;
        if (segments == 1) {
            result = writeFrom(run.segment(0));
        } else {
            run.writeHeaders(runHeaders, 0);
            Libc.iovec(writeIovecs, 0, runHeadersAddress, run.headersLength());
            int header = run.headerLength();
            for (int i = 0; i < segments; i++) {
                ByteBuf segment = run.segment(i);
                int payload = segment.readableBytes() - header;
                Libc.iovec(writeIovecs, i + 1,
                        NativeBuffers.address(segment, segment.readerIndex() + header, payload), payload);
            }
            result = Libc.writev(fd.intValue(), writeIovecs.address(), segments + 1, writeState);
        }
        if (result == -Libc.EAGAIN) {
            blockWrites();
            return false;
        }
        if (result == -Libc.EINTR) {
            return true; // the loop tries the run again
        }
        run.releaseAll();
        countWrite(result, segments);
        if (result >= 0 && segments > 1) {
            coalescedRuns++;
            coalescedPackets += segments;
        }
        return true;
    }

    private void blockWrites() {
        writeBlocked = true;
        registration.submit(EpollIoOps.EPOLLIN.with(EpollIoOps.EPOLLOUT));
    }

    private void countWrite(long result, int packets) {
        if (result < 0) {
            writeErrors += packets;
            lastWriteErrno = (int) -result;
        } else {
            packetsWritten += packets;
        }
    }

    private void writable() {
        writeBlocked = false;
        registration.submit(EpollIoOps.EPOLLIN);
        flushNow();
    }

    /**
     * One read into {@code length} bytes at {@code index}: the packet's length, {@code -errno},
     * or {@link #OFFLOADED}. With the virtio-net header the header goes to the queue's scratch
     * and is checked: with the device's offloads off the kernel sends neither GSO nor
     * checksum-partial packets (flags may say DATA_VALID, which we do not need).
     */
    private long readInto(ByteBuf buffer, int index, int length) {
        long address = NativeBuffers.address(buffer, index, length);
        if (!vnetHeader) {
            return Libc.read(fd.intValue(), address, length, readState);
        }
        Libc.iovec(readIovecs, 1, address, length);
        long result = Libc.readv(fd.intValue(), readIovecs.address(), 2, readState);
        if (result < 0) {
            return result;
        }
        if (result < VNET_HDR
                || (readVnetHeader.get(ValueLayout.JAVA_BYTE, 0) & TcpSegmentCoalescer.VIRTIO_NET_HDR_F_NEEDS_CSUM) != 0
                || readVnetHeader.get(ValueLayout.JAVA_BYTE, 1) != 0) { // gso_type NONE
            return OFFLOADED;
        }
        return result - VNET_HDR;
    }

    /** One packet as it is; with the virtio-net header, behind a zero one. */
    private long writeFrom(ByteBuf packet) {
        int length = packet.readableBytes();
        if (NativeBuffers.isNative(packet)) {
            return writeAt(NativeBuffers.address(packet, packet.readerIndex(), length), length);
        }
        // A heap or composite buffer: one copy into a direct one, since write(2) needs contiguous native memory.
        ByteBufAllocator allocator = options != null ? options.allocator() : ByteBufAllocator.DEFAULT;
        ByteBuf copy = allocator.directBuffer(length, length);
        try {
            copy.writeBytes(packet, packet.readerIndex(), length);
            return writeAt(NativeBuffers.address(copy, 0, length), length);
        } finally {
            copy.release();
        }
    }

    private long writeAt(long address, int length) {
        if (!vnetHeader) {
            return Libc.write(fd.intValue(), address, length, writeState);
        }
        Libc.iovec(writeIovecs, 0, zeroVnetHeader.address(), VNET_HDR);
        Libc.iovec(writeIovecs, 1, address, length);
        long result = Libc.writev(fd.intValue(), writeIovecs.address(), 2, writeState);
        return result < 0 ? result : result - VNET_HDR;
    }

    /** What the event loop sees: the descriptor and the readiness events. */
    private final class EpollHandle implements EpollIoHandle {
        @Override
        public FileDescriptor fd() {
            return fd;
        }

        @Override
        public void handle(IoRegistration registration, IoEvent event) {
            int ready = ((EpollIoEvent) event).ops().value();
            if ((ready & EpollIoOps.EPOLLOUT.value()) != 0) {
                writable();
            }
            // EPOLLIN, or EPOLLERR/EPOLLHUP: reading tells which, and fails if the device is gone.
            if ((ready & ~EpollIoOps.EPOLLOUT.value()) != 0 && !closed.get()) {
                readPackets();
            }
        }

        /** The loop is shutting down. */
        @Override
        public void close() {
            closed.set(true);
            releasePendingWrites();
            closeDescriptor();
        }
    }

    /**
     * The descriptor as Netty sees it: closing goes through {@link Libc#close}, and
     * {@link FileDescriptor#isOpen} stays true until then, which tells the loop to remove it
     * from epoll first.
     */
    private static final class TunDescriptor extends FileDescriptor {
        private final TunQueue queue;

        TunDescriptor(int fd, TunQueue queue) {
            super(fd);
            this.queue = queue;
        }

        @Override
        public void close() throws IOException {
            if (markClosed()) {
                Libc.close(intValue(), queue.toString());
            }
        }
    }
}
