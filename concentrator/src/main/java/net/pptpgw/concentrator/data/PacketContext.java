package net.pptpgw.concentrator.data;

import java.util.Objects;

/**
 * What the data path knows about a packet besides its bytes: whose session it belongs to and how
 * it is to be treated. It travels <em>beside</em> the {@code ByteBuf} through every stage (a
 * separate argument, never a header inside the buffer or an attribute of it), so a stage that
 * replaces the buffer (compression, MPPE, GRE encapsulation into a buffer with headroom) cannot
 * lose it: the kernel code this project's story starts from lost its per-user mark exactly
 * there, when a compression step allocated a new buffer.
 *
 * <p>Immutable; one instance per session, replaced when the session learns more (the user after
 * authentication, a QoS class from policy), so carrying it costs no allocation per packet.
 *
 * @param callId our call ID: the session while the call lives
 * @param user the authenticated user, or "" before authentication
 * @param qosClass the QoS class, 0 (best effort) .. {@link #MAX_QOS_CLASS}
 * @param mark the firewall mark for the outer packet (0: none), for kernel {@code tc}
 */
public record PacketContext(int callId, String user, int qosClass, int mark) {

    public static final int MAX_QOS_CLASS = 7;

    public PacketContext {
        if ((callId & ~0xFFFF) != 0) {
            throw new IllegalArgumentException("call ID out of range: " + callId);
        }
        Objects.requireNonNull(user, "user");
        if (qosClass < 0 || qosClass > MAX_QOS_CLASS) {
            throw new IllegalArgumentException("QoS class must be 0.." + MAX_QOS_CLASS + ", got " + qosClass);
        }
    }

    /** A new call's context: no user yet, best effort, no mark. */
    public static PacketContext forCall(int callId) {
        return new PacketContext(callId, "", 0, 0);
    }

    public PacketContext withUser(String user) {
        return new PacketContext(callId, user, qosClass, mark);
    }

    public PacketContext withQos(int qosClass, int mark) {
        return new PacketContext(callId, user, qosClass, mark);
    }
}
