package net.pptpgw.protocol.ppp.mppe;

import java.lang.management.ManagementFactory;

/** Heap bytes the current thread allocates per run of an action, for "no allocation per packet" tests. */
final class Allocations {

    private Allocations() {}

    /**
     * Runs {@code action} {@code warmups} times, then returns the bytes {@code runs} more runs
     * allocate, divided by {@code runs}. An allocation per run is at least 16 bytes (an object
     * header); the JVM's own one-off allocations while compiling (tens of bytes in all) stay far
     * below 1 byte per run.
     */
    static double bytesPerRun(int warmups, int runs, Runnable action) {
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        for (int n = 0; n < warmups; n++) {
            action.run();
        }
        long before = threads.getCurrentThreadAllocatedBytes();
        for (int n = 0; n < runs; n++) {
            action.run();
        }
        return (double) (threads.getCurrentThreadAllocatedBytes() - before) / runs;
    }
}
