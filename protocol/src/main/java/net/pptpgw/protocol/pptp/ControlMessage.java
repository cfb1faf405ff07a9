package net.pptpgw.protocol.pptp;

/**
 * One PPTP control message (RFC 2637 §2). The 12-octet header (Length, PPTP Message Type,
 * Magic Cookie, Control Message Type, Reserved0) is implied by the record type and written by
 * {@link ControlMessages#encode}; the records hold the fields that follow it, with the RFC's
 * names. Reserved fields are not kept: they are written as 0 and ignored when read.
 */
public sealed interface ControlMessage
        permits StartControlConnectionRequest, StartControlConnectionReply,
                StopControlConnectionRequest, StopControlConnectionReply,
                EchoRequest, EchoReply,
                OutgoingCallRequest, OutgoingCallReply,
                IncomingCallRequest, IncomingCallReply, IncomingCallConnected,
                CallClearRequest, CallDisconnectNotify,
                WanErrorNotify, SetLinkInfo {

    ControlMessageType type();
}
