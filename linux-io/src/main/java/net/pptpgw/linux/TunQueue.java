package net.pptpgw.linux;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
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
 * {@code sendmmsg} for it), so the batch saves wake-ups and thread hand-offs, not system calls.
 *
 * <p>{@link #readPacket} and {@link #writePacket} are the same operations without an event loop,
 * for a queue that is not registered (e.g. a dedicated thread, a test).
 */
public final class TunQueue implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(TunQueue.class.getName());

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
    private volatile int lastWriteErrno;
    private final LongAdder writeDrops = new LongAdder();

    TunQueue(String deviceName, int queueIndex, int fd) {
        this.deviceName = deviceName;
        this.queueIndex = queueIndex;
        this.fd = new TunDescriptor(fd, this);
        Arena arena = Arena.ofAuto();
        this.readState = Libc.newCallState(arena);
        this.writeState = Libc.newCallState(arena);
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
        IoEventLoop eventLoop = loop;
        if (eventLoop == null) {
            throw new IllegalStateException(this + " is not registered");
        }
        if (eventLoop.inEventLoop()) {
            flushNow();
        } else if (flushScheduled.compareAndSet(false, true)) {
            try {
                eventLoop.execute(flushTask);
            } catch (RejectedExecutionException e) {
                flushScheduled.set(false); // the loop is shutting down; it closes the queue itself
            }
        }
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
        long result = readInto(buffer, buffer.writerIndex(), buffer.writableBytes());
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

    public long packetsWritten() {
        return packetsWritten;
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
        for (ByteBuf packet; (packet = queue.peek()) != null; ) {
            if (closed.get()) {
                releasePendingWrites();
                return;
            }
            long result = writeFrom(packet);
            if (result == -Libc.EAGAIN) {
                writeBlocked = true;
                registration.submit(EpollIoOps.EPOLLIN.with(EpollIoOps.EPOLLOUT));
                return;
            }
            if (result == -Libc.EINTR) {
                continue;
            }
            queue.poll();
            packet.release();
            if (result < 0) {
                writeErrors++;
                lastWriteErrno = (int) -result;
            } else {
                packetsWritten++;
            }
        }
    }

    private void writable() {
        writeBlocked = false;
        registration.submit(EpollIoOps.EPOLLIN);
        flushNow();
    }

    private long readInto(ByteBuf buffer, int index, int length) {
        return Libc.read(fd.intValue(), NativeBuffers.address(buffer, index, length), length, readState);
    }

    private long writeFrom(ByteBuf packet) {
        int length = packet.readableBytes();
        if (NativeBuffers.isNative(packet)) {
            long address = NativeBuffers.address(packet, packet.readerIndex(), length);
            return Libc.write(fd.intValue(), address, length, writeState);
        }
        // A heap or composite buffer: one copy into a direct one, since write(2) needs contiguous native memory.
        ByteBufAllocator allocator = options != null ? options.allocator() : ByteBufAllocator.DEFAULT;
        ByteBuf copy = allocator.directBuffer(length, length);
        try {
            copy.writeBytes(packet, packet.readerIndex(), length);
            return Libc.write(fd.intValue(), NativeBuffers.address(copy, 0, length), length, writeState);
        } finally {
            copy.release();
        }
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
