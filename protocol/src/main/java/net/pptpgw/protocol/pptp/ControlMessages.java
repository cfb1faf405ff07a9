package net.pptpgw.protocol.pptp;

import io.netty.buffer.ByteBuf;
import net.pptpgw.protocol.MalformedPacketException;

/**
 * Decodes and encodes one PPTP control message (RFC 2637 §1.4, §2). Plain static methods, for
 * callers without a pipeline (a NAT helper, a pcap inspector); {@link PptpControlDecoder} and
 * {@link PptpControlEncoder} call the same code.
 *
 * <p>Every message starts with the same 12 octets, big-endian like all PPTP fields:
 * <pre>
 *  octet 0-1   Length             all octets of the message, these two included
 *        2-3   PPTP Message Type  1 = control message
 *        4-7   Magic Cookie       0x1A2B3C4D
 *        8-9   Control Message Type
 *      10-11   Reserved0
 * </pre>
 * and every message type has one exact length ({@link ControlMessageType#length()}).
 *
 * <p>Reserved fields are written as 0 and not checked when read. RFC 2637 lets a receiver
 * answer a non-zero reserved field with Bad-Value, but such a field changes neither what the
 * message means nor where the next one starts, so rejecting it would only turn a peer's harmless
 * quirk into a torn-down connection (the robustness principle, RFC 1122 §1.2.2); and a NAT
 * helper relaying the message must not be stricter than the endpoints it connects.
 */
public final class ControlMessages {

    /** The octets every message starts with (RFC 2637 §1.4). */
    public static final int HEADER_LENGTH = 12;
    /** PPTP Message Type of a control message. Type 2 (management) is named but never defined. */
    public static final int CONTROL_MESSAGE = 1;
    /** Sent as a constant so the receiver can check it is in step with the TCP stream (RFC 2637 §1.4). */
    public static final int MAGIC_COOKIE = 0x1A2B3C4D;
    /** The TCP port a PAC listens on for control connections (RFC 2637; IANA's "pptp"). */
    public static final int PPTP_PORT = 1723;

    private static final String PROTOCOL = "pptp";

    private ControlMessages() {}

    /**
     * Decodes the one message that fills {@code frame}'s readable bytes and advances the reader
     * index past it. Never reads outside the readable bytes.
     *
     * @throws MalformedPacketException {@code bad-length} when the frame is not exactly as long
     *     as its message type (or its Length field is not), {@code not-control-message},
     *     {@code bad-magic-cookie}, {@code unknown-message-type}
     */
    public static ControlMessage decode(ByteBuf frame) {
        int available = frame.readableBytes();
        ControlMessageType type = checkHeader(frame, frame.readerIndex(), available);
        if (type == null) {
            throw new MalformedPacketException(PROTOCOL, "bad-length",
                    "frame of " + available + " octets is shorter than the " + HEADER_LENGTH + "-octet header");
        }
        if (available != type.length()) {
            throw new MalformedPacketException(PROTOCOL, "bad-length",
                    type + " is " + type.length() + " octets, the frame holds " + available);
        }
        frame.skipBytes(HEADER_LENGTH);
        return switch (type) {
            case START_CONTROL_CONNECTION_REQUEST -> decodeStartControlConnectionRequest(frame);
            case START_CONTROL_CONNECTION_REPLY -> decodeStartControlConnectionReply(frame);
            case STOP_CONTROL_CONNECTION_REQUEST -> decodeStopControlConnectionRequest(frame);
            case STOP_CONTROL_CONNECTION_REPLY -> decodeStopControlConnectionReply(frame);
            case ECHO_REQUEST -> new EchoRequest(frame.readUnsignedInt());
            case ECHO_REPLY -> decodeEchoReply(frame);
            case OUTGOING_CALL_REQUEST -> decodeOutgoingCallRequest(frame);
            case OUTGOING_CALL_REPLY -> decodeOutgoingCallReply(frame);
            case INCOMING_CALL_REQUEST -> decodeIncomingCallRequest(frame);
            case INCOMING_CALL_REPLY -> decodeIncomingCallReply(frame);
            case INCOMING_CALL_CONNECTED -> decodeIncomingCallConnected(frame);
            case CALL_CLEAR_REQUEST -> decodeCallClearRequest(frame);
            case CALL_DISCONNECT_NOTIFY -> decodeCallDisconnectNotify(frame);
            case WAN_ERROR_NOTIFY -> decodeWanErrorNotify(frame);
            case SET_LINK_INFO -> decodeSetLinkInfo(frame);
        };
    }

