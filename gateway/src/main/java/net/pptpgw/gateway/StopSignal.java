package net.pptpgw.gateway;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * How a long-running command ({@code concentrator}, {@code nat-helper}) waits for SIGTERM or
 * SIGINT and still shuts down cleanly.
 *
 * <p>The JVM exits as soon as its shutdown hooks return, so the hook does not stop anything
 * itself: it asks the command to stop and waits (up to 10 s) until the command says it has
 * stopped, after sending Call-Disconnect-Notify and Stop-Control-Connection-Request to its peers.
 */
final class StopSignal {

    private final CountDownLatch stopRequested = new CountDownLatch(1);
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final Thread hook;

    StopSignal(String commandName) {
        hook = new Thread(this::requestStopAndWait, commandName + "-shutdown");
    }

    /** Installs the shutdown hook: from now on SIGTERM/SIGINT request a stop. */
    void arm() {
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /** Asks the command to stop, as the shutdown hook does; tests call it directly. */
    void requestStop() {
        stopRequested.countDown();
    }

    void awaitStopRequest() throws InterruptedException {
        stopRequested.await();
    }

    /** The command has shut down: releases a waiting shutdown hook, or removes the unused hook. */
    void stopped() {
        stopped.countDown();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the hook is what is running us down; it waits for `stopped`
        }
    }

    private void requestStopAndWait() {
        requestStop();
        try {
            stopped.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
