package net.pptpgw.protocol.ppp.lcp;

import io.netty.buffer.ByteBuf;
import net.pptpgw.protocol.Octets;
import net.pptpgw.protocol.ppp.lcp.LcpOption.AddressControlFieldCompression;
import net.pptpgw.protocol.ppp.lcp.LcpOption.AsyncControlCharacterMap;
import net.pptpgw.protocol.ppp.lcp.LcpOption.AuthenticationProtocol;
import net.pptpgw.protocol.ppp.lcp.LcpOption.Callback;
import net.pptpgw.protocol.ppp.lcp.LcpOption.EndpointDiscriminator;
import net.pptpgw.protocol.ppp.lcp.LcpOption.MagicNumber;
import net.pptpgw.protocol.ppp.lcp.LcpOption.MaximumReceiveUnit;
import net.pptpgw.protocol.ppp.lcp.LcpOption.MultilinkMrru;
import net.pptpgw.protocol.ppp.lcp.LcpOption.ProtocolFieldCompression;
import net.pptpgw.protocol.ppp.lcp.LcpOption.QualityProtocol;
import net.pptpgw.protocol.ppp.lcp.LcpOption.Raw;

/**
 * Decodes the Data of one LCP option into its {@link LcpOption} record. The option's Length has
 * already been checked against the packet by {@code ControlPacketCodec}; this only decides
 * whether the Data has the form the option's RFC gives (a fixed size, or a minimum) and keeps
 * it as {@link Raw} when it has not, as pppd does before Configure-Rejecting such an option.
 */
public final class LcpOptionCodec {

    private LcpOptionCodec() {}

    /** The typed option for {@code type} when {@code data} (exactly the option's Data) has its RFC form, else {@link Raw}. */
    public static LcpOption decode(int type, ByteBuf data) {
        int length = data.readableBytes();
        LcpOption typed = switch (type) {
            case LcpOptionType.MAXIMUM_RECEIVE_UNIT -> length == 2 ? new MaximumReceiveUnit(data.readUnsignedShort()) : null;
            case LcpOptionType.ASYNC_CONTROL_CHARACTER_MAP -> length == 4 ? new AsyncControlCharacterMap(data.readInt()) : null;
            case LcpOptionType.AUTHENTICATION_PROTOCOL -> length >= 2
                    ? new AuthenticationProtocol(data.readUnsignedShort(), Octets.read(data, length - 2)) : null;
            case LcpOptionType.QUALITY_PROTOCOL -> length >= 2
                    ? new QualityProtocol(data.readUnsignedShort(), Octets.read(data, length - 2)) : null;
            case LcpOptionType.MAGIC_NUMBER -> length == 4 ? new MagicNumber(data.readInt()) : null;
            case LcpOptionType.PROTOCOL_FIELD_COMPRESSION -> length == 0 ? new ProtocolFieldCompression() : null;
            case LcpOptionType.ADDRESS_AND_CONTROL_FIELD_COMPRESSION -> length == 0 ? new AddressControlFieldCompression() : null;
            case LcpOptionType.CALLBACK -> length >= 1 ? new Callback(data.readUnsignedByte(), Octets.read(data, length - 1)) : null;
            case LcpOptionType.MULTILINK_MRRU -> length == 2 ? new MultilinkMrru(data.readUnsignedShort()) : null;
            case LcpOptionType.MULTILINK_ENDPOINT_DISCRIMINATOR -> length >= 1
                    ? new EndpointDiscriminator(data.readUnsignedByte(), Octets.read(data, length - 1)) : null;
            default -> null;
        };
        return typed != null ? typed : new Raw(type, Octets.read(data, length));
    }
}
