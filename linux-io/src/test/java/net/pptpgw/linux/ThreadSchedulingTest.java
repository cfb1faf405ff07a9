package net.pptpgw.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The policy lands on the calling thread only, as /proc shows it (the tests run as root with CAP_SYS_NICE). */
class ThreadSchedulingTest {

    /** Field 41 of /proc/self/task/TID/stat is the policy, 19 the nice value (proc(5)). */
    private static String[] stat(int tid) throws Exception {
        String stat = Files.readString(Path.of("/proc/self/task/" + tid + "/stat"));
        return stat.substring(stat.lastIndexOf(')') + 2).split(" "); // fields from 3 on, index = field - 3
    }

    private static int policy(int tid) throws Exception {
        return Integer.parseInt(stat(tid)[41 - 3]);
    }

    private static int nice(int tid) throws Exception {
        return Integer.parseInt(stat(tid)[19 - 3]);
    }

    private static int runOnNewThread(ThreadScheduling scheduling, AtomicReference<int[]> seen) throws Exception {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        int[] tid = new int[1];
        Thread t = new Thread(() -> {
            try {
                tid[0] = scheduling.applyToCallingThread();
                seen.set(new int[] {policy(tid[0]), nice(tid[0])});
            } catch (Throwable e) {
                failure.set(e);
            }
        });
        t.start();
        t.join();
        if (failure.get() != null) {
            throw new AssertionError(failure.get());
        }
        return tid[0];
    }

    @Test
    void realtimeAndNiceApplyToTheCallingThreadOnly() throws Exception {
        int self = Libc.gettid();
        int niceBefore = nice(self); // the build may itself run under nice
        AtomicReference<int[]> seen = new AtomicReference<>();
        runOnNewThread(ThreadScheduling.realtime(10), seen);
        assertThat(seen.get()[0]).isEqualTo(Libc.SCHED_FIFO);
        runOnNewThread(new ThreadScheduling(ThreadScheduling.Policy.RR, 5), seen);
        assertThat(seen.get()[0]).isEqualTo(Libc.SCHED_RR);
        runOnNewThread(ThreadScheduling.nice(-7), seen);
        assertThat(seen.get()).containsExactly(Libc.SCHED_OTHER, -7);
        assertThat(policy(self)).isEqualTo(Libc.SCHED_OTHER);
        assertThat(nice(self)).isEqualTo(niceBefore);
    }

    @Test
    void outOfRangeValuesAreRejectedWithTheRange() {
        assertThatThrownBy(() -> ThreadScheduling.realtime(0)).hasMessageContaining("between 1 and 99");
        assertThatThrownBy(() -> ThreadScheduling.realtime(100)).hasMessageContaining("between 1 and 99");
        assertThatThrownBy(() -> ThreadScheduling.nice(-21)).hasMessageContaining("between -20 and 19");
        assertThat(ThreadScheduling.realtime(50)).hasToString("SCHED_FIFO priority 50");
        assertThat(ThreadScheduling.nice(-10)).hasToString("nice -10");
    }

    @Test
    void aFailedCallNamesTheThreadAndPolicy() {
        // An invalid priority for the policy is EINVAL from the kernel, whatever the privileges.
        assertThatThrownBy(() -> Libc.schedSetscheduler(0, Libc.SCHED_FIFO, 100, "tid 0, SCHED_FIFO, priority 100"))
                .isInstanceOf(ErrnoException.class)
                .hasMessage("sched_setscheduler(tid 0, SCHED_FIFO, priority 100): Invalid argument (EINVAL)");
    }
}
