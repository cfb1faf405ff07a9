package net.pptpgw.concentrator;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;
import net.pptpgw.protocol.pptp.ControlMessages;

/**
 * Settings of the control plane. {@link #defaults()} gives values that follow RFC 2637 where it
 * names one; every {@code withX} returns a copy with one setting changed.
 *
 * @param listen address and port of the control connection listener (RFC 2637 §1.4: TCP 1723)
 * @param hostName our DNS name, sent in Start-Control-Connection-Reply (at most 64 octets)
 * @param vendorString sent in Start-Control-Connection-Reply (at most 64 octets)
 * @param firmwareRevision sent in Start-Control-Connection-Reply
 * @param echoInterval silence on a control connection before we send an Echo-Request, and then
 *     the time the peer has to answer before the connection is closed (§2.4, §3.0: 60 s)
 * @param halfOpenTimeout a connection that has not sent a Start-Control-Connection-Request by
 *     then is closed
 * @param maxHalfOpen connections that may wait for their Start-Control-Connection-Request at
 *     once; a new one beyond it pushes out the oldest
 * @param maxControlConnections established control connections at once
 * @param maxCallsPerConnection calls one control connection may hold
 * @param maxCalls calls across all control connections (call IDs are 16-bit)
 * @param connectionsPerSecondPerSource sustained TCP connection rate allowed per source address
 * @param connectionBurstPerSource connections a source may open at once before the rate applies
 * @param trackedSources source addresses whose rate is tracked at most (oldest forgotten first)
 * @param callIdQuarantine how long a released call ID is not handed out again
 * @param receiveWindowSize data packets we buffer per call, sent in Outgoing-Call-Reply (§2.8)
 * @param packetProcessingDelay sent in Outgoing-Call-Reply, tenths of a second (§2.8)
 * @param stopReplyTimeout how long we wait for a Stop-Control-Connection-Reply (§3.0: 60 s)
 * @param shutdownStopReplyTimeout the same during shutdown, when waiting long helps no one
 * @param shutdownGrace at shutdown, how long the PPP sessions have to finish their LCP Terminate
 *     exchange (RFC 1661 §5.5) before every call is cleared; zero clears them at once
 */
