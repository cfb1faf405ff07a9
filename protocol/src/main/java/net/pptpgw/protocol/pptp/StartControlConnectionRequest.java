package net.pptpgw.protocol.pptp;

import java.util.Objects;

/**
 * Start-Control-Connection-Request (RFC 2637 §2.1): opens the control connection and names the
 * protocol version the sender wishes to use. Either side may send it.
 *
 * @param protocolVersion version in the high octet, revision in the low one: {@link #PROTOCOL_VERSION_1_0}
 * @param framingCapabilities PPP framings the sender's dial side supports
 * @param bearerCapabilities access kinds the sender's dial side supports
 * @param maximumChannels PPP sessions a PAC can support; a PNS SHOULD send 0 and a PAC MUST ignore it
 * @param firmwareRevision the PAC's firmware revision, or the version of the PNS's PPTP driver
 * @param hostName the sender's DNS name (64-octet field)
 * @param vendorString a vendor-specific description of the sender (64-octet field)
 */
public record StartControlConnectionRequest(
        int protocolVersion,
        FramingCapabilities framingCapabilities,
        BearerCapabilities bearerCapabilities,
        int maximumChannels,
        int firmwareRevision,
        String hostName,
        String vendorString) implements ControlMessage {

    /** Version 1, revision 0: the only version RFC 2637 defines. */
    public static final int PROTOCOL_VERSION_1_0 = 0x0100;

    public StartControlConnectionRequest {
        Fields.u16(protocolVersion, "protocol version");
        Objects.requireNonNull(framingCapabilities, "framing capabilities");
        Objects.requireNonNull(bearerCapabilities, "bearer capabilities");
        Fields.u16(maximumChannels, "maximum channels");
        Fields.u16(firmwareRevision, "firmware revision");
        Fields.fixedString(hostName, Fields.STRING_64, "host name");
        Fields.fixedString(vendorString, Fields.STRING_64, "vendor string");
    }

    @Override
    public ControlMessageType type() {
        return ControlMessageType.START_CONTROL_CONNECTION_REQUEST;
    }
}
