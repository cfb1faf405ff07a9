package net.pptpgw.linux;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;

/**
 * A platform thread that lives in a named network namespace ({@code ip netns add NAME}, i.e.
 * {@code /var/run/netns/NAME}), and runs the tasks given to it there.
 *
 * <p>A network namespace belongs to a thread, not to a process: {@code setns(2)} with
 * {@code CLONE_NEWNET} moves only the calling thread. Sockets and TUN devices take the namespace
 * of the thread that creates them and keep it for life, so it is enough to <em>create</em> them
 * here; reading and writing them from event loops in any other namespace works. That is how tests
 * and demos put a gateway into namespaces they made:
 *
 * <pre>{@code
 * try (NetworkNamespace ns = NetworkNamespace.enter("pg-demo")) {
 *     TunDevice tun = ns.call(() -> TunDevice.open("pg0"));
 *     EpollDatagramChannel gre = ns.call(() -> RawGreSocket.open(RawGreSocket.Options.defaults()));
 * }
 * }</pre>
 *
 * <p>The thread is a platform thread on purpose: a virtual thread may move to another carrier
 * between two tasks, and the namespace would stay behind on the old carrier.
 *
 * <p>Child processes inherit the namespace of the thread that starts them, but this class does
 * not rely on it: {@link IpCommand#inNamespace} names the namespace explicitly.
 */
public final class NetworkNamespace implements Executor, AutoCloseable {

    private static final System.Logger LOG = System.getLogger(NetworkNamespace.class.getName());
    private static final Runnable STOP = () -> {};

    private final String name;
    private final BlockingQueue<Runnable> tasks = new LinkedBlockingQueue<>();
    private final Thread thread;
    private volatile boolean closed;

    /** A task that creates something in the namespace, e.g. a socket. */
    @FunctionalInterface
    public interface Task<T> {
        T run() throws IOException;
    }

    private NetworkNamespace(String name, CompletableFuture<Void> entered) {
        this.name = name;
        this.thread = Thread.ofPlatform().name("netns-" + name).daemon(true).unstarted(() -> serve(entered));
    }

    /**
     * Starts a thread in the namespace {@code /var/run/netns/NAME}; fails, with the thread gone,
     * if the namespace does not exist or cannot be entered.
     */
    public static NetworkNamespace enter(String name) throws IOException {
        if (name.isEmpty() || name.contains("/") || name.equals(".") || name.equals("..")) {
            throw new IllegalArgumentException("not a network namespace name: '" + name + "'");
        }
        CompletableFuture<Void> entered = new CompletableFuture<>();
        NetworkNamespace namespace = new NetworkNamespace(name, entered);
        namespace.thread.start();
        try {
            entered.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw e;
        }
        return namespace;
    }

    public String name() {
        return name;
    }

    /** {@code /var/run/netns/NAME}, the file {@code ip netns} keeps the namespace alive with. */
    public String path() {
        return "/var/run/netns/" + name;
    }

    /** Runs {@code task} in the namespace; a task that throws is logged and the thread carries on. */
    @Override
    public void execute(Runnable task) {
        if (closed) {
            throw new RejectedExecutionException("network namespace thread " + name + " is closed");
        }
        tasks.add(task);
    }

    /** Runs {@code task} in the namespace and completes with its result or its exception. */
    public <T> CompletableFuture<T> submit(Task<T> task) {
        CompletableFuture<T> result = new CompletableFuture<>();
        execute(() -> {
            try {
                result.complete(task.run());
            } catch (Throwable t) {
                result.completeExceptionally(t);
            }
        });
        return result;
    }

    /** Runs {@code task} in the namespace and waits for it: its IOException comes out as thrown there. */
    public <T> T call(Task<T> task) throws IOException {
        try {
            return submit(task).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for a task in network namespace " + name);
        } catch (ExecutionException e) {
            switch (e.getCause()) {
                case IOException io -> throw io;
                case RuntimeException r -> throw r;
                case Error error -> throw error;
                default -> throw new UncheckedIOException(new IOException(e.getCause()));
            }
        }
    }

    /** Runs the tasks already given, then ends the thread, and waits for it. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        tasks.add(STOP);
        if (Thread.currentThread() != thread) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void serve(CompletableFuture<Void> entered) {
        try {
            enterNamespace();
        } catch (IOException | RuntimeException e) {
            closed = true;
            entered.completeExceptionally(e);
            return;
        }
        entered.complete(null);
        while (true) {
            Runnable task;
            try {
                task = tasks.take();
            } catch (InterruptedException e) {
                // Only close() ends the thread: tasks already accepted must still run.
                continue;
            }
            if (task == STOP) {
                return;
            }
            try {
                task.run();
            } catch (Throwable t) {
                LOG.log(Level.WARNING, "task failed in network namespace " + name, t);
            }
        }
    }

    private void enterNamespace() throws IOException {
        String path = path();
        int fd = Libc.open(path, Libc.O_RDONLY | Libc.O_CLOEXEC, path);
        try {
            Libc.setns(fd, Libc.CLONE_NEWNET, path + ", CLONE_NEWNET");
        } finally {
            Libc.close(fd, path);
        }
    }

    @Override
    public String toString() {
        return "NetworkNamespace[" + name + "]";
    }
}