public record ConcentratorConfig(
        InetSocketAddress listen,
        String hostName,
        String vendorString,
        int firmwareRevision,
        Duration echoInterval,
        Duration halfOpenTimeout,
        int maxHalfOpen,
        int maxControlConnections,
        int maxCallsPerConnection,
        int maxCalls,
        double connectionsPerSecondPerSource,
        int connectionBurstPerSource,
        int trackedSources,
        Duration callIdQuarantine,
        int receiveWindowSize,
        int packetProcessingDelay,
        Duration stopReplyTimeout,
        Duration shutdownStopReplyTimeout,
        Duration shutdownGrace) {

    public ConcentratorConfig {
        Objects.requireNonNull(listen, "listen");
        requireString(hostName, "hostName");
        requireString(vendorString, "vendorString");
        requireRange(firmwareRevision, 0, 0xFFFF, "firmwareRevision");
        requirePositive(echoInterval, "echoInterval");
        requirePositive(halfOpenTimeout, "halfOpenTimeout");
        requireRange(maxHalfOpen, 1, Integer.MAX_VALUE, "maxHalfOpen");
        requireRange(maxControlConnections, 1, Integer.MAX_VALUE, "maxControlConnections");
        requireRange(maxCallsPerConnection, 1, 1 << 16, "maxCallsPerConnection");
        requireRange(maxCalls, 1, 1 << 16, "maxCalls");
        if (!(connectionsPerSecondPerSource > 0) || Double.isInfinite(connectionsPerSecondPerSource)) {
            throw new IllegalArgumentException("connectionsPerSecondPerSource must be a positive number, got "
                    + connectionsPerSecondPerSource);
        }
        requireRange(connectionBurstPerSource, 1, Integer.MAX_VALUE, "connectionBurstPerSource");
        requireRange(trackedSources, 1, Integer.MAX_VALUE, "trackedSources");
        Objects.requireNonNull(callIdQuarantine, "callIdQuarantine");
        if (callIdQuarantine.isNegative()) {
            throw new IllegalArgumentException("callIdQuarantine must not be negative, got " + callIdQuarantine);
        }
        requireRange(receiveWindowSize, 1, 0xFFFF, "receiveWindowSize");
        requireRange(packetProcessingDelay, 0, 0xFFFF, "packetProcessingDelay");
        requirePositive(stopReplyTimeout, "stopReplyTimeout");
        requirePositive(shutdownStopReplyTimeout, "shutdownStopReplyTimeout");
        Objects.requireNonNull(shutdownGrace, "shutdownGrace");
        if (shutdownGrace.isNegative()) {
            throw new IllegalArgumentException("shutdownGrace must not be negative, got " + shutdownGrace);
        }
    }

    public static ConcentratorConfig defaults() {
        return new ConcentratorConfig(
                new InetSocketAddress(ControlMessages.PPTP_PORT),
                "pptp-gateway",
                "pptp-gateway",
                1,
                Duration.ofSeconds(60),
                Duration.ofSeconds(10),
                256,
                10_000,
                1024,
                60_000,
                5,
                20,
                100_000,
                Duration.ofSeconds(30),
                64,
                0,
                Duration.ofSeconds(60),
                Duration.ofSeconds(2),
                // A Terminate-Ack comes back within a round trip; a peer that has not answered in a
                // second has lost the link or ignores it, and the Call-Disconnect-Notify tells it.
                Duration.ofSeconds(1));
    }

    public ConcentratorConfig withListen(InetAddress address, int port) {
        return new ConcentratorConfig(new InetSocketAddress(address, port), hostName, vendorString,
                firmwareRevision, echoInterval, halfOpenTimeout, maxHalfOpen, maxControlConnections,
                maxCallsPerConnection, maxCalls, connectionsPerSecondPerSource, connectionBurstPerSource,
                trackedSources, callIdQuarantine, receiveWindowSize, packetProcessingDelay, stopReplyTimeout,
                shutdownStopReplyTimeout, shutdownGrace);
    }

    public ConcentratorConfig withHostName(String hostName) {
        return new ConcentratorConfig(listen, hostName, vendorString, firmwareRevision, echoInterval,
                halfOpenTimeout, maxHalfOpen, maxControlConnections, maxCallsPerConnection, maxCalls,
                connectionsPerSecondPerSource, connectionBurstPerSource, trackedSources, callIdQuarantine,
                receiveWindowSize, packetProcessingDelay, stopReplyTimeout, shutdownStopReplyTimeout,
                shutdownGrace);
    }

    public ConcentratorConfig withTimeouts(Duration echoInterval, Duration halfOpenTimeout, Duration stopReplyTimeout,
            Duration shutdownStopReplyTimeout) {
        return new ConcentratorConfig(listen, hostName, vendorString, firmwareRevision, echoInterval,
                halfOpenTimeout, maxHalfOpen, maxControlConnections, maxCallsPerConnection, maxCalls,
                connectionsPerSecondPerSource, connectionBurstPerSource, trackedSources, callIdQuarantine,
                receiveWindowSize, packetProcessingDelay, stopReplyTimeout, shutdownStopReplyTimeout,
                shutdownGrace);
    }

    public ConcentratorConfig withLimits(int maxHalfOpen, int maxControlConnections, int maxCallsPerConnection,
            int maxCalls) {
        return new ConcentratorConfig(listen, hostName, vendorString, firmwareRevision, echoInterval,
                halfOpenTimeout, maxHalfOpen, maxControlConnections, maxCallsPerConnection, maxCalls,
                connectionsPerSecondPerSource, connectionBurstPerSource, trackedSources, callIdQuarantine,
                receiveWindowSize, packetProcessingDelay, stopReplyTimeout, shutdownStopReplyTimeout,
                shutdownGrace);
    }

    public ConcentratorConfig withSourceRate(double connectionsPerSecondPerSource, int connectionBurstPerSource) {
        return new ConcentratorConfig(listen, hostName, vendorString, firmwareRevision, echoInterval,
                halfOpenTimeout, maxHalfOpen, maxControlConnections, maxCallsPerConnection, maxCalls,
                connectionsPerSecondPerSource, connectionBurstPerSource, trackedSources, callIdQuarantine,
                receiveWindowSize, packetProcessingDelay, stopReplyTimeout, shutdownStopReplyTimeout,
                shutdownGrace);
    }

    public ConcentratorConfig withCallIdQuarantine(Duration callIdQuarantine) {
        return new ConcentratorConfig(listen, hostName, vendorString, firmwareRevision, echoInterval,
                halfOpenTimeout, maxHalfOpen, maxControlConnections, maxCallsPerConnection, maxCalls,
                connectionsPerSecondPerSource, connectionBurstPerSource, trackedSources, callIdQuarantine,
                receiveWindowSize, packetProcessingDelay, stopReplyTimeout, shutdownStopReplyTimeout,
                shutdownGrace);
    }

    public ConcentratorConfig withShutdownGrace(Duration shutdownGrace) {
        return new ConcentratorConfig(listen, hostName, vendorString, firmwareRevision, echoInterval,
                halfOpenTimeout, maxHalfOpen, maxControlConnections, maxCallsPerConnection, maxCalls,
                connectionsPerSecondPerSource, connectionBurstPerSource, trackedSources, callIdQuarantine,
                receiveWindowSize, packetProcessingDelay, stopReplyTimeout, shutdownStopReplyTimeout,
                shutdownGrace);
    }

    private static void requireString(String value, String key) {
        Objects.requireNonNull(value, key);
        if (value.length() > 64 || value.chars().anyMatch(c -> c == 0 || c > 0xFF)) {
            throw new IllegalArgumentException(key + " must be at most 64 single-octet characters, got \"" + value + "\"");
        }
    }

    private static void requireRange(int value, int min, int max, String key) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(key + " must be " + min + ".." + max + ", got " + value);
        }
    }

    private static void requirePositive(Duration value, String key) {
        Objects.requireNonNull(value, key);
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(key + " must be positive, got " + value);
        }
    }
}
