package net.pptpgw.concentrator.call;

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

    /** The Outgoing-Call-Reply with result Connected has been written; GRE may flow. */
    void callEstablished(Call call);

    /** The call is gone from the registry; its call ID is in quarantine. */
    void callCleared(Call call, CallClearCause cause);
}
