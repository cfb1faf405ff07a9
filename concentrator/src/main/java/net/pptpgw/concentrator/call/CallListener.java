package net.pptpgw.concentrator.call;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Told when a call starts and ends, so that the PPP session riding on it can start and stop.
 * Called on the call's control connection event loop; implementations must not block.
 */
public interface CallListener {

    CallListener NONE = new CallListener() {
        @Override
        public void callEstablished(Call call) {}

        @Override
        public void callCleared(Call call, CallClearCause cause) {}
    };

    /**
     * A call has its call ID and is about to be answered Connected: the last chance to refuse it
     * for want of something the call needs (an address from the pool), so that the PNS hears of
     * it in the Outgoing-Call-Reply (RFC 2637 §2.8, General Error / No-Resource) rather than
     * after PPP has started. A listener that refuses must hold nothing for the call afterwards:
     * neither {@link #callEstablished} nor {@link #callCleared} follows.
     *
     * @return null to accept the call, else a kebab-case reason for the metrics and the log
     */
    default String admitCall(Call call) {
        return null;
    }

    /** The Outgoing-Call-Reply with result Connected has been written; GRE may flow. */
    void callEstablished(Call call);

    /** The call is gone from the registry; its call ID is in quarantine. */
    void callCleared(Call call, CallClearCause cause);

    /**
     * The server is shutting down: no call is placed any more, and every call still live will be
     * cleared with a Call-Disconnect-Notify "Admin Shutdown" (cause {@link CallClearCause#SHUTDOWN})
     * once the returned stage completes or the configured grace has passed, whichever is first.
     * Until then, what rides on the calls may end gracefully: a PPP session sends its peer an LCP
     * Terminate-Request carrying {@code reason} (RFC 1661 §5.5), as pppd does on SIGTERM, so the
     * client learns why its link went down instead of seeing its call vanish.
     *
     * <p>Called once, on the thread running the shutdown; must not block.
     *
     * @return completes when nothing is left to end gracefully; the default has nothing to end
     */
    default CompletionStage<Void> serverStopping(String reason) {
        return CompletableFuture.completedStage(null);
    }
}
