package net.pptpgw.gateway.inspect;

import io.netty.buffer.ByteBuf;
import java.net.Inet4Address;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import net.pptpgw.gateway.inspect.CaptureEvent.Anomaly;
import net.pptpgw.gateway.inspect.CaptureEvent.ControlBytes;
import net.pptpgw.gateway.inspect.CaptureEvent.ControlGap;
import net.pptpgw.gateway.inspect.CaptureEvent.ControlSignal;
import net.pptpgw.gateway.inspect.CaptureEvent.GreDatagram;
import net.pptpgw.gateway.inspect.CaptureEvent.Signal;
import net.pptpgw.gateway.inspect.ControlFlow.Direction;
import net.pptpgw.protocol.MalformedPacketException;
import net.pptpgw.protocol.pcap.LinkType;
import net.pptpgw.protocol.pcap.PcapReader;
import net.pptpgw.protocol.pcap.PcapRecord;
import net.pptpgw.protocol.pptp.ControlMessages;

/**
 * Turns the frames of a capture into what a PPTP inspector needs: the reassembled byte streams
 * of the control connections (TCP port 1723), the GRE datagrams (IP protocol 47) with their
 * addresses, and anomalies. Everything else in the capture is skipped.
 *
 * <p>Nothing here decodes PPTP, GRE or PPP: that is the next layer's work. IPv4 fragments are
 * reported, not reassembled (PPTP peers size their packets to avoid them). A frame that cannot be
 * read becomes an {@link Anomaly} and reading goes on; so does a corrupt end of file.
 */
public final class CaptureReader {

    private static final int ICMP_DESTINATION_UNREACHABLE = 3;
    private static final int ICMP_HEADER = 8;

    private final Consumer<CaptureEvent> events;
    private final int controlPort;
    private final Map<Stream, TcpStreamReassembler> streams = new LinkedHashMap<>();
    private final Set<Integer> reportedLinkTypes = new HashSet<>();
    private long frames;
    private long skippedFrames;

    /** One direction of one control connection. */
    private record Stream(ControlFlow flow, Direction direction) {}

    public CaptureReader(Consumer<CaptureEvent> events) {
        this(events, ControlMessages.PPTP_PORT);
    }

    /** @param controlPort the TCP port of the control connections, for servers moved off 1723 */
    public CaptureReader(Consumer<CaptureEvent> events, int controlPort) {
        this.events = events;
        this.controlPort = controlPort;
    }

    /**
     * Reads every frame of {@code reader}, then {@link #finish()}es. A corrupt or truncated file
     * ends the reading with an {@link Anomaly} for the frame that could not be read.
     */
    public void read(PcapReader reader) {
        Instant last = Instant.EPOCH;
        try {
            while (reader.hasNext()) {
                PcapRecord record = reader.next();
                last = record.timestamp();
                record(record);
            }
        } catch (MalformedPacketException e) {
            events.accept(Anomaly.of(last, frames + 1, e));
        }
        finish();
    }

    /** Reads one frame. */
    public void record(PcapRecord record) {
        frames++;
        LinkType linkType = record.linkType();
        if (linkType == null || linkType == LinkType.PPP) {
            skippedFrames++;
            if (reportedLinkTypes.add(record.linkTypeCode())) {
                events.accept(new Anomaly(record.timestamp(), record.number(), "pcap", "unsupported-link-type",
                        "link type " + record.linkTypeCode() + " is not read; its frames are skipped"));
            }
            return;
        }
        try {
            ByteBuf ip = LinkLayer.ipv4(linkType, record.data());
            if (ip == null) {
                skippedFrames++;
                return;
            }
            Ipv4Packet packet = Ipv4Packet.decode(ip);
            switch (packet.protocol()) {
                case Ipv4Packet.PROTOCOL_TCP -> tcp(packet, record);
                case Ipv4Packet.PROTOCOL_GRE -> gre(packet, record);
                case Ipv4Packet.PROTOCOL_ICMP -> icmp(packet, record);
                default -> skippedFrames++;
            }
        } catch (MalformedPacketException e) {
            events.accept(Anomaly.of(record.timestamp(), record.number(), e));
        }
    }

    /** Delivers what the control streams still hold beyond holes, with a gap for each hole. */
    public void finish() {
        streams.values().forEach(TcpStreamReassembler::flush);
    }

    /** Frames read so far. */
    public long frames() {
        return frames;
    }

