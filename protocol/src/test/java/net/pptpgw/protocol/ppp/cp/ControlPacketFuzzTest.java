package net.pptpgw.protocol.ppp.cp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.Arrays;
import java.util.HexFormat;
import net.pptpgw.protocol.ppp.cp.ControlPacketVectors.Vector;
import net.pptpgw.protocol.testing.Fuzz;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Random and mutated packets for each protocol: the decoder throws nothing but
 * MalformedPacketException, never reads past the frame (Fuzz hands over exact-size buffers),
 * and whatever it accepts re-encodes to exactly the octets Length covered, so unknown codes and
 * options are relayed and Configure-Rejected verbatim.
 */
class ControlPacketFuzzTest {

    @ParameterizedTest
    @EnumSource(ProtocolKind.class)
    void decoderIsTotalAndLossless(ProtocolKind kind) {
        var seeds = ControlPacketVectors.of(kind).stream().map(Vector::bytes).toList();
        Fuzz.run("ppp-" + kind.label(), seeds, in -> {
            int start = in.readerIndex();
            ControlPacket packet = ControlPacketCodec.decode(kind, in);
            int length = in.getUnsignedShort(start + 2);
            byte[] received = ByteBufUtil.getBytes(in, start, length);
            ByteBuf out = Unpooled.buffer(length);
            ControlPacketCodec.encode(packet, out);
            byte[] encoded = ByteBufUtil.getBytes(out);
            if (!Arrays.equals(received, encoded)) {
                throw new AssertionError(kind + " re-encoded " + packet + " as " + HexFormat.of().formatHex(encoded)
                        + ", received " + HexFormat.of().formatHex(received));
            }
        });
    }
}
