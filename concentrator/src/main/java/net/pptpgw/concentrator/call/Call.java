package net.pptpgw.concentrator.call;

import io.netty.channel.Channel;
import java.net.InetAddress;
import java.util.Objects;
import net.pptpgw.protocol.pptp.SetLinkInfo;

/**
 * One call (a PPTP session, RFC 2637 §1.3) set up by an Outgoing-Call-Request and answered
 * with a Connected Outgoing-Call-Reply.
 *
 * <p>The data plane finds it by {@link #callId()}, the PAC's own call ID, which the PNS puts in
 * the key of every GRE packet it sends (§4.1); it answers to {@link #peerAddress()} with
 * {@link #peerCallId()} in the key. GRE from any other source address is not this call's.
 *
 * <p>Identity fields are final; the ACCMs change when a Set-Link-Info arrives (on the control
 * connection's event loop) and are read by whoever frames PPP, hence volatile.
 */
public final class Call {

    private final int callId;
    private final int peerCallId;
    private final InetAddress peerAddress;
    private final Channel controlChannel;
    private final int callSerialNumber;
    private final int peerReceiveWindowSize;
    private final int peerProcessingDelay;
    private final long connectSpeed;
    private final long establishedNanos;
    private volatile int sendAccm = SetLinkInfo.DEFAULT_ACCM;
    private volatile int receiveAccm = SetLinkInfo.DEFAULT_ACCM;

    /**
     * @param callId the PAC's call ID (ours), allocated by {@link CallTable}
     * @param peerCallId the PNS's call ID from its Outgoing-Call-Request
     * @param peerAddress the PNS's address: the only source GRE for this call is accepted from
     * @param controlChannel the control connection the call belongs to
     * @param callSerialNumber the PNS's serial number, for logs
     * @param peerReceiveWindowSize data packets the PNS buffers (§2.7): the send window
     * @param peerProcessingDelay the PNS's packet processing delay, tenths of a second
     * @param connectSpeed the speed reported in the Outgoing-Call-Reply, bits/second
     * @param establishedNanos {@link System#nanoTime()} when the call was connected
     */
    public Call(int callId, int peerCallId, InetAddress peerAddress, Channel controlChannel, int callSerialNumber,
            int peerReceiveWindowSize, int peerProcessingDelay, long connectSpeed, long establishedNanos) {
        this.callId = callId;
        this.peerCallId = peerCallId;
        this.peerAddress = Objects.requireNonNull(peerAddress, "peer address");
        this.controlChannel = Objects.requireNonNull(controlChannel, "control channel");
        this.callSerialNumber = callSerialNumber;
        this.peerReceiveWindowSize = peerReceiveWindowSize;
        this.peerProcessingDelay = peerProcessingDelay;
        this.connectSpeed = connectSpeed;
        this.establishedNanos = establishedNanos;
    }

    public int callId() {
        return callId;
    }

    public int peerCallId() {
        return peerCallId;
    }

    public InetAddress peerAddress() {
        return peerAddress;
    }

    public Channel controlChannel() {
        return controlChannel;
    }

    public int callSerialNumber() {
        return callSerialNumber;
    }

    public int peerReceiveWindowSize() {
        return peerReceiveWindowSize;
    }

    public int peerProcessingDelay() {
        return peerProcessingDelay;
    }

    public long connectSpeed() {
        return connectSpeed;
    }

    public long establishedNanos() {
        return establishedNanos;
    }

    /** ACCM for PPP frames the PAC sends, from the last Set-Link-Info (§2.15); all ones until then. */
    public int sendAccm() {
        return sendAccm;
    }

    /** ACCM for PPP frames the PAC receives, from the last Set-Link-Info (§2.15); all ones until then. */
    public int receiveAccm() {
        return receiveAccm;
    }

    /** Applies a Set-Link-Info. */
    public void setLinkInfo(int sendAccm, int receiveAccm) {
        this.sendAccm = sendAccm;
        this.receiveAccm = receiveAccm;
    }

    @Override
    public String toString() {
        return "Call[callId=" + callId + ", peerCallId=" + peerCallId + ", peer=" + peerAddress.getHostAddress() + "]";
    }
}
