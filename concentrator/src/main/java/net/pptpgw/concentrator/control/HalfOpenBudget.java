package net.pptpgw.concentrator.control;

import io.netty.channel.Channel;
import java.util.Iterator;
import java.util.LinkedHashSet;

/**
 * The connections that have not yet sent their Start-Control-Connection-Request, at most
 * {@code capacity}. When a new one arrives at a full budget, the <em>oldest</em> is pushed out.
 *
 * <p>Why the oldest and not the newcomer: refusing newcomers is what locks pptpd up (a listen
 * backlog of 3 and connections that never speak keep every real client out). A real client
 * sends its request within one round trip of connecting, so it is pushed out only if
 * {@code capacity} connections arrive within that round trip; the per-source rate limit keeps
 * one source from doing that, and the timeout empties the budget anyway.
 */
public final class HalfOpenBudget {

    private final int capacity;
    private final LinkedHashSet<Channel> waiting = new LinkedHashSet<>();

    public HalfOpenBudget(int capacity) {
        this.capacity = capacity;
    }

    /**
     * Adds {@code channel}.
     *
     * @return the connection pushed out to make room (the caller closes it), or {@code null}
     */
    public synchronized Channel admit(Channel channel) {
        Channel evicted = null;
        if (waiting.size() >= capacity) {
            Iterator<Channel> oldest = waiting.iterator();
            evicted = oldest.next();
            oldest.remove();
        }
        waiting.add(channel);
        return evicted;
    }

    /** Removes {@code channel}: it sent its request, or closed. */
    public synchronized boolean remove(Channel channel) {
        return waiting.remove(channel);
    }

    public synchronized int size() {
        return waiting.size();
    }
}
