package net.pptpgw.protocol.gre;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.List;
import net.pptpgw.protocol.ppp.PppDecodeStatus;
import net.pptpgw.protocol.ppp.PppFrame;
import net.pptpgw.protocol.ppp.PppHeader;
import net.pptpgw.protocol.ppp.PppProtocol;
import net.pptpgw.protocol.testing.Scapy;
import org.junit.jupiter.api.Test;

/** The reverse direction: scapy builds GRE_PPTP / HDLC / PPP packets, our decoders read them. */
class GreScapyTest {

    private record Expected(int callId, Long sequence, Long ack, boolean addressControl, int protocol, String information) {}

    @Test
    void scapyBuiltPacketsDecodeToTheirFields() {
        List<String> expressions = List.of(
                "GRE_PPTP(call_id=7, seqnum_present=1, sequence_number=5)/HDLC()/PPP(proto=0xc021)/Raw(bytes.fromhex('01010004'))",
                "GRE_PPTP(call_id=0, seqnum_present=1, sequence_number=0xffffffff, acknum_present=1, ack_number=0x7fffffff)"
                        + "/PPP(proto=0x0021)/Raw(bytes.fromhex('4500'))",
                "GRE_PPTP(call_id=65535, acknum_present=1, ack_number=3)",
                "GRE_PPTP(call_id=1, seqnum_present=1, sequence_number=2)/PPP(proto=0x80fd)/Raw(bytes.fromhex('01010004'))",
                "GRE_PPTP(call_id=128, seqnum_present=1, sequence_number=0, acknum_present=1, ack_number=0)"
                        + "/HDLC()/PPP(proto=0x00fd)/Raw(bytes.fromhex('9001aabb'))",
                "GRE_PPTP(call_id=256, seqnum_present=1, sequence_number=9)/HDLC()/PPP(proto=0x8021)"
                        + "/Raw(bytes.fromhex('0101000a0306c0a80001'))");
        List<Expected> expected = List.of(
                new Expected(7, 5L, null, true, 0xC021, "01010004"),
                new Expected(0, 0xFFFF_FFFFL, 0x7FFF_FFFFL, false, 0x0021, "4500"), // scapy compresses the protocol (PFC)
                new Expected(65535, null, 3L, false, -1, ""),
                new Expected(1, 2L, null, false, 0x80FD, "01010004"),
                new Expected(128, 0L, 0L, true, 0x00FD, "9001aabb"),
                new Expected(256, 9L, null, true, 0x8021, "0101000a0306c0a80001"));

        List<byte[]> built = Scapy.build(expressions);
        GreHeader gre = new GreHeader();
        PppHeader ppp = new PppHeader();
        for (int i = 0; i < built.size(); i++) {
            Expected e = expected.get(i);
            ByteBuf datagram = Unpooled.wrappedBuffer(built.get(i));
            String what = expressions.get(i);

            // The data plane's flyweights ...
            assertThat(gre.decode(datagram)).as(what).isEqualTo(GreDecodeStatus.OK);
            assertThat(gre.callId()).as(what).isEqualTo(e.callId);
            assertThat(gre.hasSequence()).as(what).isEqualTo(e.sequence != null);
            assertThat(gre.hasAcknowledgment()).as(what).isEqualTo(e.ack != null);
            if (e.sequence != null) {
                assertThat(gre.sequence()).as(what).isEqualTo(e.sequence);
            }
            if (e.ack != null) {
                assertThat(gre.acknowledgment()).as(what).isEqualTo(e.ack);
            }
            if (e.protocol < 0) {
                assertThat(gre.isAckOnly()).as(what).isTrue();
            } else {
                assertThat(ppp.decode(datagram, gre.payloadOffset(), gre.payloadLength())).as(what).isEqualTo(PppDecodeStatus.OK);
                assertThat(ppp.hasAddressControl()).as(what).isEqualTo(e.addressControl);
                assertThat(ppp.protocol()).as(what).isEqualTo(e.protocol);
                assertThat(ByteBufUtil.hexDump(datagram, ppp.payloadOffset(), ppp.payloadLength())).as(what).isEqualTo(e.information);
            }

            // ... and the records.
            GrePacket packet = GrePacket.decode(datagram);
            assertThat(packet.callId()).isEqualTo(e.callId);
            if (e.protocol >= 0) {
                PppFrame frame = PppFrame.decode(packet.payload());
                assertThat(frame.protocol()).isEqualTo(PppProtocol.of(e.protocol));
                assertThat(ByteBufUtil.hexDump(frame.information())).isEqualTo(e.information);
                frame.release();
            }
            packet.release();
        }
    }
}
