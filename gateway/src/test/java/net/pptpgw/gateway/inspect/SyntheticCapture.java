package net.pptpgw.gateway.inspect;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import net.pptpgw.protocol.gre.GrePacket;
import net.pptpgw.protocol.ppp.PppFrame;
import net.pptpgw.protocol.ppp.PppProtocol;
import net.pptpgw.protocol.ppp.auth.ChapCodec;
import net.pptpgw.protocol.ppp.auth.ChapPacket;
import net.pptpgw.protocol.ppp.auth.PapCodec;
import net.pptpgw.protocol.ppp.auth.PapPacket;
import net.pptpgw.protocol.ppp.cp.ControlPacket;
import net.pptpgw.protocol.ppp.cp.ControlPacketCodec;
import net.pptpgw.protocol.ppp.mppe.MppeHeader;
import net.pptpgw.protocol.pptp.BearerCapabilities;
import net.pptpgw.protocol.pptp.BearerType;
import net.pptpgw.protocol.pptp.ControlMessage;
import net.pptpgw.protocol.pptp.ControlMessages;
import net.pptpgw.protocol.pptp.FramingCapabilities;
import net.pptpgw.protocol.pptp.FramingType;
import net.pptpgw.protocol.pptp.GeneralErrorCode;
import net.pptpgw.protocol.pptp.OutgoingCallReply;
import net.pptpgw.protocol.pptp.OutgoingCallRequest;
import net.pptpgw.protocol.pptp.OutgoingCallResult;
import net.pptpgw.protocol.pptp.StartControlConnectionReply;
import net.pptpgw.protocol.pptp.StartControlConnectionRequest;
import net.pptpgw.protocol.pptp.StartControlConnectionResult;
import net.pptpgw.protocol.testing.Packets;
import net.pptpgw.protocol.testing.Tshark;

/**
 * Builds a capture of one PPTP client (10.0.0.2) and server (10.0.0.1) frame by frame with the
 * protocol module's encoders: control messages on a TCP flow, GRE with PPP inside, each side's
 * GRE sequence numbers counted from 0. Frames are one second apart.
 */
final class SyntheticCapture {

    static final byte[] CLIENT = Packets.address(10, 0, 0, 2);
    static final byte[] SERVER = Packets.address(10, 0, 0, 1);
    static final int CLIENT_PORT = 40000;

    private final List<byte[]> frames = new ArrayList<>();
    private Packets.TcpFlow tcp;
    private long clientSequence;
    private long serverSequence;

    /** The TCP handshake of the control connection (frames 1-3). */
    SyntheticCapture connect() {
        tcp = new Packets.TcpFlow(CLIENT, CLIENT_PORT, SERVER, Packets.PPTP_PORT);
        frames.addAll(tcp.packets());
        return this;
    }

    /** Handshake, Start-Control-Connection-Request/-Reply, Outgoing-Call-Request/-Reply (Connected): frames 1-7. */
    SyntheticCapture outgoingCall(int pnsCallId, int pacCallId) {
        return connect()
                .fromClient(new StartControlConnectionRequest(0x0100, FramingCapabilities.BOTH, BearerCapabilities.BOTH,
                        0, 1, "client", "synthetic"))
                .fromServer(new StartControlConnectionReply(0x0100, StartControlConnectionResult.SUCCESSFUL,
                        GeneralErrorCode.NONE, FramingCapabilities.BOTH, BearerCapabilities.BOTH, 1, 1, "server", "synthetic"))
                .fromClient(outgoingCallRequest(pnsCallId))
                .fromServer(outgoingCallReply(pacCallId, pnsCallId, OutgoingCallResult.CONNECTED));
    }

    static OutgoingCallRequest outgoingCallRequest(int callId) {
        return new OutgoingCallRequest(callId, 1, 300, 100_000_000, BearerType.ANY, FramingType.ANY, 64, 0, 0, "", "");
    }

