package net.pptpgw.protocol.ppp.cp;

import io.netty.buffer.ByteBuf;
import net.pptpgw.protocol.Octets;

/**
 * What the {@code Raw} member of every option family ({@code LcpOption.Raw}, {@code
 * IpcpOption.Raw}, {@code CcpOption.Raw}) is: an option of an unknown type, or of a known type
 * whose Data does not have its RFC's form, kept octet for octet. RFC 1661 §5.4 has the receiver
 * Configure-Reject such an option verbatim, so its Data is written back exactly as received.
 */
public interface RawOption extends ConfigurationOption {

    /** The Data field as received. */
    Octets data();

    @Override
    default void encodeData(ByteBuf out) {
        data().writeTo(out);
    }

    /** The checks of a {@code Raw} record's constructor: a Type octet, and Data that fits the Length octet. */
    static void check(int type, Octets data) {
        FieldChecks.checkUnsigned("type", type, 0xff);
        FieldChecks.checkLength("data", data, MAX_DATA_LENGTH);
    }

    /** The text of a {@code Raw} record: the type's registered name beside its number, e.g. {@code Raw[Deflate (26), data=0x...]}. */
    static String toString(RawOption option) {
        return "Raw[" + option.typeName() + " (" + option.type() + "), data=" + option.data() + "]";
    }
}
