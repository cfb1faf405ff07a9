package net.pptpgw.protocol.ppp.cp;

import io.netty.buffer.ByteBuf;

/**
 * One configuration option of a Configure-Request/Ack/Nak/Reject (RFC 1661 §6): Type, Length,
 * Data. Length counts the two header octets, so the Data field is at most 253 octets.
 *
 * <p>Each protocol has its own sealed family of options ({@code LcpOption}, {@code IpcpOption},
 * {@code CcpOption}), each with a {@code Raw} member ({@link RawOption}) that keeps an unknown
 * (or malformed) option octet for octet: RFC 1661 §5.4 has the receiver Configure-Reject such
 * options verbatim, and re-encoding a {@code Raw} option reproduces exactly the octets that
 * were received.
 *
 * <p>An option encodes its own Data field so that {@link ControlPacketCodec#encode} needs no
 * knowledge of the protocol whose options it writes.
 */
public interface ConfigurationOption {

    /** The largest Data field: the Length octet counts the 2 header octets and is at most 255. */
    int MAX_DATA_LENGTH = 255 - 2;

    /** The Type octet, 0..255. */
    int type();

    /** The option's name as its RFC or the IANA registry spells it, e.g. {@code "Maximum-Receive-Unit"}. */
    String typeName();

    /** Writes the Data field: everything after Type and Length. */
    void encodeData(ByteBuf out);
}
