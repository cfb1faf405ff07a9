package net.pptpgw.gateway.inspect;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import net.pptpgw.protocol.ppp.PppProtocol;
import net.pptpgw.protocol.ppp.auth.ChapPacket;
import net.pptpgw.protocol.ppp.auth.PapPacket;
import net.pptpgw.protocol.ppp.ccp.CcpOption;
import net.pptpgw.protocol.ppp.ccp.MppeSupportedBits;
import net.pptpgw.protocol.ppp.cp.ConfigurationOption;
import net.pptpgw.protocol.ppp.cp.ControlCode;
import net.pptpgw.protocol.ppp.cp.ControlPacket;
import net.pptpgw.protocol.ppp.ipcp.IpcpOption;
import net.pptpgw.protocol.ppp.lcp.LcpOption;
import net.pptpgw.protocol.ppp.lcp.LcpOption.AuthenticationProtocol;
import net.pptpgw.protocol.ppp.mppe.MppeHeader;
import net.pptpgw.protocol.pptp.CallClearRequest;
import net.pptpgw.protocol.pptp.CallDisconnectNotify;
import net.pptpgw.protocol.pptp.ControlMessage;
import net.pptpgw.protocol.pptp.EchoReply;
import net.pptpgw.protocol.pptp.EchoRequest;
import net.pptpgw.protocol.pptp.GeneralErrorCode;
import net.pptpgw.protocol.pptp.IncomingCallConnected;
import net.pptpgw.protocol.pptp.IncomingCallReply;
import net.pptpgw.protocol.pptp.IncomingCallRequest;
import net.pptpgw.protocol.pptp.OutgoingCallReply;
import net.pptpgw.protocol.pptp.OutgoingCallRequest;
import net.pptpgw.protocol.pptp.SetLinkInfo;
import net.pptpgw.protocol.pptp.StartControlConnectionReply;
import net.pptpgw.protocol.pptp.StartControlConnectionRequest;
import net.pptpgw.protocol.pptp.StopControlConnectionReply;
import net.pptpgw.protocol.pptp.StopControlConnectionRequest;
import net.pptpgw.protocol.pptp.WanErrorNotify;

/**
 * One-line texts for decoded values: option lists with names and values, packets, PPTP message
 * fields. Formatting only: every value comes from a codec's record.
 */
final class Describe {

    private Describe() {}

    // PPTP control messages (RFC 2637 §2)

    /** The Call ID field, for the message types that have one. */
    static Integer callId(ControlMessage message) {
        return switch (message) {
            case OutgoingCallRequest m -> m.callId();
            case OutgoingCallReply m -> m.callId();
            case IncomingCallRequest m -> m.callId();
            case IncomingCallReply m -> m.callId();
            case CallClearRequest m -> m.callId();
            case CallDisconnectNotify m -> m.callId();
            default -> null;
        };
    }

    /** The Peer's Call ID field, for the message types that have one. */
    static Integer peerCallId(ControlMessage message) {
        return switch (message) {
            case OutgoingCallReply m -> m.peerCallId();
            case IncomingCallReply m -> m.peerCallId();
            case IncomingCallConnected m -> m.peerCallId();
            case WanErrorNotify m -> m.peerCallId();
            case SetLinkInfo m -> m.peerCallId();
            default -> null;
        };
    }

    /** The Result Code by name, e.g. {@code "Connected(1)"}. */
    static String result(ControlMessage message) {
        return switch (message) {
            case StartControlConnectionReply m -> m.resultCode().toString();
            case StopControlConnectionReply m -> m.resultCode().toString();
            case EchoReply m -> m.resultCode().toString();
            case OutgoingCallReply m -> m.resultCode().toString();
            case IncomingCallReply m -> m.resultCode().toString();
            case CallDisconnectNotify m -> m.resultCode().toString();
            default -> null;
        };
    }

