package net.pptpgw.protocol.ppp.cp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.HexFormat;
import java.util.List;

/** Decodes and encodes single options through the real packet codec, for option-level tests. */
public final class OptionTlv {

    private OptionTlv() {}

    /** The one option that {@code optionHex} (Type, Length, Data) decodes to inside a Configure-Request of {@code kind}. */
    public static ConfigurationOption decode(ProtocolKind kind, String optionHex) {
        byte[] option = HexFormat.of().parseHex(optionHex.replace(" ", ""));
        ByteBuf packet = Unpooled.buffer();
        packet.writeByte(ControlCode.CONFIGURE_REQUEST).writeByte(1).writeShort(4 + option.length).writeBytes(option);
        List<ConfigurationOption> options = ((ControlPacket.ConfigureRequest) ControlPacketCodec.decode(kind, packet)).options();
        if (options.size() != 1) {
            throw new AssertionError("expected one option, got " + options);
        }
        return options.getFirst();
    }

    /** The octets of one option: Type, Length, Data. */
    public static String encode(ConfigurationOption option) {
        ByteBuf out = Unpooled.buffer();
        ControlPacketCodec.encodeOption(option, out);
        return HexFormat.of().formatHex(ByteBufUtil.getBytes(out));
    }
}
