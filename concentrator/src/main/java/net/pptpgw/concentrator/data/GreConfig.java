package net.pptpgw.concentrator.data;

import java.time.Duration;
import java.util.Objects;
import net.pptpgw.linux.RawGreSocket;

/**
 * Settings of the GRE data plane. The receive window itself is the control plane's
 * {@code receiveWindowSize}, since it is what the Outgoing-Call-Reply advertises (RFC 2637 §2.8).
 *
 * @param reorderCapacity data packets per call held while a gap waits to be filled (§4.3)
 * @param reorderTimeout how long a held packet waits for the gap before it is given up
 * @param ackDelay how long an acknowledgment waits for an outgoing data packet to ride on before
 *     it goes alone in an ack-only packet (§4.4)
 * @param socket the raw GRE socket's options (the bind address is the control listener's)
 */
public record GreConfig(int reorderCapacity, Duration reorderTimeout, Duration ackDelay, RawGreSocket.Options socket) {

    public GreConfig {
        if (reorderCapacity < 0 || reorderCapacity > 1024) {
            throw new IllegalArgumentException("reorderCapacity must be 0..1024, got " + reorderCapacity);
        }
        Objects.requireNonNull(reorderTimeout, "reorderTimeout");
        Objects.requireNonNull(ackDelay, "ackDelay");
        Objects.requireNonNull(socket, "socket");
        if (reorderTimeout.isNegative() || ackDelay.isNegative() || ackDelay.isZero()) {
            throw new IllegalArgumentException("reorderTimeout must not be negative and ackDelay must be positive, got "
                    + reorderTimeout + " and " + ackDelay);
        }
    }

    /** 16 packets for 5 ms; acknowledgments wait 100 ms for data; default socket options. */
    public static GreConfig defaults() {
        return new GreConfig(16, Duration.ofMillis(5), Duration.ofMillis(100), RawGreSocket.Options.defaults());
    }

    public GreConfig withReorder(int reorderCapacity, Duration reorderTimeout) {
        return new GreConfig(reorderCapacity, reorderTimeout, ackDelay, socket);
    }

    public GreConfig withAckDelay(Duration ackDelay) {
        return new GreConfig(reorderCapacity, reorderTimeout, ackDelay, socket);
    }

    public GreConfig withSocket(RawGreSocket.Options socket) {
        return new GreConfig(reorderCapacity, reorderTimeout, ackDelay, socket);
    }
}
