package net.pptpgw.concentrator.session;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The live sessions: the one place that knows them, for the admin command ({@code sessions},
 * {@code sessions end ID}) and for tests. Sessions add and remove themselves; reading and
 * ending are safe from any thread. A map here is fine: it is touched per session, never per packet.
 */
public final class Sessions {

    private final Map<Long, CallSession> live = new ConcurrentHashMap<>();
    private final AtomicLong nextId = new AtomicLong(1);

    long newId() {
        return nextId.getAndIncrement();
    }

    void add(CallSession session) {
        live.put(session.id(), session);
    }

    void remove(CallSession session) {
        live.remove(session.id(), session);
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

    /** Sessions live now. */
    public int size() {
        return live.size();
    }
}
