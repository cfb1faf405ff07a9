package net.pptpgw.protocol.pcap;

import io.netty.buffer.ByteBuf;
import java.time.Instant;

/**
 * One captured frame of a pcap or pcapng file.
 *
 * @param number the frame's position in the file, counting from 1 as tshark's {@code frame.number} does
 * @param timestamp when the frame was captured
 * @param linkTypeCode the tcpdump.org link-layer header type of the frame's interface
 * @param data the captured bytes: a read-only view into the file, valid while its {@link PcapReader} is open
 * @param originalLength the frame's length on the wire; more than {@code data}'s when the snap length cut it
 */
public record PcapRecord(long number, Instant timestamp, int linkTypeCode, ByteBuf data, int originalLength) {

    /** The link type, or {@code null} when the project cannot read frames of this type. */
    public LinkType linkType() {
        return LinkType.of(linkTypeCode);
    }

    /** Whether the capture kept fewer bytes than the frame had on the wire (snap length). */
    public boolean truncated() {
        return data.readableBytes() < originalLength;
    }
}