    /** Writes {@code message}, header included: exactly {@code message.type().length()} octets. */
    public static void encode(ControlMessage message, ByteBuf out) {
        ControlMessageType type = message.type();
        out.ensureWritable(type.length());
        out.writeShort(type.length());
        out.writeShort(CONTROL_MESSAGE);
        out.writeInt(MAGIC_COOKIE);
        out.writeShort(type.code());
        out.writeShort(0); // Reserved0
        switch (message) {
            case StartControlConnectionRequest m -> encode(m, out);
            case StartControlConnectionReply m -> encode(m, out);
            case StopControlConnectionRequest m -> encode(m, out);
            case StopControlConnectionReply m -> encode(m, out);
            case EchoRequest m -> out.writeInt((int) m.identifier());
            case EchoReply m -> encode(m, out);
            case OutgoingCallRequest m -> encode(m, out);
            case OutgoingCallReply m -> encode(m, out);
            case IncomingCallRequest m -> encode(m, out);
            case IncomingCallReply m -> encode(m, out);
            case IncomingCallConnected m -> encode(m, out);
            case CallClearRequest m -> encode(m, out);
            case CallDisconnectNotify m -> encode(m, out);
            case WanErrorNotify m -> encode(m, out);
            case SetLinkInfo m -> encode(m, out);
        }
    }

    /**
     * Checks as much of the header as {@code available} octets from {@code start} hold, in wire
     * order, so that a stream decoder can reject a bad message from its first octets instead of
     * buffering what its Length field announces.
     *
     * @return the message type once its 10 octets are there, {@code null} while fewer are
     * @throws MalformedPacketException on the first header field that is wrong
     */
    static ControlMessageType checkHeader(ByteBuf in, int start, int available) {
        if (available < 2) {
            return null;
        }
        int length = in.getUnsignedShort(start);
        if (length < HEADER_LENGTH || length > ControlMessageType.MAX_LENGTH) {
            throw new MalformedPacketException(PROTOCOL, "bad-length", "length " + length
                    + " is outside " + HEADER_LENGTH + ".." + ControlMessageType.MAX_LENGTH + ", the lengths of PPTP control messages");
        }
        if (available < 4) {
            return null;
        }
        int messageType = in.getUnsignedShort(start + 2);
        if (messageType != CONTROL_MESSAGE) {
            throw new MalformedPacketException(PROTOCOL, "not-control-message", "PPTP message type " + messageType
                    + (messageType == 2 ? " (management: RFC 2637 defines no management messages)" : "")
                    + ", expected 1 (control)");
        }
        if (available < 8) {
            return null;
        }
        int cookie = in.getInt(start + 4);
        if (cookie != MAGIC_COOKIE) {
            throw new MalformedPacketException(PROTOCOL, "bad-magic-cookie",
                    String.format("magic cookie 0x%08X, expected 0x%08X", cookie, MAGIC_COOKIE));
        }
        if (available < 10) {
            return null;
        }
        int code = in.getUnsignedShort(start + 8);
        ControlMessageType type = ControlMessageType.fromCode(code);
        if (type == null) {
            throw new MalformedPacketException(PROTOCOL, "unknown-message-type",
                    "control message type " + code + ", RFC 2637 defines 1..15");
        }
        if (length != type.length()) {
            throw new MalformedPacketException(PROTOCOL, "bad-length",
                    type + " is " + type.length() + " octets, its Length field says " + length);
        }
        return type;
    }

    // Bodies: one decode and one encode per message, each field in RFC order.

    private static StartControlConnectionRequest decodeStartControlConnectionRequest(ByteBuf in) {
        int protocolVersion = in.readUnsignedShort();
        in.skipBytes(2); // Reserved1
        FramingCapabilities framingCapabilities = new FramingCapabilities(in.readInt());
        BearerCapabilities bearerCapabilities = new BearerCapabilities(in.readInt());
        int maximumChannels = in.readUnsignedShort();
        int firmwareRevision = in.readUnsignedShort();
        String hostName = Fields.readFixedString(in, Fields.STRING_64);
        String vendorString = Fields.readFixedString(in, Fields.STRING_64);
        return new StartControlConnectionRequest(protocolVersion, framingCapabilities, bearerCapabilities,
                maximumChannels, firmwareRevision, hostName, vendorString);
    }

