package net.pptpgw.nathelper;

import io.micrometer.core.instrument.Counter;
import io.netty.buffer.ByteBuf;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.EnumMap;
import java.util.Map;
import net.pptpgw.linux.InternetChecksum;
import net.pptpgw.protocol.gre.GreDecodeStatus;
import net.pptpgw.protocol.gre.GreHeader;

/**
 * The GRE relay's decision and rewrite for one packet, as raw GRE sockets deliver it (the IPv4
 * header, then enhanced GRE, RFC 2637 §4.1). Pure: no sockets, so the same code is tested on
 * byte vectors, measured with JMH and run by the relay.
 *
 * <p>LAN to WAN: a client's GRE to its server carries the server's call ID in the key. It is
 * forwarded only when that (server, server call ID) belongs to a live mapping of that very
 * client; the GRE datagram goes unchanged to the server, from the WAN address (the WAN socket
 * lets the kernel write the IP header).
 *
 * <p>WAN to LAN: the server's GRE carries the gateway call ID. The mapping is found by (server
 * address, gateway call ID) with two array reads; the key is rewritten in place to the client's
 * call ID, and the IPv4 header too: destination the client, source left as the server's
 * (clients accept GRE only from their server; the LAN socket sends with IP_HDRINCL), TTL
 * decremented as any router does, checksum recomputed.
 *
 * <p>Anything else is dropped and counted by direction and reason: {@code unknown-server},
 * {@code unknown-call-id}, {@code wrong-source}, {@code ttl-exceeded}, {@code malformed-ip},
 * {@code malformed-<GRE reason>}. Drops are logged at most once a second per reason.
 *
 * <p>No allocation per packet, forwarded or dropped. One instance per receiving thread.
 */
public final class GreForwarder {

    static final int IPV4_MIN_HEADER = 20;
    static final int PROTOCOL_GRE = 47;
    private static final long LOG_INTERVAL_NANOS = 1_000_000_000L;

    private final MappingTable table;
    private final GreHeader header = new GreHeader();
    private final Counter[] forwarded = new Counter[Direction.values().length];
    private final Map<Direction, Map<GreDecodeStatus, String>> malformedReasons = new EnumMap<>(Direction.class);
    private final NatMetrics metrics;
    private final RateLimitedLog lanDrops;
    private final RateLimitedLog wanDrops;

    private int ipStart;
    private int greOffset;
    private int greLength;
    private int destination;
    private CallMapping mapping;

    public GreForwarder(MappingTable table, NatMetrics metrics) {
        this.table = table;
        this.metrics = metrics;
        Logger logger = System.getLogger(GreForwarder.class.getName());
        this.lanDrops = new RateLimitedLog(logger, LOG_INTERVAL_NANOS, System::nanoTime);
        this.wanDrops = new RateLimitedLog(logger, LOG_INTERVAL_NANOS, System::nanoTime);
        for (Direction direction : Direction.values()) {
            forwarded[direction.ordinal()] = metrics.greForwarded(direction);
            Map<GreDecodeStatus, String> reasons = new EnumMap<>(GreDecodeStatus.class);
            for (GreDecodeStatus status : GreDecodeStatus.values()) {
                if (!status.isOk()) {
                    reasons.put(status, "malformed-" + status.reason());
                }
            }
            malformedReasons.put(direction, reasons);
        }
    }

    /**
     * A packet the LAN socket received: IPv4 header + GRE at the buffer's readable bytes.
     *
     * @return true to forward: send {@code [greOffset(), greOffset() + greLength())} to
     *     {@link #destination()} (the server) from the WAN socket
     */
    public boolean lanToWan(ByteBuf packet, long nowNanos) {
        if (!parse(packet, Direction.LAN_TO_WAN)) {
            return false;
        }
        int start = packet.readerIndex();
        int source = packet.getInt(start + 12);
        int server = packet.getInt(start + 16);
        ServerCalls calls = table.serverCalls(server);
        if (calls == null) {
            return drop(Direction.LAN_TO_WAN, "unknown-server", packet);
        }
        CallMapping call = calls.byServerCallId(header.callId());
        if (call == null) {
            return drop(Direction.LAN_TO_WAN, "unknown-call-id", packet);
        }
        if (call.clientAddress() != source) {
            // Another LAN host using someone else's call: never let it into that tunnel.
            return drop(Direction.LAN_TO_WAN, "wrong-source", packet);
        }
        table.greSeen(call, Direction.LAN_TO_WAN, nowNanos);
        destination = server;
        mapping = call;
        forwarded[Direction.LAN_TO_WAN.ordinal()].increment();
        return true;
    }

