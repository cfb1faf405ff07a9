package net.pptpgw.linux;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemoryLayout.PathElement;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.net.Inet4Address;
import java.nio.ByteOrder;
import java.util.Optional;

/**
 * The C library calls this module needs, through FFM ({@code java.lang.foreign}): one method per
 * call, one way to call it.
 *
 * <p>Every handle captures {@code errno} right after the call ({@code captureCallState}), before
 * the JVM can run anything that overwrites it. Failures become an {@link ErrnoException} whose
 * message is {@code call(arguments): description (NAME)}; callers pass the arguments as the
 * reader should see them ({@code "TUNSETIFF, tun0"}), since numbers alone say little.
 *
 * <p>{@link #read}, {@link #write}, {@link #readv} and {@link #writev} are the data path and allocate nothing: they take a native
 * address as a {@code long} (on x86-64 and AArch64 a pointer travels in the same register as a
 * 64-bit integer, so no {@code MemorySegment} is made per packet) and return {@code -errno}
 * instead of throwing, so that the common "no packet waiting" (EAGAIN) costs no exception. They
 * call without {@code captureCallState} first: the JDK implements the capture by slicing the
 * caller's segment on every call, and whether escape analysis removes that slice depends on how
 * the JIT happened to inline the caller (measured: 0 or 40 bytes per call from one run to the
 * next). See {@link #read} for how errno is still read reliably. Every other call is control
 * path: it allocates its small arguments in a confined arena and throws.
 *
 * <p>Needs native access: {@code --enable-native-access=ALL-UNNAMED} (surefire and the launcher
 * pass it).
 */
@SuppressWarnings("restricted") // this class is where the module uses native access, on purpose
public final class Libc {

    // <bits/socket.h>, <bits/socket_type.h>, <netinet/in.h>, <asm-generic/socket.h>, <linux/in.h>
    public static final int AF_INET = 2;
    public static final int SOCK_RAW = 3;
    public static final int SOCK_NONBLOCK = 0x800;
    public static final int SOCK_CLOEXEC = 0x80000;
    public static final int SOL_SOCKET = 1;
    public static final int SO_SNDBUF = 7;
    public static final int SO_RCVBUF = 8;
    public static final int SO_SNDBUFFORCE = 32;
    public static final int SO_RCVBUFFORCE = 33;
    public static final int SO_BINDTODEVICE = 25;
    public static final int IPPROTO_IP = 0;
    public static final int IP_HDRINCL = 3;

    // <asm-generic/fcntl.h>
    public static final int O_RDONLY = 0;
    public static final int O_RDWR = 2;
    public static final int O_NONBLOCK = 0x800;
    public static final int O_CLOEXEC = 0x80000;

    // <linux/sched.h>
    public static final int CLONE_NEWNET = 0x40000000;

    // <linux/sched.h>: scheduling policies; <sys/resource.h>: setpriority's "which"
    public static final int SCHED_OTHER = 0;
    public static final int SCHED_FIFO = 1;
    public static final int SCHED_RR = 2;
    public static final int PRIO_PROCESS = 0;

    // <asm-generic/errno-base.h>, <asm-generic/errno.h>
    public static final int EPERM = 1;
    public static final int ENOENT = 2;
    public static final int EINTR = 4;
    public static final int EIO = 5;
    public static final int EAGAIN = 11;
    public static final int EBUSY = 16;
    public static final int EINVAL = 22;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final SymbolLookup C = LINKER.defaultLookup();
    private static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CALL_STATE.varHandle(PathElement.groupElement("errno"));

