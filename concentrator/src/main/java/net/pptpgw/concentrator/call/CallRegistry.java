package net.pptpgw.concentrator.call;

/**
 * The data plane's view of the calls: find one by the PAC's call ID, the value in the key of
 * every GRE packet a PNS sends (RFC 2637 §4.1). Safe to call from any thread.
 */
public interface CallRegistry {

    /** The live call with this call ID (0..65535), or {@code null}. O(1): an array read. */
    Call find(int callId);

    /** Calls currently live. */
    int activeCalls();
}
