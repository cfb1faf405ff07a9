package net.pptpgw.protocol.pptp;

import java.util.Objects;

/**
 * Start-Control-Connection-Reply (RFC 2637 §2.2): the answer to a
 * Start-Control-Connection-Request, with the responder's own capabilities.
 *
 * @param protocolVersion the version the responder wishes to use, {@link StartControlConnectionRequest#PROTOCOL_VERSION_1_0}
 * @param resultCode whether the control connection is established
 * @param errorCode the general error, when the result code is General Error
 * @param framingCapabilities PPP framings the responder's dial side supports
 * @param bearerCapabilities access kinds the responder's dial side supports
 * @param maximumChannels PPP sessions a PAC can support; a PNS SHOULD send 0 and a PAC MUST ignore it
 * @param firmwareRevision the PAC's firmware revision, or the version of the PNS's PPTP driver
 * @param hostName the responder's DNS name (64-octet field)
 * @param vendorString a vendor-specific description of the responder (64-octet field)
 */
public record StartControlConnectionReply(
        int protocolVersion,
        StartControlConnectionResult resultCode,
        GeneralErrorCode errorCode,
        FramingCapabilities framingCapabilities,
        BearerCapabilities bearerCapabilities,
        int maximumChannels,
        int firmwareRevision,
        String hostName,
        String vendorString) implements ControlMessage {

    public StartControlConnectionReply {
        Fields.u16(protocolVersion, "protocol version");
        Objects.requireNonNull(resultCode, "result code");
        Objects.requireNonNull(errorCode, "error code");
        Objects.requireNonNull(framingCapabilities, "framing capabilities");
        Objects.requireNonNull(bearerCapabilities, "bearer capabilities");
        Fields.u16(maximumChannels, "maximum channels");
        Fields.u16(firmwareRevision, "firmware revision");
        Fields.fixedString(hostName, Fields.STRING_64, "host name");
        Fields.fixedString(vendorString, Fields.STRING_64, "vendor string");
    }

    @Override
    public ControlMessageType type() {
        return ControlMessageType.START_CONTROL_CONNECTION_REPLY;
    }
}