    static OutgoingCallReply outgoingCallReply(int callId, int peerCallId, OutgoingCallResult result) {
        return new OutgoingCallReply(callId, peerCallId, result, GeneralErrorCode.NONE, 0, 100_000_000, 64, 0, 0);
    }

    static byte[] encode(ControlMessage... messages) {
        ByteBuf out = Unpooled.buffer();
        for (ControlMessage message : messages) {
            ControlMessages.encode(message, out);
        }
        return ByteBufUtil.getBytes(out);
    }

    /** The messages in one TCP segment from the client. */
    SyntheticCapture fromClient(ControlMessage... messages) {
        return clientBytes(encode(messages));
    }

    SyntheticCapture fromServer(ControlMessage... messages) {
        return serverBytes(encode(messages));
    }

    SyntheticCapture clientBytes(byte[] segment) {
        tcp.fromClient(segment);
        frames.add(tcp.packets().getLast());
        return this;
    }

    SyntheticCapture serverBytes(byte[] segment) {
        tcp.fromServer(segment);
        frames.add(tcp.packets().getLast());
        return this;
    }

    /** A GRE packet from the client with the next sequence number; {@code callId} is the server's. */
    SyntheticCapture clientGre(int callId, byte[] ppp) {
        return gre(true, callId, clientSequence++, ppp);
    }

    SyntheticCapture serverGre(int callId, byte[] ppp) {
        return gre(false, callId, serverSequence++, ppp);
    }

    /** A GRE data packet with an explicit sequence number. */
    SyntheticCapture gre(boolean fromClient, int callId, long sequence, byte[] ppp) {
        return rawGre(fromClient, GrePacket.data(callId, sequence, Unpooled.wrappedBuffer(ppp)));
    }

    SyntheticCapture rawGre(boolean fromClient, GrePacket packet) {
        ByteBuf out = Unpooled.buffer();
        packet.encode(out);
        frames.add(Packets.ipv4Gre(fromClient ? CLIENT : SERVER, fromClient ? SERVER : CLIENT, ByteBufUtil.getBytes(out)));
        return this;
    }

    /** Any IPv4 packet. */
    SyntheticCapture frame(byte[] ipv4) {
        frames.add(ipv4);
        return this;
    }

    /** The frames so far, for changes such as dropping one. */
    List<byte[]> frames() {
        return frames;
    }

    Path write(Path dir) {
        return Tshark.writePcap(dir, frames);
    }

    // PPP frames, with address/control and a 2-octet protocol field (no ACFC/PFC negotiated)

    static byte[] ppp(PppProtocol protocol, ByteBuf information) {
        ByteBuf out = Unpooled.buffer();
        new PppFrame(protocol, information).encode(out, false, false);
        return ByteBufUtil.getBytes(out);
    }

    static byte[] control(PppProtocol protocol, ControlPacket packet) {
        ByteBuf information = Unpooled.buffer();
        ControlPacketCodec.encode(packet, information);
        return ppp(protocol, information);
    }

    static byte[] lcp(ControlPacket packet) {
        return control(PppProtocol.LCP, packet);
    }

    static byte[] ipcp(ControlPacket packet) {
        return control(PppProtocol.IPCP, packet);
    }

    static byte[] ccp(ControlPacket packet) {
        return control(PppProtocol.CCP, packet);
    }

    static byte[] chap(ChapPacket packet) {
        ByteBuf information = Unpooled.buffer();
        ChapCodec.encode(packet, information);
        return ppp(PppProtocol.CHAP, information);
    }

    static byte[] pap(PapPacket packet) {
        ByteBuf information = Unpooled.buffer();
        PapCodec.encode(packet, information);
        return ppp(PppProtocol.PAP, information);
    }

    /** A compressed datagram (0x00FD): MPPE header and {@code octets} of (encrypted) data. */
    static byte[] mppe(int flags, int coherencyCount, int octets) {
        ByteBuf information = Unpooled.buffer();
        MppeHeader.encode(MppeHeader.of(flags, coherencyCount), information);
        information.writeZero(octets);
        return ppp(PppProtocol.COMPRESSED_DATAGRAM, information);
    }
}
