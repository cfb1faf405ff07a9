package net.pptpgw.protocol.ppp;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;

/** Every encodable protocol, with every combination of ACFC and PFC, decodes to what was encoded. */
class PppPropertiesTest {

    @Provide
    Arbitrary<Integer> protocols() {
        return Arbitraries.integers().between(0, 0xFFFF).filter(PppProtocol::isEncodable)
                .edgeCases(c -> c.add(0xC021, 0x0021, 0x00FD, 0x00FF, 0x0000, 0x0020, 0xFE03, 0x00FF));
    }

    @Property
    void frameRoundTrips(@ForAll("protocols") int protocol, @ForAll boolean acfc, @ForAll boolean pfc,
            @ForAll @Size(max = 64) byte[] information) {
        PppFrame frame = new PppFrame(PppProtocol.of(protocol), Unpooled.wrappedBuffer(information));
        ByteBuf wire = Unpooled.buffer();
        frame.encode(wire, acfc, pfc);
        assertThat(wire.readableBytes()).isEqualTo(frame.encodedLength(acfc, pfc));
        PppFrame decoded = PppFrame.decode(wire);
        assertThat(decoded).isEqualTo(frame);
        decoded.release();
    }

    @Property
    void flyweightRoundTripsInPlace(@ForAll("protocols") int protocol, @ForAll boolean acfc, @ForAll boolean pfc,
            @ForAll @Size(max = 64) byte[] information) {
        ByteBuf packet = Unpooled.buffer(PppHeader.MAX_LENGTH + information.length);
        packet.writerIndex(PppHeader.MAX_LENGTH).readerIndex(PppHeader.MAX_LENGTH).writeBytes(information);
        PppHeader.prependTo(packet, protocol, acfc, pfc);
        PppHeader header = new PppHeader();
        assertThat(header.decode(packet, packet.readerIndex(), packet.readableBytes())).isEqualTo(PppDecodeStatus.OK);
        assertThat(header.protocol()).isEqualTo(protocol);
        assertThat(header.payloadOffset()).isEqualTo(PppHeader.MAX_LENGTH);
        assertThat(header.payloadLength()).isEqualTo(information.length);
        assertThat(header.hasAddressControl()).isEqualTo(!acfc || protocol == 0xC021);
        assertThat(header.isProtocolCompressed()).isEqualTo(pfc && PppProtocol.isCompressible(protocol));
    }
}