    /** The General Error Code by name when it is not None (RFC 2637 §2.16). */
    static String error(ControlMessage message) {
        GeneralErrorCode error = switch (message) {
            case StartControlConnectionReply m -> m.errorCode();
            case StopControlConnectionReply m -> m.errorCode();
            case EchoReply m -> m.errorCode();
            case OutgoingCallReply m -> m.errorCode();
            case IncomingCallReply m -> m.errorCode();
            case CallDisconnectNotify m -> m.errorCode();
            default -> GeneralErrorCode.NONE;
        };
        return error.equals(GeneralErrorCode.NONE) ? null : error.toString();
    }

    /** The other fields an operator reads. */
    static String detail(ControlMessage message) {
        return switch (message) {
            case StartControlConnectionRequest m -> String.format("version %d.%d, host %s, vendor %s, firmware 0x%04x",
                    m.protocolVersion() >> 8, m.protocolVersion() & 0xff, quoted(m.hostName()), quoted(m.vendorString()),
                    m.firmwareRevision());
            case StartControlConnectionReply m -> String.format("version %d.%d, host %s, vendor %s, firmware 0x%04x",
                    m.protocolVersion() >> 8, m.protocolVersion() & 0xff, quoted(m.hostName()), quoted(m.vendorString()),
                    m.firmwareRevision());
            case StopControlConnectionRequest m -> "reason " + m.reason();
            case StopControlConnectionReply m -> null;
            case EchoRequest m -> String.format("identifier 0x%08x", m.identifier());
            case EchoReply m -> String.format("identifier 0x%08x", m.identifier());
            case OutgoingCallRequest m -> String.format("serial %d, %d..%d bit/s, window %d, phone %s",
                    m.callSerialNumber(), m.minimumBps(), m.maximumBps(), m.packetReceiveWindowSize(), quoted(m.phoneNumber()));
            case OutgoingCallReply m -> String.format("%d bit/s, window %d, cause %d", m.connectSpeed(),
                    m.packetReceiveWindowSize(), m.causeCode());
            case IncomingCallRequest m -> String.format("serial %d, dialed %s, dialing %s", m.callSerialNumber(),
                    quoted(m.dialedNumber()), quoted(m.dialingNumber()));
            case IncomingCallReply m -> String.format("window %d", m.packetReceiveWindowSize());
            case IncomingCallConnected m -> String.format("%d bit/s, window %d, framing %s", m.connectSpeed(),
                    m.packetReceiveWindowSize(), m.framingType());
            case CallClearRequest m -> null;
            case CallDisconnectNotify m -> String.format("cause %d, statistics %s", m.causeCode(), quoted(m.callStatistics()));
            case WanErrorNotify m -> String.format("CRC %d, framing %d, hardware overruns %d, buffer overruns %d, "
                    + "time-outs %d, alignment %d", m.crcErrors(), m.framingErrors(), m.hardwareOverruns(),
                    m.bufferOverruns(), m.timeoutErrors(), m.alignmentErrors());
            case SetLinkInfo m -> String.format("send ACCM 0x%08x, receive ACCM 0x%08x", m.sendAccm(), m.receiveAccm());
        };
    }

