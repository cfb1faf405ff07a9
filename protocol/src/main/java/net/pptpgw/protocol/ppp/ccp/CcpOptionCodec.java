package net.pptpgw.protocol.ppp.ccp;

import io.netty.buffer.ByteBuf;
import net.pptpgw.protocol.Octets;
import net.pptpgw.protocol.ppp.ccp.CcpOption.Mppe;
import net.pptpgw.protocol.ppp.ccp.CcpOption.Raw;

/**
 * Decodes the Data of one CCP option into its {@link CcpOption} record, or {@link Raw} when the
 * type is not option 18 or its Data is not the 4-octet Supported Bits.
 */
public final class CcpOptionCodec {

    private CcpOptionCodec() {}

    /** The typed option for {@code type} when {@code data} (exactly the option's Data) has its RFC form, else {@link Raw}. */
    public static CcpOption decode(int type, ByteBuf data) {
        int length = data.readableBytes();
        if (type == CcpOptionType.MICROSOFT_PPC && length == 4) {
            return new Mppe(new MppeSupportedBits(data.readInt()));
        }
        return new Raw(type, Octets.read(data, length));
    }
}
