package net.pptpgw.gateway.inspect;

import io.netty.buffer.ByteBuf;
import java.net.Inet4Address;
import java.time.Instant;
import net.pptpgw.protocol.MalformedPacketException;

/**
 * What {@link CaptureReader} finds in a capture, in capture order: the byte streams of the PPTP
 * control connections, the GRE datagrams, and what could not be read.
 *
 * <p>Buffers are views into the capture, valid only during the consumer's call: retain a copy to
 * keep them.
 */
public sealed interface CaptureEvent {

    /** When the frame that produced this event was captured. */
    Instant timestamp();

    /** The frame's number in the capture, counting from 1 as tshark does. */
    long frame();

    /** The next contiguous bytes of one direction of a control connection. */
    record ControlBytes(ControlFlow flow, ControlFlow.Direction direction, Instant timestamp, long frame, ByteBuf bytes)
            implements CaptureEvent {}

    /**
     * {@code missingBytes} of one direction of a control connection were not captured (lost
     * segment, snap length): the stream's framing is broken here.
     */
    record ControlGap(ControlFlow flow, ControlFlow.Direction direction, Instant timestamp, long frame, long missingBytes)
            implements CaptureEvent {}

    /** A TCP event of a control connection: opening, closing, reset, or first data without its SYN. */
    record ControlSignal(ControlFlow flow, ControlFlow.Direction direction, Instant timestamp, long frame, Signal signal)
            implements CaptureEvent {}

    /** The TCP facts that matter to a control connection's story. */
    enum Signal {
        SYN,
        FIN,
        RST,
        /** Data came first: the capture started after the connection opened. */
        STARTED_WITHOUT_SYN
    }

    /**
     * An IPv4 datagram of protocol 47 (GRE), undecoded.
     *
     * @param gre the GRE header and payload as captured
     * @param truncated whether the snap length cut it: {@code gre} holds fewer bytes than were sent
     */
    record GreDatagram(Inet4Address source, Inet4Address destination, Instant timestamp, long frame, ByteBuf gre,
                       boolean truncated) implements CaptureEvent {}

    /**
     * Something an operator should see: a frame that could not be read, a fragment, an ICMP error
     * about GRE, a corrupt end of file.
     *
     * @param protocol the layer, as in {@link MalformedPacketException#protocol()}
     * @param reason a short stable token, as in {@link MalformedPacketException#reason()}
     * @param detail a sentence with the offending values
     */
    record Anomaly(Instant timestamp, long frame, String protocol, String reason, String detail) implements CaptureEvent {

        static Anomaly of(Instant timestamp, long frame, MalformedPacketException e) {
            return new Anomaly(timestamp, frame, e.protocol(), e.reason(), e.getMessage());
        }
    }
}
