package net.pptpgw.protocol.ppp.cp;

import io.netty.buffer.ByteBuf;
import net.pptpgw.protocol.Octets;

/**
 * An option whose Data is a 2-octet PPP protocol number followed by data that protocol defines:
 * LCP's Authentication-Protocol (RFC 1661 §6.2) and Quality-Protocol (§6.3), IPCP's
 * IP-Compression-Protocol (RFC 1332 §3.2).
 */
public interface ProtocolOption extends ConfigurationOption {

    /** The protocol number, e.g. c223 for CHAP. */
    int protocol();

    /** What follows the protocol number, as the protocol defines it; may be empty. */
    Octets data();

    @Override
    default void encodeData(ByteBuf out) {
        out.writeShort(protocol());
        data().writeTo(out);
    }

    /** The checks of such a record's constructor: a 16-bit protocol, and data that fits the Length octet after it. */
    static void check(int protocol, Octets data) {
        FieldChecks.checkUnsigned("protocol", protocol, 0xffff);
        FieldChecks.checkLength("data", data, MAX_DATA_LENGTH - 2);
    }
}
