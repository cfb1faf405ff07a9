package net.pptpgw.protocol.testing;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;

/**
 * Builds IPv4 packets around payloads the codecs produced, so that tshark sees them in their
 * real context (PPTP on TCP port 1723, enhanced GRE as IP protocol 47).
 *
 * <p>Written straight from RFC 791/793 and RFC 2637 §4.1, independent of the project's codecs.
 */
public final class Packets {

    public static final int PROTO_TCP = 6;
    public static final int PROTO_GRE = 47;
    public static final int PPTP_PORT = 1723;

    private Packets() {}

    /** An IPv4 packet (no options, DF set) with a correct header checksum. */
    public static byte[] ipv4(int protocol, byte[] source, byte[] destination, byte[] payload) {
        ByteBuffer packet = ByteBuffer.allocate(20 + payload.length);
        packet.put((byte) 0x45).put((byte) 0).putShort((short) (20 + payload.length))
                .putShort((short) 0).putShort((short) 0x4000)
                .put((byte) 64).put((byte) protocol).putShort((short) 0)
                .put(source).put(destination).put(payload);
        byte[] bytes = packet.array();
        int checksum = checksum(bytes, 0, 20, 0);
        bytes[10] = (byte) (checksum >> 8);
        bytes[11] = (byte) checksum;
        return bytes;
    }

    /** An enhanced GRE (RFC 2637 §4.1) packet: S bit when {@code sequence} is given, A bit when {@code ack} is. */
    public static byte[] enhancedGre(int callId, Long sequence, Long ack, byte[] payload) {
        ByteBuffer gre = ByteBuffer.allocate(16 + payload.length);
        int flags = 0x2001; // K bit, version 1
        if (sequence != null) {
            flags |= 0x1000;
        }
        if (ack != null) {
            flags |= 0x0080;
        }
        gre.putShort((short) flags).putShort((short) 0x880b)
                .putShort((short) payload.length).putShort((short) callId);
        if (sequence != null) {
            gre.putInt(sequence.intValue());
        }
        if (ack != null) {
            gre.putInt(ack.intValue());
        }
        gre.put(payload);
        byte[] out = new byte[gre.position()];
        gre.flip().get(out);
        return out;
    }

    public static byte[] ipv4Gre(byte[] source, byte[] destination, byte[] gre) {
        return ipv4(PROTO_GRE, source, destination, gre);
    }

    public static byte[] address(int a, int b, int c, int d) {
        return new byte[] {(byte) a, (byte) b, (byte) c, (byte) d};
    }

    /**
     * One TCP connection's segments, with sequence and acknowledgement numbers kept in step so
     * that tshark reassembles the stream. Starts with the three-way handshake.
     */
    public static final class TcpFlow {
        private final byte[] client;
        private final byte[] server;
        private final int clientPort;
        private final int serverPort;
        private int clientSeq = 1000;
        private int serverSeq = 5000;
        private final java.util.List<byte[]> packets = new java.util.ArrayList<>();

        public TcpFlow(byte[] client, int clientPort, byte[] server, int serverPort) {
            this.client = client;
            this.server = server;
            this.clientPort = clientPort;
            this.serverPort = serverPort;
            packets.add(segment(true, 0x02, new byte[0])); // SYN
            clientSeq++;
            packets.add(segment(false, 0x12, new byte[0])); // SYN-ACK
            serverSeq++;
            packets.add(segment(true, 0x10, new byte[0])); // ACK
        }

        public TcpFlow fromClient(byte[] payload) {
            packets.add(segment(true, 0x18, payload));
            clientSeq += payload.length;
            return this;
        }

        public TcpFlow fromServer(byte[] payload) {
            packets.add(segment(false, 0x18, payload));
            serverSeq += payload.length;
            return this;
        }

        /** All IPv4 packets of the flow so far, in order. */
        public java.util.List<byte[]> packets() {
            return java.util.List.copyOf(packets);
        }

        private byte[] segment(boolean fromClient, int flags, byte[] payload) {
            byte[] src = fromClient ? client : server;
            byte[] dst = fromClient ? server : client;
            ByteBuffer tcp = ByteBuffer.allocate(20 + payload.length);
            tcp.putShort((short) (fromClient ? clientPort : serverPort))
                    .putShort((short) (fromClient ? serverPort : clientPort))
                    .putInt(fromClient ? clientSeq : serverSeq)
                    .putInt((flags & 0x10) != 0 ? (fromClient ? serverSeq : clientSeq) : 0)
                    .put((byte) 0x50).put((byte) flags).putShort((short) 65535)
                    .putShort((short) 0).putShort((short) 0)
                    .put(payload);
            byte[] segment = tcp.array();
            ByteArrayOutputStream pseudo = new ByteArrayOutputStream();
            pseudo.writeBytes(src);
            pseudo.writeBytes(dst);
            pseudo.write(0);
            pseudo.write(PROTO_TCP);
            pseudo.write(segment.length >> 8);
            pseudo.write(segment.length);
            byte[] header = pseudo.toByteArray();
            int sum = checksum(header, 0, header.length, 0);
            int checksum = checksum(segment, 0, segment.length, (~sum) & 0xffff);
            segment[16] = (byte) (checksum >> 8);
            segment[17] = (byte) checksum;
            return ipv4(PROTO_TCP, src, dst, segment);
        }
    }

    /** RFC 1071 Internet checksum over {@code bytes[offset, offset+length)}, continuing from {@code initial}. */
    private static int checksum(byte[] bytes, int offset, int length, int initial) {
        long sum = initial;
        for (int i = 0; i + 1 < length; i += 2) {
            sum += ((bytes[offset + i] & 0xff) << 8) | (bytes[offset + i + 1] & 0xff);
        }
        if ((length & 1) != 0) {
            sum += (bytes[offset + length - 1] & 0xff) << 8;
        }
        while ((sum >> 16) != 0) {
            sum = (sum & 0xffff) + (sum >> 16);
        }
        return (int) (~sum & 0xffff);
    }
}