    private static final MethodHandle SOCKET = withErrno("socket", JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT);
    private static final MethodHandle SETSOCKOPT =
            withErrno("setsockopt", JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT);
    private static final MethodHandle GETSOCKOPT =
            withErrno("getsockopt", JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS);
    private static final MethodHandle BIND = withErrno("bind", JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT);
    // int open(const char *path, int flags, ...): the mode is variadic; we always pass 0.
    private static final MethodHandle OPEN = withErrno("open", 2, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT);
    // int ioctl(int fd, unsigned long request, ...): every request we use takes a pointer.
    private static final MethodHandle IOCTL = withErrno("ioctl", 2, JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS);
    private static final MethodHandle CLOSE = withErrno("close", JAVA_INT, JAVA_INT);
    private static final MethodHandle SETNS = withErrno("setns", JAVA_INT, JAVA_INT, JAVA_INT);
    private static final MethodHandle GETTID = withErrno("gettid", JAVA_INT);
    // int sched_setscheduler(pid_t pid, int policy, const struct sched_param *param)
    private static final MethodHandle SCHED_SETSCHEDULER =
            withErrno("sched_setscheduler", JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS);
    private static final MethodHandle SCHED_GETSCHEDULER = withErrno("sched_getscheduler", JAVA_INT, JAVA_INT);
    // int setpriority(int which, id_t who, int prio); id_t is unsigned int
    private static final MethodHandle SETPRIORITY = withErrno("setpriority", JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT);
    private static final MethodHandle IF_NAMETOINDEX = withErrno("if_nametoindex", JAVA_INT, ADDRESS);
    private static final MethodHandle READ = withErrno("read", JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_LONG);
    private static final MethodHandle WRITE = withErrno("write", JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_LONG);
    // ssize_t readv/writev(int fd, const struct iovec *iov, int iovcnt); the array's address as a long, as above.
    private static final MethodHandle READV = withErrno("readv", JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_INT);
    private static final MethodHandle WRITEV = withErrno("writev", JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_INT);
    // The same two without errno capture, for the data path's first attempt (see read()).
    private static final MethodHandle READ_UNCAPTURED =
            plain("read", JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_LONG).orElseThrow();
    private static final MethodHandle WRITE_UNCAPTURED =
            plain("write", JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_LONG).orElseThrow();
    private static final MethodHandle READV_UNCAPTURED =
            plain("readv", JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_INT).orElseThrow();
    private static final MethodHandle WRITEV_UNCAPTURED =
            plain("writev", JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_INT).orElseThrow();
    // int *__errno_location(void): glibc's address of the calling thread's errno, as a long.
    private static final MethodHandle ERRNO_LOCATION = plain("__errno_location", JAVA_LONG).orElseThrow();
    /** All of memory, to read errno at a raw address without making a segment per read. */
    private static final MemorySegment ALL_MEMORY = MemorySegment.NULL.reinterpret(Long.MAX_VALUE);
    // glibc 2.32+: thread-safe, constant strings, NULL for an unknown number.
    private static final Optional<MethodHandle> STRERRORNAME_NP = plain("strerrorname_np", ADDRESS, JAVA_INT);
    private static final Optional<MethodHandle> STRERRORDESC_NP = plain("strerrordesc_np", ADDRESS, JAVA_INT);

    private Libc() {}

    // ---------------------------------------------------------------- sockets

    /** {@code socket(2)}; returns the descriptor. */
    public static int socket(int domain, int type, int protocol, String arguments) throws ErrnoException {
        return (int) call("socket", arguments,
                (arena, state) -> (int) SOCKET.invokeExact(state, domain, type, protocol));
    }

    /** {@code setsockopt(2)} with an {@code int} option value. */
    public static void setsockopt(int fd, int level, int option, int value, String arguments) throws ErrnoException {
        call("setsockopt", arguments, (arena, state) -> {
            MemorySegment v = arena.allocateFrom(JAVA_INT, value);
            return (int) SETSOCKOPT.invokeExact(state, fd, level, option, v, (int) JAVA_INT.byteSize());
        });
    }

