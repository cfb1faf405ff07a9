package net.pptpgw.linux;

/**
 * How the kernel schedules one thread: a data-plane thread (the NAT helper's GRE relay) should
 * not be weighed by the CFS scheduler like any one of the processes that flood it with packets.
 *
 * <ul>
 *   <li>{@link Policy#NORMAL} with {@code priority} as the nice value (−20 … 19): still CFS,
 *       with a larger share (nice −20 weighs 88761 against 1024 for nice 0). Needs
 *       CAP_SYS_NICE below 0.
 *   <li>{@link Policy#FIFO} / {@link Policy#RR} with {@code priority} 1 … 99: real-time; the
 *       thread runs whenever it is runnable, before every CFS thread, until it blocks (the relay
 *       blocks in {@code epoll_wait} once its sockets are drained). Needs CAP_SYS_NICE (or
 *       {@code RLIMIT_RTPRIO}). The kernel's RT throttling ({@code kernel.sched_rt_runtime_us},
 *       950 ms per second by default) still leaves the rest of the system 5 % of each CPU
 *       should the thread never block.
 * </ul>
 *
 * <p>Linux keeps both the policy and the nice value per thread, so {@link #applyToCallingThread}
 * changes the calling thread only, never the whole JVM.
 *
 * @param policy the scheduling class
 * @param priority the nice value for {@link Policy#NORMAL}, the real-time priority otherwise
 */
public record ThreadScheduling(Policy policy, int priority) {

    /** Leave the thread as the JVM made it (CFS, nice 0). */
    public static final ThreadScheduling DEFAULT = new ThreadScheduling(Policy.NORMAL, 0);

    /** The scheduling classes of {@code sched(7)} this module offers. */
    public enum Policy {
        NORMAL(Libc.SCHED_OTHER), FIFO(Libc.SCHED_FIFO), RR(Libc.SCHED_RR);

        final int value;

        Policy(int value) {
            this.value = value;
        }
    }

    public ThreadScheduling {
        if (policy == null) {
            throw new IllegalArgumentException("scheduling policy missing");
        }
        if (policy == Policy.NORMAL && (priority < -20 || priority > 19)) {
            throw new IllegalArgumentException("nice value " + priority + " is not between -20 and 19");
        }
        if (policy != Policy.NORMAL && (priority < 1 || priority > 99)) {
            throw new IllegalArgumentException("real-time priority " + priority + " is not between 1 and 99");
        }
    }

    /** {@code SCHED_FIFO} at {@code priority} (1 … 99). */
    public static ThreadScheduling realtime(int priority) {
        return new ThreadScheduling(Policy.FIFO, priority);
    }

    /** CFS at nice value {@code nice} (−20 … 19). */
    public static ThreadScheduling nice(int nice) {
        return new ThreadScheduling(Policy.NORMAL, nice);
    }

    public boolean isDefault() {
        return equals(DEFAULT);
    }

    /**
     * Puts the calling thread in this class; returns its thread ID (for logs: {@code chrt -p TID}).
     * Always sets the nice value for {@link Policy#NORMAL}, so that {@link #DEFAULT} undoes another setting.
     */
    public int applyToCallingThread() throws ErrnoException {
        int tid = Libc.gettid();
        if (policy == Policy.NORMAL) {
            if (Libc.schedGetscheduler(0) != Libc.SCHED_OTHER) {
                Libc.schedSetscheduler(0, Libc.SCHED_OTHER, 0, "tid " + tid + ", SCHED_OTHER");
            }
            Libc.setpriority(0, priority, "PRIO_PROCESS, tid " + tid + ", nice " + priority);
        } else {
            Libc.schedSetscheduler(0, policy.value, priority,
                    "tid " + tid + ", SCHED_" + policy + ", priority " + priority);
        }
        return tid;
    }

    /** {@code SCHED_FIFO priority 50}, {@code nice -10}. */
    @Override
    public String toString() {
        return policy == Policy.NORMAL ? "nice " + priority : "SCHED_" + policy + " priority " + priority;
    }
}
