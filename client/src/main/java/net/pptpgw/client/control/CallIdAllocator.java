package net.pptpgw.client.control;

import java.util.BitSet;

/**
 * The PNS's own call IDs (RFC 2637 §2.7: "a unique identifier for this tunnel"), unique across
 * every control connection of one client because the GRE data plane finds a call by this ID
 * alone (it is the key of every GRE packet the PAC sends us, §4.1).
 *
 * <p>Next-fit: a released ID is handed out again only after all others, so a late GRE packet
 * of an ended call is unlikely to land on a new call. Shared by every event loop, hence locked;
 * one allocation per call setup.
 */
public final class CallIdAllocator {

    public static final int CALL_ID_SPACE = 1 << 16;

    private final BitSet used = new BitSet(CALL_ID_SPACE);
    private int next;
    private int inUse;

    /** Hands out IDs from 0 up (deterministic, for tests). */
    public CallIdAllocator() {
        this(0);
    }

    /**
     * Hands out IDs from {@code firstCallId} up. A client should start at a random point, as
     * pptp-linux does: two PNSs on one host or behind one NAT that both start at 0 give a PAC, or
     * a NAT without call-ID translation, the same call ID twice.
     */
    public CallIdAllocator(int firstCallId) {
        if ((firstCallId & ~(CALL_ID_SPACE - 1)) != 0) {
            throw new IllegalArgumentException("call ID out of range: " + firstCallId);
        }
        this.next = firstCallId;
    }

    /** A free call ID, or -1 when all 65,536 are in use. */
    public synchronized int allocate() {
        if (inUse == CALL_ID_SPACE) {
            return -1;
        }
        int id = used.nextClearBit(next);
        if (id >= CALL_ID_SPACE) {
            id = used.nextClearBit(0);
        }
        used.set(id);
        inUse++;
        next = (id + 1) & (CALL_ID_SPACE - 1);
        return id;
    }

    public synchronized void release(int callId) {
        if (used.get(callId)) {
            used.clear(callId);
            inUse--;
        }
    }

    public synchronized int inUse() {
        return inUse;
    }
}