    private static void encode(StartControlConnectionRequest m, ByteBuf out) {
        out.writeShort(m.protocolVersion());
        out.writeShort(0); // Reserved1
        out.writeInt(m.framingCapabilities().bits());
        out.writeInt(m.bearerCapabilities().bits());
        out.writeShort(m.maximumChannels());
        out.writeShort(m.firmwareRevision());
        Fields.writeFixedString(out, m.hostName(), Fields.STRING_64);
        Fields.writeFixedString(out, m.vendorString(), Fields.STRING_64);
    }

    private static StartControlConnectionReply decodeStartControlConnectionReply(ByteBuf in) {
        int protocolVersion = in.readUnsignedShort();
        StartControlConnectionResult resultCode = new StartControlConnectionResult(in.readUnsignedByte());
        GeneralErrorCode errorCode = new GeneralErrorCode(in.readUnsignedByte());
        FramingCapabilities framingCapabilities = new FramingCapabilities(in.readInt());
        BearerCapabilities bearerCapabilities = new BearerCapabilities(in.readInt());
        int maximumChannels = in.readUnsignedShort();
        int firmwareRevision = in.readUnsignedShort();
        String hostName = Fields.readFixedString(in, Fields.STRING_64);
        String vendorString = Fields.readFixedString(in, Fields.STRING_64);
        return new StartControlConnectionReply(protocolVersion, resultCode, errorCode, framingCapabilities,
                bearerCapabilities, maximumChannels, firmwareRevision, hostName, vendorString);
    }

    private static void encode(StartControlConnectionReply m, ByteBuf out) {
        out.writeShort(m.protocolVersion());
        out.writeByte(m.resultCode().code());
        out.writeByte(m.errorCode().code());
        out.writeInt(m.framingCapabilities().bits());
        out.writeInt(m.bearerCapabilities().bits());
        out.writeShort(m.maximumChannels());
        out.writeShort(m.firmwareRevision());
        Fields.writeFixedString(out, m.hostName(), Fields.STRING_64);
        Fields.writeFixedString(out, m.vendorString(), Fields.STRING_64);
    }

    private static StopControlConnectionRequest decodeStopControlConnectionRequest(ByteBuf in) {
        StopControlConnectionReason reason = new StopControlConnectionReason(in.readUnsignedByte());
        in.skipBytes(1 + 2); // Reserved1, Reserved2
        return new StopControlConnectionRequest(reason);
    }

    private static void encode(StopControlConnectionRequest m, ByteBuf out) {
        out.writeByte(m.reason().code());
        out.writeByte(0); // Reserved1
        out.writeShort(0); // Reserved2
    }

    private static StopControlConnectionReply decodeStopControlConnectionReply(ByteBuf in) {
        StopControlConnectionResult resultCode = new StopControlConnectionResult(in.readUnsignedByte());
        GeneralErrorCode errorCode = new GeneralErrorCode(in.readUnsignedByte());
        in.skipBytes(2); // Reserved1
        return new StopControlConnectionReply(resultCode, errorCode);
    }

    private static void encode(StopControlConnectionReply m, ByteBuf out) {
        out.writeByte(m.resultCode().code());
        out.writeByte(m.errorCode().code());
        out.writeShort(0); // Reserved1
    }

    private static EchoReply decodeEchoReply(ByteBuf in) {
        long identifier = in.readUnsignedInt();
        EchoResult resultCode = new EchoResult(in.readUnsignedByte());
        GeneralErrorCode errorCode = new GeneralErrorCode(in.readUnsignedByte());
        in.skipBytes(2); // Reserved1
        return new EchoReply(identifier, resultCode, errorCode);
    }

    private static void encode(EchoReply m, ByteBuf out) {
        out.writeInt((int) m.identifier());
        out.writeByte(m.resultCode().code());
        out.writeByte(m.errorCode().code());
        out.writeShort(0); // Reserved1
    }

    private static OutgoingCallRequest decodeOutgoingCallRequest(ByteBuf in) {
        int callId = in.readUnsignedShort();
        int callSerialNumber = in.readUnsignedShort();
        long minimumBps = in.readUnsignedInt();
        long maximumBps = in.readUnsignedInt();
        BearerType bearerType = new BearerType(in.readUnsignedInt());
        FramingType framingType = new FramingType(in.readUnsignedInt());
        int packetReceiveWindowSize = in.readUnsignedShort();
        int packetProcessingDelay = in.readUnsignedShort();
        int phoneNumberLength = in.readUnsignedShort();
        in.skipBytes(2); // Reserved1
        String phoneNumber = Fields.readFixedString(in, Fields.STRING_64);
        String subaddress = Fields.readFixedString(in, Fields.STRING_64);
        return new OutgoingCallRequest(callId, callSerialNumber, minimumBps, maximumBps, bearerType, framingType,
                packetReceiveWindowSize, packetProcessingDelay, phoneNumberLength, phoneNumber, subaddress);
    }

