package net.pptpgw.nathelper;

import java.net.Inet4Address;
import java.util.BitSet;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.random.RandomGenerator;

/**
 * The gateway call IDs of one server address: who holds which, which are in quarantine, and the
 * two arrays the GRE relay looks calls up in.
 *
 * <p>All calls to one server leave from the gateway's one WAN address, so to the server they
 * are calls of one PNS; the server's GRE names a call only by the call ID in the key (RFC 2637
 * §4.1), and that ID must tell our clients apart. Each server therefore gets the full 16-bit
 * space (0 included: RFC 2637 gives it no special meaning, and pptpd hands it out).
 *
 * <p>IDs are drawn at random, so that an off-path attacker cannot guess which ID a new call
 * will use and inject GRE into it. A released ID stays in quarantine for a while: GRE of the
 * ended call still in flight must not reach whoever gets the ID next.
 *
 * <p>Threads: reservation runs on control-connection threads and is synchronized; the arrays
 * are read by the GRE thread without locks (volatile reads, no allocation).
 */
final class ServerCalls {

    /** Call IDs are 16 bits (RFC 2637 §2.7). */
    static final int CALL_IDS = 1 << 16;
    /** Random draws before the exhaustive scan; with the space half full, 16 draws all miss with odds 2^-16. */
    private static final int RANDOM_PROBES = 16;

    private final Inet4Address server;
    private final int address;
    private final AtomicReferenceArray<CallMapping> byGatewayCallId = new AtomicReferenceArray<>(CALL_IDS);
    private final AtomicReferenceArray<CallMapping> byServerCallId = new AtomicReferenceArray<>(CALL_IDS);

    // Guarded by this.
    private final BitSet reserved = new BitSet(CALL_IDS);
    private final BitSet quarantined = new BitSet(CALL_IDS);
    private final long[] quarantinedUntil = new long[CALL_IDS];
    private int reservedCount;
    private long lastReleaseNanos;

    ServerCalls(Inet4Address server) {
        this.server = server;
        this.address = Addresses.toInt(server);
    }

    Inet4Address server() {
        return server;
    }

    int address() {
        return address;
    }

    /**
     * Takes a free gateway call ID: neither held by a call nor in quarantine at {@code now}.
     *
     * @return the ID, or -1 when all 65536 are taken
     */
    synchronized int reserve(RandomGenerator random, long now) {
        for (int i = 0; i < RANDOM_PROBES; i++) {
            int id = random.nextInt(CALL_IDS);
            if (isFree(id, now)) {
                return take(id);
            }
        }
        // Nearly full: scan from a random point so the one free ID is still found.
        int start = random.nextInt(CALL_IDS);
        for (int k = 0; k < CALL_IDS; k++) {
            int id = (start + k) & 0xFFFF;
            if (isFree(id, now)) {
                return take(id);
            }
        }
        return -1;
    }

    private boolean isFree(int id, long now) {
        if (reserved.get(id)) {
            return false;
        }
        if (quarantined.get(id)) {
            if (now - quarantinedUntil[id] < 0) {
                return false;
            }
            quarantined.clear(id);
        }
        return true;
    }

    private int take(int id) {
        reserved.set(id);
        reservedCount++;
        return id;
    }

    /** Gives the ID back; nobody gets it before {@code now + quarantineNanos}. */
    synchronized void release(int id, long now, long quarantineNanos) {
        if (!reserved.get(id)) {
            return;
        }
        reserved.clear(id);
        reservedCount--;
        if (quarantineNanos > 0) {
            quarantined.set(id);
            quarantinedUntil[id] = now + quarantineNanos;
        }
        lastReleaseNanos = now;
    }

    synchronized boolean isReserved(int id) {
        return reserved.get(id);
    }

    synchronized int reservedCount() {
        return reservedCount;
    }

    /** No call holds an ID and the last quarantine is over: the table can be dropped. */
    synchronized boolean idle(long now, long quarantineNanos) {
        return reservedCount == 0 && now - (lastReleaseNanos + quarantineNanos) >= 0;
    }

    // ---- forwarding arrays

    void publish(CallMapping mapping) {
        byGatewayCallId.set(mapping.gatewayCallId(), mapping);
    }

    void publishServerCallId(CallMapping mapping) {
        int serverCallId = mapping.serverCallId();
        if (serverCallId != CallMapping.UNKNOWN) {
            byServerCallId.set(serverCallId, mapping);
        }
    }

    /** Removes the mapping from both arrays, unless a newer call already took its slot. */
    void unpublish(CallMapping mapping) {
        byGatewayCallId.compareAndSet(mapping.gatewayCallId(), mapping, null);
        int serverCallId = mapping.serverCallId();
        if (serverCallId != CallMapping.UNKNOWN) {
            byServerCallId.compareAndSet(serverCallId, mapping, null);
        }
    }

    /** The call the server's GRE with this key is for (WAN to LAN), or null. */
    CallMapping byGatewayCallId(int gatewayCallId) {
        return byGatewayCallId.get(gatewayCallId);
    }

    /** The call whose client sends GRE with this key (LAN to WAN), or null. */
    CallMapping byServerCallId(int serverCallId) {
        return byServerCallId.get(serverCallId);
    }
}