    /** {@code setsockopt(2)} with a NUL-terminated string value (e.g. an interface name). */
    public static void setsockopt(int fd, int level, int option, String value, String arguments)
            throws ErrnoException {
        call("setsockopt", arguments, (arena, state) -> {
            MemorySegment v = arena.allocateFrom(value);
            return (int) SETSOCKOPT.invokeExact(state, fd, level, option, v, (int) v.byteSize());
        });
    }

    /** {@code getsockopt(2)} of an {@code int} option. */
    public static int getsockopt(int fd, int level, int option, String arguments) throws ErrnoException {
        int[] out = new int[1];
        call("getsockopt", arguments, (arena, state) -> {
            MemorySegment v = arena.allocate(JAVA_INT);
            MemorySegment length = arena.allocateFrom(JAVA_INT, (int) JAVA_INT.byteSize());
            int result = (int) GETSOCKOPT.invokeExact(state, fd, level, option, v, length);
            out[0] = v.get(JAVA_INT, 0);
            return result;
        });
        return out[0];
    }

    /** {@code bind(2)} to an IPv4 address, port 0 (a raw socket has no ports). */
    public static void bind(int fd, Inet4Address address, String arguments) throws ErrnoException {
        call("bind", arguments, (arena, state) -> {
            // struct sockaddr_in { sa_family_t sin_family; in_port_t sin_port; struct in_addr sin_addr; char zero[8]; }
            MemorySegment sockaddr = arena.allocate(16);
            sockaddr.set(JAVA_SHORT, 0, (short) AF_INET);
            sockaddr.set(JAVA_SHORT.withOrder(ByteOrder.BIG_ENDIAN), 2, (short) 0);
            MemorySegment.copy(address.getAddress(), 0, sockaddr, JAVA_BYTE, 4, 4);
            return (int) BIND.invokeExact(state, fd, sockaddr, (int) sockaddr.byteSize());
        });
    }

    // ---------------------------------------------------------------- files and devices

    /** {@code open(2)} without {@code O_CREAT}; returns the descriptor. */
    public static int open(String path, int flags, String arguments) throws ErrnoException {
        return (int) call("open", arguments, (arena, state) ->
                (int) OPEN.invokeExact(state, arena.allocateFrom(path), flags, 0));
    }

    /** {@code ioctl(2)} whose argument is a pointer to {@code argument}. */
    public static int ioctl(int fd, long request, MemorySegment argument, String arguments) throws ErrnoException {
        return (int) call("ioctl", arguments, (arena, state) -> (int) IOCTL.invokeExact(state, fd, request, argument));
    }

    /** {@code close(2)}. Not retried on EINTR: on Linux the descriptor is released even then. */
    public static void close(int fd, String arguments) throws ErrnoException {
        call("close", arguments, (arena, state) -> (int) CLOSE.invokeExact(state, fd));
    }

