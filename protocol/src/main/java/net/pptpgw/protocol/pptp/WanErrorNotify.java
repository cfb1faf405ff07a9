package net.pptpgw.protocol.pptp;

/**
 * WAN-Error-Notify (RFC 2637 §2.14): the PAC reports the error counters of a call's dial side
 * to the PNS, at most once a minute. The counters are cumulative since the call was set up.
 *
 * @param peerCallId the PNS's Call ID of the call
 * @param crcErrors PPP frames received with CRC errors
 * @param framingErrors improperly framed PPP packets received
 * @param hardwareOverruns receive buffer overruns
 * @param bufferOverruns buffer overruns
 * @param timeoutErrors time-outs
 * @param alignmentErrors alignment errors
 */
public record WanErrorNotify(
        int peerCallId,
        long crcErrors,
        long framingErrors,
        long hardwareOverruns,
        long bufferOverruns,
        long timeoutErrors,
        long alignmentErrors) implements ControlMessage {

    public WanErrorNotify {
        Fields.u16(peerCallId, "peer call ID");
        Fields.u32(crcErrors, "CRC errors");
        Fields.u32(framingErrors, "framing errors");
        Fields.u32(hardwareOverruns, "hardware overruns");
        Fields.u32(bufferOverruns, "buffer overruns");
        Fields.u32(timeoutErrors, "time-out errors");
        Fields.u32(alignmentErrors, "alignment errors");
    }

    @Override
    public ControlMessageType type() {
        return ControlMessageType.WAN_ERROR_NOTIFY;
    }
}
