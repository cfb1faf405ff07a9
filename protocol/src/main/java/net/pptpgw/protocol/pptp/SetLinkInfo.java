package net.pptpgw.protocol.pptp;

/**
 * Set-Link-Info (RFC 2637 §2.15): tells the other side the async-control-character maps
 * (ACCM) that PPP negotiated, for a PAC doing async HDLC framing on its dial side. The RFC has
 * the PNS send it to the PAC; Microsoft servers also send it to the client, so either
 * direction is accepted.
 *
 * @param peerCallId the receiver's Call ID of the call (the PAC's, when the PNS sends it)
 * @param sendAccm the ACCM for PPP frames the PAC sends (default 0xFFFFFFFF until this message)
 * @param receiveAccm the ACCM for PPP frames the PAC receives (default 0xFFFFFFFF until this message)
 */
public record SetLinkInfo(int peerCallId, int sendAccm, int receiveAccm) implements ControlMessage {

    /** The ACCM in force until a Set-Link-Info says otherwise: escape every control character. */
    public static final int DEFAULT_ACCM = 0xFFFF_FFFF;

    public SetLinkInfo {
        Fields.u16(peerCallId, "peer call ID");
    }

    @Override
    public ControlMessageType type() {
        return ControlMessageType.SET_LINK_INFO;
    }

    @Override
    public String toString() {
        return "SetLinkInfo[peerCallId=" + peerCallId + ", sendAccm=0x" + Integer.toHexString(sendAccm)
                + ", receiveAccm=0x" + Integer.toHexString(receiveAccm) + "]";
    }
}