    /**
     * {@code read(2)} into native memory at {@code address}: the bytes read, or {@code -errno}.
     * {@code callState} comes from {@link #newCallState} and must not be shared between threads.
     *
     * <p>The first attempt runs without errno capture. On failure errno is read from the
     * thread's errno word, which the JVM may have overwritten on its way back from native code
     * (blocking for a safepoint calls the C library), so only EAGAIN is believed as read: a
     * wrong EAGAIN makes the caller try again later, which level-triggered epoll or EPOLLOUT
     * makes it do. Any other value is confirmed by repeating the call with errno captured;
     * repeating is safe because a failed read or write transferred nothing.
     */
    public static long read(int fd, long address, long length, MemorySegment callState) {
        try {
            long result = (long) READ_UNCAPTURED.invokeExact(fd, address, length);
            if (result >= 0 || lastErrno() == EAGAIN) {
                return result >= 0 ? result : -EAGAIN;
            }
            result = (long) READ.invokeExact(callState, fd, address, length);
            return result >= 0 ? result : -errno(callState);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code write(2)} from native memory at {@code address}: bytes written, or {@code -errno}; as {@link #read}. */
    public static long write(int fd, long address, long length, MemorySegment callState) {
        try {
            long result = (long) WRITE_UNCAPTURED.invokeExact(fd, address, length);
            if (result >= 0 || lastErrno() == EAGAIN) {
                return result >= 0 ? result : -EAGAIN;
            }
            result = (long) WRITE.invokeExact(callState, fd, address, length);
            return result >= 0 ? result : -errno(callState);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Bytes of one {@code struct iovec { void *iov_base; size_t iov_len; }} on a 64-bit ABI. */
    public static final int IOVEC_SIZE = 16;

    /**
     * Sets entry {@code index} of a native {@code struct iovec} array to {@code length} bytes at
     * {@code address}. No allocation: a plain store into the array's segment.
     */
    public static void iovec(MemorySegment iovecs, int index, long address, long length) {
        iovecs.set(JAVA_LONG, (long) index * IOVEC_SIZE, address);
        iovecs.set(JAVA_LONG, (long) index * IOVEC_SIZE + 8, length);
    }

    /**
     * {@code readv(2)} into the {@code count} buffers of the {@code struct iovec} array at
     * {@code iovecs}: the bytes read, or {@code -errno}; errno handled as by {@link #read}.
     */
    public static long readv(int fd, long iovecs, int count, MemorySegment callState) {
        try {
            long result = (long) READV_UNCAPTURED.invokeExact(fd, iovecs, count);
            if (result >= 0 || lastErrno() == EAGAIN) {
                return result >= 0 ? result : -EAGAIN;
            }
            result = (long) READV.invokeExact(callState, fd, iovecs, count);
            return result >= 0 ? result : -errno(callState);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code writev(2)} from the {@code count} buffers of the {@code struct iovec} array at {@code iovecs}; as {@link #readv}. */
    public static long writev(int fd, long iovecs, int count, MemorySegment callState) {
        try {
            long result = (long) WRITEV_UNCAPTURED.invokeExact(fd, iovecs, count);
            if (result >= 0 || lastErrno() == EAGAIN) {
                return result >= 0 ? result : -EAGAIN;
            }
            result = (long) WRITEV.invokeExact(callState, fd, iovecs, count);
            return result >= 0 ? result : -errno(callState);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    private static int lastErrno() throws Throwable {
        return ALL_MEMORY.get(JAVA_INT, (long) ERRNO_LOCATION.invokeExact());
    }

    /** Where {@link #read} and {@link #write} leave {@code errno}; one per thread that calls them. */
    public static MemorySegment newCallState(Arena arena) {
        return arena.allocate(CALL_STATE);
    }

    // ---------------------------------------------------------------- namespaces and interfaces

    /** {@code setns(2)}: moves the calling thread (only it) into the namespace {@code fd} refers to. */
    public static void setns(int fd, int namespaceType, String arguments) throws ErrnoException {
        call("setns", arguments, (arena, state) -> (int) SETNS.invokeExact(state, fd, namespaceType));
    }

    /** {@code if_nametoindex(3)} in the calling thread's network namespace. */
    public static int ifNameToIndex(String name) throws ErrnoException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            int index = (int) IF_NAMETOINDEX.invokeExact(state, arena.allocateFrom(name));
            if (index == 0) { // its error value is 0, not -1
                throw new ErrnoException("if_nametoindex(" + name + ")", errno(state));
            }
            return index;
        } catch (ErrnoException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    // ---------------------------------------------------------------- threads and scheduling

    /** {@code gettid(2)}: the calling thread's kernel thread ID (what {@code ps -L} and {@code chrt -p} show). */
    public static int gettid() {
        try (Arena arena = Arena.ofConfined()) {
            return (int) GETTID.invokeExact(arena.allocate(CALL_STATE)); // cannot fail
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * {@code sched_setscheduler(2)} for one thread: on Linux {@code tid} names a thread, not the
     * whole process (0 = the calling thread). {@code priority} is {@code sched_param.sched_priority}:
     * 1–99 for {@link #SCHED_FIFO}/{@link #SCHED_RR}, 0 for {@link #SCHED_OTHER}.
     */
    public static void schedSetscheduler(int tid, int policy, int priority, String arguments) throws ErrnoException {
        call("sched_setscheduler", arguments, (arena, state) -> {
            MemorySegment param = arena.allocateFrom(JAVA_INT, priority); // struct sched_param { int sched_priority; }
            return (int) SCHED_SETSCHEDULER.invokeExact(state, tid, policy, param);
        });
    }

    /** {@code sched_getscheduler(2)}: the policy of thread {@code tid} (0 = the calling thread). */
    public static int schedGetscheduler(int tid) throws ErrnoException {
        return (int) call("sched_getscheduler", Integer.toString(tid),
                (arena, state) -> (int) SCHED_GETSCHEDULER.invokeExact(state, tid));
    }

    /**
     * {@code setpriority(PRIO_PROCESS, tid, nice)}: on Linux the nice value belongs to a thread,
     * so with a thread ID this sets that thread's alone (0 = the calling thread).
     */
    public static void setpriority(int tid, int nice, String arguments) throws ErrnoException {
        call("setpriority", arguments, (arena, state) -> (int) SETPRIORITY.invokeExact(state, PRIO_PROCESS, tid, nice));
    }

    // ---------------------------------------------------------------- errno

    /** {@code "Operation not permitted (EPERM)"}; {@code "errno 4095"} for a number the C library does not know. */
    public static String describeErrno(int errno) {
        Optional<String> name = STRERRORNAME_NP.flatMap(h -> constantString(h, errno));
        Optional<String> description = STRERRORDESC_NP.flatMap(h -> constantString(h, errno));
        if (name.isEmpty() || description.isEmpty()) {
            return "errno " + errno;
        }
        return description.get() + " (" + name.get() + ")";
    }

    private static Optional<String> constantString(MethodHandle function, int errno) {
        try {
            MemorySegment s = (MemorySegment) function.invokeExact(errno);
            // The strings are constants inside the C library; 256 bytes bounds the read.
            return s.equals(MemorySegment.NULL) ? Optional.empty() : Optional.of(s.reinterpret(256).getString(0));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    private static int errno(MemorySegment callState) {
        return (int) ERRNO.get(callState, 0L);
    }

    // ---------------------------------------------------------------- plumbing

    @FunctionalInterface
    private interface NativeCall {
        long invoke(Arena arena, MemorySegment callState) throws Throwable;
    }

    /** Runs a call that returns -1 on failure and turns the failure into an {@link ErrnoException}. */
    private static long call(String function, String arguments, NativeCall call) throws ErrnoException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            long result = call.invoke(arena, state);
            if (result == -1) {
                throw new ErrnoException(function + "(" + arguments + ")", errno(state));
            }
            return result;
        } catch (ErrnoException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** A downcall can only throw what the JVM throws; anything else means a wrong handle type. */
    private static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) {
            throw r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        throw new IllegalStateException("unexpected checked exception from a downcall", t);
    }

    private static MethodHandle withErrno(String name, MemoryLayout result,
                                          MemoryLayout... arguments) {
        return LINKER.downcallHandle(C.findOrThrow(name), FunctionDescriptor.of(result, arguments),
                Linker.Option.captureCallState("errno"));
    }

    private static MethodHandle withErrno(String name, int firstVariadic, MemoryLayout result,
                                          MemoryLayout... arguments) {
        return LINKER.downcallHandle(C.findOrThrow(name), FunctionDescriptor.of(result, arguments),
                Linker.Option.captureCallState("errno"), Linker.Option.firstVariadicArg(firstVariadic));
    }

    private static Optional<MethodHandle> plain(String name, MemoryLayout result,
                                                MemoryLayout... arguments) {
        return C.find(name).map(address -> LINKER.downcallHandle(address, FunctionDescriptor.of(result, arguments)));
    }
}
