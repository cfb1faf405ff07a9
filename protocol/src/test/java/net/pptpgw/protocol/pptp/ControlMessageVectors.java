package net.pptpgw.protocol.pptp;

import java.util.HexFormat;
import java.util.List;

/**
 * One hand-written vector per control message type, laid out field by field from RFC 2637
 * §2.1-§2.15 (big-endian, strings NUL-padded to their field size), with the record it decodes
 * to. The values tell one consistent story: PNS call ID 0x8001 (above 32767, so a signed read
 * would show), PAC call ID 128, and every field of a message different from its neighbours so
 * that swapped fields show.
 */
final class ControlMessageVectors {

    record Vector(String name, ControlMessage message, byte[] bytes) {
        @Override
        public String toString() {
            return name;
        }
    }

    private ControlMessageVectors() {}

    static final Vector START_CONTROL_CONNECTION_REQUEST = vector(
            new StartControlConnectionRequest(0x0100, FramingCapabilities.ASYNCHRONOUS, BearerCapabilities.ANALOG,
                    0, 1, "pns.example", "linux"),
            "009c 0001 1a2b3c4d 0001 0000", // length 156, control message, magic cookie, SCCRQ, reserved0
            "0100 0000", //                    protocol version 1.0, reserved1
            "00000001 00000001", //            framing capabilities: async; bearer capabilities: analog
            "0000 0001", //                    maximum channels 0 (a PNS sends 0), firmware revision 1
            "706e732e6578616d706c65" + zeros(64 - 11), // host name "pns.example"
            "6c696e7578" + zeros(64 - 5)); //  vendor string "linux"

    static final Vector START_CONTROL_CONNECTION_REPLY = vector(
            new StartControlConnectionReply(0x0100, StartControlConnectionResult.SUCCESSFUL, GeneralErrorCode.NONE,
                    FramingCapabilities.BOTH, BearerCapabilities.DIGITAL, 64, 0x1234, "pac", "pptp-gateway"),
            "009c 0001 1a2b3c4d 0002 0000", // length 156, SCCRP
            "0100 01 00", //                   protocol version 1.0, result 1 (successful), error 0
            "00000003 00000002", //            framing capabilities: async+sync; bearer capabilities: digital
            "0040 1234", //                    maximum channels 64, firmware revision 0x1234
            "706163" + zeros(64 - 3), //       host name "pac"
            "707074702d67617465776179" + zeros(64 - 12)); // vendor string "pptp-gateway"

    static final Vector STOP_CONTROL_CONNECTION_REQUEST = vector(
            new StopControlConnectionRequest(StopControlConnectionReason.STOP_LOCAL_SHUTDOWN),
            "0010 0001 1a2b3c4d 0003 0000", // length 16, StopCCRQ
            "03 00 0000"); //                  reason 3 (Stop-Local-Shutdown), reserved1, reserved2

    static final Vector STOP_CONTROL_CONNECTION_REPLY = vector(
            new StopControlConnectionReply(StopControlConnectionResult.GENERAL_ERROR, GeneralErrorCode.NO_RESOURCE),
            "0010 0001 1a2b3c4d 0004 0000", // length 16, StopCCRP
            "02 04 0000"); //                  result 2 (general error), error 4 (No-Resource), reserved1

    static final Vector ECHO_REQUEST = vector(
            new EchoRequest(0xDEADBEEFL),
            "0010 0001 1a2b3c4d 0005 0000", // length 16, Echo-Request
            "deadbeef"); //                    identifier

    static final Vector ECHO_REPLY = vector(
            new EchoReply(0xDEADBEEFL, EchoResult.OK, GeneralErrorCode.NONE),
            "0014 0001 1a2b3c4d 0006 0000", // length 20, Echo-Reply
            "deadbeef 01 00 0000"); //         identifier, result 1 (OK), error 0, reserved1

    static final Vector OUTGOING_CALL_REQUEST = vector(
            new OutgoingCallRequest(0x8001, 7, 300, 100_000_000, BearerType.ANY, FramingType.ANY, 64, 2, 7,
                    "5551234", ""),
            "00a8 0001 1a2b3c4d 0007 0000", // length 168, OCRQ
            "8001 0007", //                    call ID 0x8001, call serial number 7
            "0000012c 05f5e100", //            minimum BPS 300, maximum BPS 100000000
            "00000003 00000003", //            bearer type 3 (any), framing type 3 (any)
            "0040 0002", //                    packet receive window size 64, packet processing delay 2
            "0007 0000", //                    phone number length 7, reserved1
            "35353531323334" + zeros(64 - 7), // phone number "5551234"
            zeros(64)); //                     subaddress ""

    static final Vector OUTGOING_CALL_REPLY = vector(
            new OutgoingCallReply(128, 0x8001, OutgoingCallResult.CONNECTED, GeneralErrorCode.NONE, 0,
                    100_000_000, 16, 5, 257),
            "0020 0001 1a2b3c4d 0008 0000", // length 32, OCRP
            "0080 8001", //                    call ID 128, peer's call ID 0x8001
            "01 00 0000", //                   result 1 (connected), error 0, cause code 0
            "05f5e100", //                     connect speed 100000000
            "0010 0005", //                    packet receive window size 16, packet processing delay 5
            "00000101"); //                    physical channel ID 257