    private static void encode(OutgoingCallRequest m, ByteBuf out) {
        out.writeShort(m.callId());
        out.writeShort(m.callSerialNumber());
        out.writeInt((int) m.minimumBps());
        out.writeInt((int) m.maximumBps());
        out.writeInt((int) m.bearerType().value());
        out.writeInt((int) m.framingType().value());
        out.writeShort(m.packetReceiveWindowSize());
        out.writeShort(m.packetProcessingDelay());
        out.writeShort(m.phoneNumberLength());
        out.writeShort(0); // Reserved1
        Fields.writeFixedString(out, m.phoneNumber(), Fields.STRING_64);
        Fields.writeFixedString(out, m.subaddress(), Fields.STRING_64);
    }

    private static OutgoingCallReply decodeOutgoingCallReply(ByteBuf in) {
        int callId = in.readUnsignedShort();
        int peerCallId = in.readUnsignedShort();
        OutgoingCallResult resultCode = new OutgoingCallResult(in.readUnsignedByte());
        GeneralErrorCode errorCode = new GeneralErrorCode(in.readUnsignedByte());
        int causeCode = in.readUnsignedShort();
        long connectSpeed = in.readUnsignedInt();
        int packetReceiveWindowSize = in.readUnsignedShort();
        int packetProcessingDelay = in.readUnsignedShort();
        long physicalChannelId = in.readUnsignedInt();
        return new OutgoingCallReply(callId, peerCallId, resultCode, errorCode, causeCode, connectSpeed,
                packetReceiveWindowSize, packetProcessingDelay, physicalChannelId);
    }

    private static void encode(OutgoingCallReply m, ByteBuf out) {
        out.writeShort(m.callId());
        out.writeShort(m.peerCallId());
        out.writeByte(m.resultCode().code());
        out.writeByte(m.errorCode().code());
        out.writeShort(m.causeCode());
        out.writeInt((int) m.connectSpeed());
        out.writeShort(m.packetReceiveWindowSize());
        out.writeShort(m.packetProcessingDelay());
        out.writeInt((int) m.physicalChannelId());
    }

    private static IncomingCallRequest decodeIncomingCallRequest(ByteBuf in) {
        int callId = in.readUnsignedShort();
        int callSerialNumber = in.readUnsignedShort();
        BearerType callBearerType = new BearerType(in.readUnsignedInt());
        long physicalChannelId = in.readUnsignedInt();
        int dialedNumberLength = in.readUnsignedShort();
        int dialingNumberLength = in.readUnsignedShort();
        String dialedNumber = Fields.readFixedString(in, Fields.STRING_64);
        String dialingNumber = Fields.readFixedString(in, Fields.STRING_64);
        String subaddress = Fields.readFixedString(in, Fields.STRING_64);
        return new IncomingCallRequest(callId, callSerialNumber, callBearerType, physicalChannelId,
                dialedNumberLength, dialingNumberLength, dialedNumber, dialingNumber, subaddress);
    }

    private static void encode(IncomingCallRequest m, ByteBuf out) {
        out.writeShort(m.callId());
        out.writeShort(m.callSerialNumber());
        out.writeInt((int) m.callBearerType().value());
        out.writeInt((int) m.physicalChannelId());
        out.writeShort(m.dialedNumberLength());
        out.writeShort(m.dialingNumberLength());
        Fields.writeFixedString(out, m.dialedNumber(), Fields.STRING_64);
        Fields.writeFixedString(out, m.dialingNumber(), Fields.STRING_64);
        Fields.writeFixedString(out, m.subaddress(), Fields.STRING_64);
    }

    private static IncomingCallReply decodeIncomingCallReply(ByteBuf in) {
        int callId = in.readUnsignedShort();
        int peerCallId = in.readUnsignedShort();
        IncomingCallResult resultCode = new IncomingCallResult(in.readUnsignedByte());
        GeneralErrorCode errorCode = new GeneralErrorCode(in.readUnsignedByte());
        int packetReceiveWindowSize = in.readUnsignedShort();
        int packetTransmitDelay = in.readUnsignedShort();
        in.skipBytes(2); // Reserved1
        return new IncomingCallReply(callId, peerCallId, resultCode, errorCode, packetReceiveWindowSize,
                packetTransmitDelay);
    }

