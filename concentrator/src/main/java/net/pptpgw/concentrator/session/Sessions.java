package net.pptpgw.concentrator.session;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The live sessions: the one place that knows them, for the admin command ({@code sessions},
 * {@code sessions end ID}), the server's shutdown ({@link #endAll}) and tests. Sessions add and
 * remove themselves; reading and ending are safe from any thread. A map here is fine: it is
 * touched per session, never per packet.
 */
public final class Sessions {

    private final Map<Long, CallSession> live = new ConcurrentHashMap<>();
    private final AtomicLong nextId = new AtomicLong(1);
    /** Set once by {@link #endAll}: the Terminate-Request's reason, for sessions that start after it too. */
    private volatile String endAllReason;
    /** Completed when, after {@link #endAll}, no session is live. */
    private final CompletableFuture<Void> allEnded = new CompletableFuture<>();

    long newId() {
        return nextId.getAndIncrement();
    }

    void add(CallSession session) {
        live.put(session.id(), session);
        // Put first, then the flag read: endAll sets the flag first, then iterates, so a session
        // starting meanwhile is ended by one of the two (or both: ending twice is harmless).
        String reason = endAllReason;
        if (reason != null) {
            session.endForShutdown(reason);
        }
    }

    void remove(CallSession session) {
        live.remove(session.id(), session);
        if (endAllReason != null && live.isEmpty()) {
            allEnded.complete(null);
        }
    }

    /** A snapshot of every live session, by ID. */
    public List<SessionInfo> list() {
        List<SessionInfo> sessions = new ArrayList<>(live.size());
        for (CallSession session : live.values()) {
            sessions.add(session.info());
        }
        sessions.sort(Comparator.comparingLong(SessionInfo::id));
        return sessions;
    }

    /** The session with this ID, if live. */
    public Optional<SessionInfo> get(long id) {
        return Optional.ofNullable(live.get(id)).map(CallSession::info);
    }

    /**
     * Ends session {@code id}: LCP Terminate-Request with {@code reason} as its data (RFC 1661
     * §5.5), then the call is cleared with a Call-Disconnect-Notify "Admin Shutdown" and its call
     * ID and address released.
     *
     * @return false when no such session is live
     */
    public boolean end(long id, String reason) {
        CallSession session = live.get(id);
        if (session == null) {
            return false;
        }
        session.end(reason);
        return true;
    }

    /**
     * Ends every session for a server shutdown: each sends an LCP Terminate-Request with
     * {@code reason} as its data (RFC 1661 §5.5) and, once its peer acknowledges it (or LCP gives
     * up), clears its call with a Call-Disconnect-Notify "Admin Shutdown". The requests all go
     * out at once: one task per session on its own event loop, nothing waited for here. Sessions
     * that start from now on are ended the same way. Only the first call does anything.
     *
     * @return completes when no session is live any more; the caller bounds the wait
     */
    public synchronized CompletionStage<Void> endAll(String reason) {
        if (endAllReason == null) {
            endAllReason = reason;
            for (CallSession session : live.values()) {
                session.endForShutdown(reason);
            }
            if (live.isEmpty()) {
                allEnded.complete(null);
            }
        }
        return allEnded.minimalCompletionStage();
    }

    /** Sessions live now. */
    public int size() {
        return live.size();
    }
}
