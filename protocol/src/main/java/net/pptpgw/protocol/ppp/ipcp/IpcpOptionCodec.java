package net.pptpgw.protocol.ppp.ipcp;

import io.netty.buffer.ByteBuf;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import net.pptpgw.protocol.Octets;
import net.pptpgw.protocol.ppp.ipcp.IpcpOption.IpAddress;
import net.pptpgw.protocol.ppp.ipcp.IpcpOption.IpAddresses;
import net.pptpgw.protocol.ppp.ipcp.IpcpOption.IpCompressionProtocol;
import net.pptpgw.protocol.ppp.ipcp.IpcpOption.PrimaryDnsServer;
import net.pptpgw.protocol.ppp.ipcp.IpcpOption.PrimaryNbnsServer;
import net.pptpgw.protocol.ppp.ipcp.IpcpOption.Raw;
import net.pptpgw.protocol.ppp.ipcp.IpcpOption.SecondaryDnsServer;
import net.pptpgw.protocol.ppp.ipcp.IpcpOption.SecondaryNbnsServer;
import net.pptpgw.protocol.ppp.ipcp.IpcpOption.VanJacobsonCompression;

/**
 * Decodes the Data of one IPCP option into its {@link IpcpOption} record, or {@link Raw} when
 * the type is unknown or the Data does not have the size its RFC gives.
 */
public final class IpcpOptionCodec {

    private IpcpOptionCodec() {}

    /** The typed option for {@code type} when {@code data} (exactly the option's Data) has its RFC form, else {@link Raw}. */
    public static IpcpOption decode(int type, ByteBuf data) {
        int length = data.readableBytes();
        IpcpOption typed = switch (type) {
            case IpcpOptionType.IP_ADDRESSES -> length == 8 ? new IpAddresses(readAddress(data), readAddress(data)) : null;
            case IpcpOptionType.IP_COMPRESSION_PROTOCOL -> length >= 2 ? decodeCompression(data) : null;
            case IpcpOptionType.IP_ADDRESS -> length == 4 ? new IpAddress(readAddress(data)) : null;
            case IpcpOptionType.PRIMARY_DNS_SERVER_ADDRESS -> length == 4 ? new PrimaryDnsServer(readAddress(data)) : null;
            case IpcpOptionType.PRIMARY_NBNS_SERVER_ADDRESS -> length == 4 ? new PrimaryNbnsServer(readAddress(data)) : null;
            case IpcpOptionType.SECONDARY_DNS_SERVER_ADDRESS -> length == 4 ? new SecondaryDnsServer(readAddress(data)) : null;
            case IpcpOptionType.SECONDARY_NBNS_SERVER_ADDRESS -> length == 4 ? new SecondaryNbnsServer(readAddress(data)) : null;
            default -> null;
        };
        return typed != null ? typed : new Raw(type, Octets.read(data, length));
    }

    /**
     * Van Jacobson compression has exactly two parameter octets, and Comp-Slot-Id is 0 or 1
     * (RFC 1332 §4); anything else stays a generic {@link IpCompressionProtocol} so that it
     * re-encodes unchanged.
     */
    private static IpcpOption decodeCompression(ByteBuf data) {
        int protocol = data.readUnsignedShort();
        if (protocol == VanJacobsonCompression.PROTOCOL && data.readableBytes() == 2) {
            int compSlotId = data.getUnsignedByte(data.readerIndex() + 1);
            if (compSlotId <= 1) {
                return new VanJacobsonCompression(data.readUnsignedByte(), data.readUnsignedByte() == 1);
            }
        }
        return new IpCompressionProtocol(protocol, Octets.read(data, data.readableBytes()));
    }

    private static Inet4Address readAddress(ByteBuf data) {
        byte[] address = new byte[4];
        data.readBytes(address);
        try {
            return (Inet4Address) InetAddress.getByAddress(address);
        } catch (UnknownHostException impossible) {
            // getByAddress only fails for a length other than 4 or 16.
            throw new AssertionError(impossible);
        }
    }
}