    /**
     * A packet the WAN socket received: IPv4 header + GRE at the buffer's readable bytes.
     *
     * @return true to forward: the IPv4 packet {@code [readerIndex, readerIndex + ipLength())}
     *     has been rewritten in place and goes to {@link #destination()} (the client) from the
     *     LAN socket with IP_HDRINCL
     */
    public boolean wanToLan(ByteBuf packet, long nowNanos) {
        if (!parse(packet, Direction.WAN_TO_LAN)) {
            return false;
        }
        int start = packet.readerIndex();
        int server = packet.getInt(start + 12);
        ServerCalls calls = table.serverCalls(server);
        if (calls == null) {
            return drop(Direction.WAN_TO_LAN, "unknown-server", packet);
        }
        CallMapping call = calls.byGatewayCallId(header.callId());
        if (call == null) {
            return drop(Direction.WAN_TO_LAN, "unknown-call-id", packet);
        }
        int ttl = packet.getUnsignedByte(start + 8);
        if (ttl <= 1) {
            return drop(Direction.WAN_TO_LAN, "ttl-exceeded", packet);
        }
        header.callId(call.clientCallId()).setInto(packet, greOffset);
        packet.setByte(start + 8, ttl - 1);
        packet.setInt(start + 16, call.clientAddress());
        setIpChecksum(packet, start);
        table.greSeen(call, Direction.WAN_TO_LAN, nowNanos);
        destination = call.clientAddress();
        mapping = call;
        forwarded[Direction.WAN_TO_LAN.ordinal()].increment();
        return true;
    }

    /** Checks the IPv4 header against the bytes received and decodes the GRE header. */
    private boolean parse(ByteBuf packet, Direction direction) {
        mapping = null;
        int start = packet.readerIndex();
        int received = packet.readableBytes();
        if (received < IPV4_MIN_HEADER) {
            return drop(direction, "malformed-ip", packet);
        }
        int versionAndLength = packet.getUnsignedByte(start);
        int headerLength = (versionAndLength & 0x0F) * 4;
        int totalLength = packet.getUnsignedShort(start + 2);
        if (versionAndLength >> 4 != 4 || headerLength < IPV4_MIN_HEADER || totalLength < headerLength
                || totalLength > received || packet.getUnsignedByte(start + 9) != PROTOCOL_GRE) {
            return drop(direction, "malformed-ip", packet);
        }
        ipStart = start;
        greOffset = start + headerLength;
        greLength = totalLength - headerLength;
        GreDecodeStatus status = header.decode(packet, greOffset, greLength);
        if (!status.isOk()) {
            return drop(direction, malformedReasons.get(direction).get(status), packet);
        }
        return true;
    }

    private boolean drop(Direction direction, String reason, ByteBuf packet) {
        metrics.greDropped(direction, reason).increment();
        RateLimitedLog log = direction == Direction.LAN_TO_WAN ? lanDrops : wanDrops;
        long suppressed = log.permit(reason);
        if (suppressed >= 0) {
            logDrop(direction, reason, packet, suppressed);
        }
        return false;
    }

    /** Off the per-packet path: at most once a second per reason. */
    private void logDrop(Direction direction, String reason, ByteBuf packet, long suppressed) {
        String from = packet.readableBytes() >= IPV4_MIN_HEADER
                ? Addresses.fromInt(packet.getInt(packet.readerIndex() + 12)).getHostAddress() + " -> "
                        + Addresses.fromInt(packet.getInt(packet.readerIndex() + 16)).getHostAddress()
                : packet.readableBytes() + " bytes";
        System.getLogger(GreForwarder.class.getName()).log(Level.WARNING,
                "GRE {0} dropped ({1}): {2} call ID {3}{4}", direction.tag(), reason, from, header.callId(),
                suppressed > 0 ? " (" + suppressed + " more dropped for this reason since the last line)" : "");
    }

    /** RFC 791 §3.1 header checksum: one's complement of the one's complement sum of the header's 16-bit words. */
    static void setIpChecksum(ByteBuf packet, int start) {
        int headerLength = (packet.getUnsignedByte(start) & 0x0F) * 4;
        packet.setShort(start + 10, 0);
        packet.setShort(start + 10, InternetChecksum.checksum(packet, start, headerLength));
    }

    /** Where the last forwarded packet goes, as a big-endian IPv4 int. */
    public int destination() {
        return destination;
    }

    /** The mapping the last forwarded packet belongs to. */
    public CallMapping mapping() {
        return mapping;
    }

    /** Start of the last packet's GRE header in its buffer. */
    public int greOffset() {
        return greOffset;
    }

    /** Length of the last packet's GRE datagram (header and payload), from its IP total length. */
    public int greLength() {
        return greLength;
    }

    /** Length of the last packet's IPv4 datagram, from its total-length field. */
    public int ipLength() {
        return greOffset - ipStart + greLength;
    }
}