    private static String quoted(String text) {
        return printable(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    // PPP

    /** E.g. {@code "Configure-Request id 1: Maximum-Receive-Unit=1400, Magic-Number=0x53525652"}. */
    static String packet(ControlPacket packet) {
        String head = ControlCode.name(packet.code()) + " id " + packet.identifier();
        return switch (packet) {
            case ControlPacket.ConfigurePacket p -> p.options().isEmpty() ? head + ": no options" : head + ": " + options(p.options());
            case ControlPacket.TerminateRequest p -> head + data(p.data().length());
            case ControlPacket.TerminateAck p -> head + data(p.data().length());
            case ControlPacket.CodeReject p -> head + ": rejected code "
                    + (p.rejectedPacket().isEmpty() ? "?" : ControlCode.name(p.rejectedPacket().get(0)));
            case ControlPacket.ProtocolReject p -> head + ": rejected protocol " + PppProtocol.of(p.rejectedProtocol());
            case ControlPacket.MagicNumberPacket p -> head + String.format(", magic 0x%08x", p.magicNumber()) + data(p.data().length());
            case ControlPacket.Identification p -> head + ": " + printable(p.message().toByteArray());
            case ControlPacket.TimeRemaining p -> head + ": " + p.secondsRemaining() + " s";
            case ControlPacket.ResetRequest p -> head + data(p.data().length());
            case ControlPacket.ResetAck p -> head + data(p.data().length());
            case ControlPacket.UnknownCode p -> head + " (code unknown to this protocol)" + data(p.data().length());
        };
    }

    private static String data(int octets) {
        return octets == 0 ? "" : ", " + octets + " octets of data";
    }

    static String options(List<? extends ConfigurationOption> options) {
        return options.stream().map(Describe::option).collect(Collectors.joining(", "));
    }

    /** {@code Name=value}, or the name alone for options without a value. */
    static String option(ConfigurationOption option) {
        String value = switch (option) {
            case LcpOption.MaximumReceiveUnit o -> Integer.toString(o.maximumReceiveUnit());
            case LcpOption.AsyncControlCharacterMap o -> String.format("0x%08x", o.map());
            case LcpOption.AuthenticationProtocol o -> authenticationProtocol(o);
            case LcpOption.QualityProtocol o -> PppProtocol.of(o.protocol()).toString();
            case LcpOption.MagicNumber o -> String.format("0x%08x", o.magicNumber());
            case LcpOption.ProtocolFieldCompression o -> null;
            case LcpOption.AddressControlFieldCompression o -> null;
            case LcpOption.Callback o -> "operation " + o.operation();
            case LcpOption.MultilinkMrru o -> Integer.toString(o.maximumReconstructedUnit());
            case LcpOption.EndpointDiscriminator o -> "class " + o.endpointClass() + " " + o.address().toHex();
            case LcpOption.Raw o -> raw(o.data().toHex());
            case IpcpOption.IpAddresses o -> o.source().getHostAddress() + "/" + o.destination().getHostAddress();
            case IpcpOption.VanJacobsonCompression o -> "Van-Jacobson, max slot " + o.maxSlotId()
                    + (o.compressSlotId() ? ", slot ID compressed" : "");
            case IpcpOption.IpCompressionProtocol o -> PppProtocol.of(o.protocol()).toString();
            case IpcpOption.IpAddress o -> o.address().getHostAddress();
            case IpcpOption.PrimaryDnsServer o -> o.address().getHostAddress();
            case IpcpOption.PrimaryNbnsServer o -> o.address().getHostAddress();
            case IpcpOption.SecondaryDnsServer o -> o.address().getHostAddress();
            case IpcpOption.SecondaryNbnsServer o -> o.address().getHostAddress();
            case IpcpOption.Raw o -> raw(o.data().toHex());
            case CcpOption.Mppe o -> mppeBits(o.supportedBits());
            case CcpOption.Raw o -> raw(o.data().toHex());
            default -> "?";
        };
        return value == null ? option.typeName() : option.typeName() + "=" + value;
    }

    private static String raw(String hex) {
        return hex.isEmpty() ? "(empty)" : "0x" + hex;
    }

    /** E.g. {@code "MS-CHAPv2"}, {@code "CHAP-MD5"}, {@code "PAP"}. */
    static String authenticationProtocol(AuthenticationProtocol option) {
        return switch (option.protocol()) {
            case AuthenticationProtocol.PAP -> "PAP";
            case AuthenticationProtocol.EAP -> "EAP";
            case AuthenticationProtocol.CHAP -> option.chapAlgorithm()
                    .map(a -> a.value() == 5 ? "CHAP-MD5" : a.name())
                    .orElse("CHAP with algorithm data 0x" + option.data().toHex());
            default -> PppProtocol.of(option.protocol()).toString();
        };
    }

    /** E.g. {@code "0x01000040 (128-bit, stateless)"}: the RFC 3078 §2 bits by meaning. */
    static String mppeBits(MppeSupportedBits bits) {
        return String.format("0x%08x (%s)", bits.bits(), mppeMeaning(bits));
    }

    /** E.g. {@code "128-bit, stateless"}, {@code "40/128-bit, stateful, MPPC"}. */
    static String mppeMeaning(MppeSupportedBits bits) {
        List<String> parts = new ArrayList<>();
        List<String> strengths = new ArrayList<>();
        if (bits.key40Bit()) {
            strengths.add("40");
        }
        if (bits.key56Bit()) {
            strengths.add("56");
        }
        if (bits.key128Bit()) {
            strengths.add("128");
        }
        parts.add(strengths.isEmpty() ? "no encryption" : String.join("/", strengths) + "-bit");
        parts.add(bits.stateless() ? "stateless" : "stateful");
        if (bits.mppcCompression()) {
            parts.add("MPPC");
        }
        if (bits.unknownBits() != 0) {
            parts.add(String.format("unknown bits 0x%08x", bits.unknownBits()));
        }
        return String.join(", ", parts);
    }

    /** A PAP packet, without the password. */
    static String pap(PapPacket packet) {
        return switch (packet) {
            case PapPacket.AuthenticateRequest p -> "Authenticate-Request id " + p.identifier() + ": peer ID " + p.peerId();
            case PapPacket.AuthenticateAck p -> "Authenticate-Ack id " + p.identifier() + message(p.message().toString(), p.message().isEmpty());
            case PapPacket.AuthenticateNak p -> "Authenticate-Nak id " + p.identifier() + message(p.message().toString(), p.message().isEmpty());
            case PapPacket.Unknown p -> "code " + p.code() + " id " + p.identifier();
        };
    }

    static String chap(ChapPacket packet) {
        return switch (packet) {
            case ChapPacket.Challenge p -> "Challenge id " + p.identifier() + ": " + p.value().length() + "-octet value, name " + p.name();
            case ChapPacket.Response p -> "Response id " + p.identifier() + ": " + p.value().length() + "-octet value, name " + p.name();
            case ChapPacket.Success p -> "Success id " + p.identifier() + message(p.message().toString(), p.message().isEmpty());
            case ChapPacket.Failure p -> "Failure id " + p.identifier() + message(p.message().toString(), p.message().isEmpty());
            case ChapPacket.Unknown p -> "code " + p.code() + " id " + p.identifier() + ", " + p.data().length() + " octets";
        };
    }

    private static String message(String text, boolean empty) {
        return empty ? "" : ": " + text;
    }

    /** One line for a PPP frame, for {@code --verbose}. */
    static String unit(PppUnit unit) {
        return switch (unit) {
            case PppUnit.Control c -> c.kind().name() + " " + packet(c.packet());
            case PppUnit.Pap p -> "PAP " + pap(p.packet());
            case PppUnit.Chap c -> "CHAP " + chap(c.packet());
            case PppUnit.Mppe m -> MppeHeader.toString(m.header()) + " " + m.octets() + " octets";
            case PppUnit.Other o -> o.protocol() + " " + o.octets() + " octets";
        };
    }

    /** Printable ASCII as is, anything else as {@code \xNN}. */
    static String printable(byte[] octets) {
        StringBuilder text = new StringBuilder(octets.length + 2).append('"');
        for (byte b : octets) {
            if (b >= 0x20 && b < 0x7f && b != '"' && b != '\\') {
                text.append((char) b);
            } else {
                text.append(String.format("\\x%02x", b & 0xff));
            }
        }
        return text.append('"').toString();
    }
}