    private static void encode(IncomingCallReply m, ByteBuf out) {
        out.writeShort(m.callId());
        out.writeShort(m.peerCallId());
        out.writeByte(m.resultCode().code());
        out.writeByte(m.errorCode().code());
        out.writeShort(m.packetReceiveWindowSize());
        out.writeShort(m.packetTransmitDelay());
        out.writeShort(0); // Reserved1
    }

    private static IncomingCallConnected decodeIncomingCallConnected(ByteBuf in) {
        int peerCallId = in.readUnsignedShort();
        in.skipBytes(2); // Reserved1
        long connectSpeed = in.readUnsignedInt();
        int packetReceiveWindowSize = in.readUnsignedShort();
        int packetTransmitDelay = in.readUnsignedShort();
        FramingType framingType = new FramingType(in.readUnsignedInt());
        return new IncomingCallConnected(peerCallId, connectSpeed, packetReceiveWindowSize, packetTransmitDelay,
                framingType);
    }

    private static void encode(IncomingCallConnected m, ByteBuf out) {
        out.writeShort(m.peerCallId());
        out.writeShort(0); // Reserved1
        out.writeInt((int) m.connectSpeed());
        out.writeShort(m.packetReceiveWindowSize());
        out.writeShort(m.packetTransmitDelay());
        out.writeInt((int) m.framingType().value());
    }

    private static CallClearRequest decodeCallClearRequest(ByteBuf in) {
        int callId = in.readUnsignedShort();
        in.skipBytes(2); // Reserved1
        return new CallClearRequest(callId);
    }

    private static void encode(CallClearRequest m, ByteBuf out) {
        out.writeShort(m.callId());
        out.writeShort(0); // Reserved1
    }

    private static CallDisconnectNotify decodeCallDisconnectNotify(ByteBuf in) {
        int callId = in.readUnsignedShort();
        CallDisconnectResult resultCode = new CallDisconnectResult(in.readUnsignedByte());
        GeneralErrorCode errorCode = new GeneralErrorCode(in.readUnsignedByte());
        int causeCode = in.readUnsignedShort();
        in.skipBytes(2); // Reserved1
        String callStatistics = Fields.readFixedString(in, Fields.STRING_128);
        return new CallDisconnectNotify(callId, resultCode, errorCode, causeCode, callStatistics);
    }

    private static void encode(CallDisconnectNotify m, ByteBuf out) {
        out.writeShort(m.callId());
        out.writeByte(m.resultCode().code());
        out.writeByte(m.errorCode().code());
        out.writeShort(m.causeCode());
        out.writeShort(0); // Reserved1
        Fields.writeFixedString(out, m.callStatistics(), Fields.STRING_128);
    }

    private static WanErrorNotify decodeWanErrorNotify(ByteBuf in) {
        int peerCallId = in.readUnsignedShort();
        in.skipBytes(2); // Reserved1
        return new WanErrorNotify(peerCallId, in.readUnsignedInt(), in.readUnsignedInt(), in.readUnsignedInt(),
                in.readUnsignedInt(), in.readUnsignedInt(), in.readUnsignedInt());
    }

    private static void encode(WanErrorNotify m, ByteBuf out) {
        out.writeShort(m.peerCallId());
        out.writeShort(0); // Reserved1
        out.writeInt((int) m.crcErrors());
        out.writeInt((int) m.framingErrors());
        out.writeInt((int) m.hardwareOverruns());
        out.writeInt((int) m.bufferOverruns());
        out.writeInt((int) m.timeoutErrors());
        out.writeInt((int) m.alignmentErrors());
    }

    private static SetLinkInfo decodeSetLinkInfo(ByteBuf in) {
        int peerCallId = in.readUnsignedShort();
        in.skipBytes(2); // Reserved1
        int sendAccm = in.readInt();
        int receiveAccm = in.readInt();
        return new SetLinkInfo(peerCallId, sendAccm, receiveAccm);
    }

    private static void encode(SetLinkInfo m, ByteBuf out) {
        out.writeShort(m.peerCallId());
        out.writeShort(0); // Reserved1
        out.writeInt(m.sendAccm());
        out.writeInt(m.receiveAccm());
    }
}