    /** Frames that were neither control connection, GRE, nor ICMP about them. */
    public long skippedFrames() {
        return skippedFrames;
    }

    private void tcp(Ipv4Packet packet, PcapRecord record) {
        if (packet.isFragment()) {
            fragment(packet, record, "TCP");
            return;
        }
        TcpSegment segment = TcpSegment.decode(packet.payload(), packet.payloadLength());
        Stream stream;
        if (segment.destinationPort() == controlPort) {
            stream = new Stream(new ControlFlow(packet.source(), segment.sourcePort(), packet.destination(),
                    segment.destinationPort()), Direction.CLIENT_TO_SERVER);
        } else if (segment.sourcePort() == controlPort) {
            stream = new Stream(new ControlFlow(packet.destination(), segment.destinationPort(), packet.source(),
                    segment.sourcePort()), Direction.SERVER_TO_CLIENT);
        } else {
            skippedFrames++;
            return;
        }
        Instant timestamp = record.timestamp();
        long frame = record.number();
        if (segment.syn()) {
            events.accept(new ControlSignal(stream.flow(), stream.direction(), timestamp, frame, Signal.SYN));
        }
        streams.computeIfAbsent(stream, this::reassembler).segment(segment, timestamp, frame);
        if (segment.fin()) {
            events.accept(new ControlSignal(stream.flow(), stream.direction(), timestamp, frame, Signal.FIN));
        }
        if (segment.rst()) {
            events.accept(new ControlSignal(stream.flow(), stream.direction(), timestamp, frame, Signal.RST));
        }
    }

    private TcpStreamReassembler reassembler(Stream stream) {
        return new TcpStreamReassembler(new TcpStreamReassembler.Listener() {
            @Override
            public void bytes(ByteBuf bytes, Instant timestamp, long frame) {
                events.accept(new ControlBytes(stream.flow(), stream.direction(), timestamp, frame, bytes));
            }

            @Override
            public void gap(long missing, Instant timestamp, long frame) {
                events.accept(new ControlGap(stream.flow(), stream.direction(), timestamp, frame, missing));
            }

            @Override
            public void startedWithoutSyn(Instant timestamp, long frame) {
                events.accept(new ControlSignal(stream.flow(), stream.direction(), timestamp, frame, Signal.STARTED_WITHOUT_SYN));
            }
        });
    }

    private void gre(Ipv4Packet packet, PcapRecord record) {
        if (packet.isFragment()) {
            fragment(packet, record, "GRE");
            return;
        }
        events.accept(new GreDatagram(packet.source(), packet.destination(), record.timestamp(), record.number(),
                packet.payload(), packet.payloadTruncated()));
    }

    /**
     * An ICMP Destination Unreachable (RFC 792) quoting a GRE packet: the receiver had no one
     * listening for GRE, or a firewall refused it. Peers drop the call when they see one.
     */
    private void icmp(Ipv4Packet packet, PcapRecord record) {
        ByteBuf icmp = packet.payload();
        if (icmp.readableBytes() < ICMP_HEADER || icmp.getUnsignedByte(icmp.readerIndex()) != ICMP_DESTINATION_UNREACHABLE) {
            skippedFrames++;
            return;
        }
        int code = icmp.getUnsignedByte(icmp.readerIndex() + 1);
        Ipv4Packet quoted = Ipv4Packet.decode(icmp.slice(icmp.readerIndex() + ICMP_HEADER, icmp.readableBytes() - ICMP_HEADER));
        if (quoted.protocol() != Ipv4Packet.PROTOCOL_GRE) {
            skippedFrames++;
            return;
        }
        events.accept(new Anomaly(record.timestamp(), record.number(), "icmp", "gre-unreachable",
                address(packet.source()) + " answered GRE " + address(quoted.source()) + " -> " + address(quoted.destination())
                        + " with ICMP destination unreachable, code " + code + (code == 2 ? " (protocol unreachable)" : "")));
    }

    private void fragment(Ipv4Packet packet, PcapRecord record, String what) {
        events.accept(new Anomaly(record.timestamp(), record.number(), "ipv4", "fragment", String.format(
                "fragment of a %s datagram %s -> %s (identification 0x%04x, offset %d%s): not reassembled",
                what, address(packet.source()), address(packet.destination()), packet.identification(),
                packet.fragmentOffset(), packet.moreFragments() ? ", more fragments" : "")));
    }

    private static String address(Inet4Address address) {
        return address.getHostAddress();
    }
}
