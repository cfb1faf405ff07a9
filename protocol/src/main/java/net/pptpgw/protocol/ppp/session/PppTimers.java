package net.pptpgw.protocol.ppp.session;

import java.time.Duration;

/**
 * Time for a {@link PppSession}, implemented by the caller: an event loop's scheduler in
 * production, a virtual clock in tests. Tasks must run on the thread that feeds the session.
 */
public interface PppTimers {

    /** Runs {@code task} once after {@code delay}, unless cancelled first. */
    Timer schedule(Duration delay, Runnable task);

    /** A scheduled task. */
    interface Timer {
        /** Cancels the task; cancelling one that already ran does nothing. */
        void cancel();
    }
}