    static final Vector INCOMING_CALL_REQUEST = vector(
            new IncomingCallRequest(258, 3, BearerType.DIGITAL, 9, 8, 10, "12345678", "0123456789", "7"),
            "00dc 0001 1a2b3c4d 0009 0000", // length 220, ICRQ
            "0102 0003", //                    call ID 258, call serial number 3
            "00000002 00000009", //            call bearer type 2 (digital), physical channel ID 9
            "0008 000a", //                    dialed number length 8, dialing number length 10
            "3132333435363738" + zeros(64 - 8), // dialed number "12345678"
            "30313233343536373839" + zeros(64 - 10), // dialing number "0123456789"
            "37" + zeros(64 - 1)); //          subaddress "7"

    static final Vector INCOMING_CALL_REPLY = vector(
            new IncomingCallReply(0x4000, 258, IncomingCallResult.CONNECT, GeneralErrorCode.NONE, 16384, 1),
            "0018 0001 1a2b3c4d 000a 0000", // length 24, ICRP
            "4000 0102", //                    call ID 0x4000, peer's call ID 258
            "01 00", //                        result 1 (connect), error 0
            "4000 0001", //                    packet receive window size 16384, packet transmit delay 1
            "0000"); //                        reserved1

    static final Vector INCOMING_CALL_CONNECTED = vector(
            new IncomingCallConnected(0x4000, 64_000, 32, 3, FramingType.SYNCHRONOUS),
            "001c 0001 1a2b3c4d 000b 0000", // length 28, ICCN
            "4000 0000", //                    peer's call ID 0x4000, reserved1
            "0000fa00", //                     connect speed 64000
            "0020 0003", //                    packet receive window size 32, packet transmit delay 3
            "00000002"); //                    framing type 2 (synchronous)

    static final Vector CALL_CLEAR_REQUEST = vector(
            new CallClearRequest(0x8001),
            "0010 0001 1a2b3c4d 000c 0000", // length 16, CCRQ
            "8001 0000"); //                   call ID 0x8001, reserved1

    static final Vector CALL_DISCONNECT_NOTIFY = vector(
            new CallDisconnectNotify(128, CallDisconnectResult.REQUEST, GeneralErrorCode.NONE, 16, "stats"),
            "0094 0001 1a2b3c4d 000d 0000", // length 148, CDN
            "0080 04 00", //                   call ID 128, result 4 (request), error 0
            "0010 0000", //                    cause code 16, reserved1
            "7374617473" + zeros(128 - 5)); // call statistics "stats"

    static final Vector WAN_ERROR_NOTIFY = vector(
            new WanErrorNotify(0x8001, 1, 2, 3, 4, 5, 0xFFFF_FFFFL),
            "0028 0001 1a2b3c4d 000e 0000", // length 40, WEN
            "8001 0000", //                    peer's call ID 0x8001, reserved1
            "00000001 00000002 00000003", //   CRC errors 1, framing errors 2, hardware overruns 3
            "00000004 00000005 ffffffff"); //  buffer overruns 4, time-out errors 5, alignment errors 2^32-1

    static final Vector SET_LINK_INFO = vector(
            new SetLinkInfo(128, 0xFFFF_FFFF, 0x000A_0000),
            "0018 0001 1a2b3c4d 000f 0000", // length 24, SLI
            "0080 0000", //                    peer's call ID 128, reserved1
            "ffffffff 000a0000"); //           send ACCM, receive ACCM (XON and XOFF escaped)

    /** All vectors, in Control Message Type order. */
    static List<Vector> all() {
        return List.of(START_CONTROL_CONNECTION_REQUEST, START_CONTROL_CONNECTION_REPLY,
                STOP_CONTROL_CONNECTION_REQUEST, STOP_CONTROL_CONNECTION_REPLY, ECHO_REQUEST, ECHO_REPLY,
                OUTGOING_CALL_REQUEST, OUTGOING_CALL_REPLY, INCOMING_CALL_REQUEST, INCOMING_CALL_REPLY,
                INCOMING_CALL_CONNECTED, CALL_CLEAR_REQUEST, CALL_DISCONNECT_NOTIFY, WAN_ERROR_NOTIFY, SET_LINK_INFO);
    }

    /** The bytes of every vector, one after the other: a control connection's worth of stream. */
    static byte[] concatenated() {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        all().forEach(v -> out.writeBytes(v.bytes()));
        return out.toByteArray();
    }

    static byte[] hex(String... parts) {
        return HexFormat.of().parseHex(String.join("", parts).replace(" ", ""));
    }

    private static Vector vector(ControlMessage message, String... hexParts) {
        return new Vector(message.type().rfcName(), message, hex(hexParts));
    }

    private static String zeros(int octets) {
        return "00".repeat(octets);
    }
}
