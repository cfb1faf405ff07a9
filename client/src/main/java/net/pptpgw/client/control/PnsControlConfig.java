package net.pptpgw.client.control;

import java.time.Duration;
import java.util.Objects;

/**
 * What a PNS announces and how long it waits.
 *
 * @param hostName Start-Control-Connection-Request Host Name (§2.1), at most 63 octets
 * @param vendorString Start-Control-Connection-Request Vendor String (§2.1)
 * @param firmwareRevision Start-Control-Connection-Request Firmware Revision
 * @param replyTimeout how long a Start-Control-Connection-Reply, Outgoing-Call-Reply,
 *     Call-Disconnect-Notify after our Call-Clear-Request, or Stop-Control-Connection-Reply may take
 * @param receiveWindowSize Outgoing-Call-Request Packet Recv. Window Size (§2.7): the data packets
 *     we buffer, which bounds the PAC's send window
 * @param maximumBps Outgoing-Call-Request Maximum BPS; the minimum is 300, as pptp sends
 * @param echoInterval silence from the PAC after which we send an Echo-Request (§2.4); a second
 *     silent interval ends the connection. Zero: none (the PAC's own echoes keep it alive)
 */
public record PnsControlConfig(String hostName, String vendorString, int firmwareRevision, Duration replyTimeout,
        int receiveWindowSize, long maximumBps, Duration echoInterval) {

    public PnsControlConfig {
        Objects.requireNonNull(hostName, "hostName");
        Objects.requireNonNull(vendorString, "vendorString");
        if (replyTimeout.isNegative() || replyTimeout.isZero()) {
            throw new IllegalArgumentException("replyTimeout must be positive, got " + replyTimeout);
        }
        if (echoInterval.isNegative()) {
            throw new IllegalArgumentException("echoInterval must not be negative, got " + echoInterval);
        }
        if (receiveWindowSize < 1 || receiveWindowSize > 0xFFFF) {
            throw new IllegalArgumentException("receiveWindowSize must be 1..65535, got " + receiveWindowSize);
        }
    }

    /**
     * A receive window of 256: the PAC may have that many data packets unacknowledged towards us.
     * With 64 a download through one tunnel stopped at the window while our loop was busy with
     * a batch (the concentrator dropped what did not fit): 583–605 Mbit/s against 806–835 with 256
     * in the same bench (benchmarks/RESULTS.md, goodput rows R). We hold at most the reorder
     * buffer's few packets whatever the window; the window bounds only what is in flight.
     */
    public static PnsControlConfig defaults() {
        return new PnsControlConfig("pptp-gateway", "pptp-gateway", 1, Duration.ofSeconds(10), 256, 100_000_000L,
                Duration.ofSeconds(60));
    }

    public PnsControlConfig withReplyTimeout(Duration replyTimeout) {
        return new PnsControlConfig(hostName, vendorString, firmwareRevision, replyTimeout, receiveWindowSize,
                maximumBps, echoInterval);
    }

    public PnsControlConfig withReceiveWindowSize(int receiveWindowSize) {
        return new PnsControlConfig(hostName, vendorString, firmwareRevision, replyTimeout, receiveWindowSize,
                maximumBps, echoInterval);
    }

    public PnsControlConfig withEchoInterval(Duration echoInterval) {
        return new PnsControlConfig(hostName, vendorString, firmwareRevision, replyTimeout, receiveWindowSize,
                maximumBps, echoInterval);
    }
}
