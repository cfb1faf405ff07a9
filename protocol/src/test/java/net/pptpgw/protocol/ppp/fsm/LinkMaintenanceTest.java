package net.pptpgw.protocol.ppp.fsm;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.HexFormat;
import net.pptpgw.protocol.ppp.cp.ControlPacket.CodeReject;
import net.pptpgw.protocol.ppp.cp.ControlPacket.DiscardRequest;
import net.pptpgw.protocol.ppp.cp.ControlPacket.EchoReply;
import net.pptpgw.protocol.ppp.cp.ControlPacket.EchoRequest;
import net.pptpgw.protocol.ppp.cp.ControlPacket.Identification;
import net.pptpgw.protocol.ppp.cp.ControlPacket.ProtocolReject;
import net.pptpgw.protocol.ppp.cp.ControlPacket.TimeRemaining;
import net.pptpgw.protocol.ppp.cp.ControlPacket.UnknownCode;
import net.pptpgw.protocol.Octets;
import org.junit.jupiter.api.Test;

class LinkMaintenanceTest {

    @Test
    void echoRequestIsAnsweredWithTheSameIdentifierAndDataAndOurMagicNumber() {
        EchoRequest request = new EchoRequest(9, 0x11111111, Octets.fromHex("0102"));
        assertThat(LinkMaintenance.answer(request, 0x22222222)).contains(new EchoReply(9, 0x22222222, Octets.fromHex("0102")));
        assertThat(LinkMaintenance.echoReply(request, 0)).isEqualTo(new EchoReply(9, 0, Octets.fromHex("0102")));
    }

    @Test
    void informationalPacketsGetNoAnswer() {
        assertThat(LinkMaintenance.answer(new EchoReply(1, 5, Octets.EMPTY), 7)).isEmpty();
        assertThat(LinkMaintenance.answer(new DiscardRequest(1, 5, Octets.EMPTY), 7)).isEmpty();
        assertThat(LinkMaintenance.answer(new Identification(1, 5, Octets.fromHex("4d53")), 7)).isEmpty();
        assertThat(LinkMaintenance.answer(new TimeRemaining(1, 5, 3600, Octets.EMPTY), 7)).isEmpty();
    }

    @Test
    void ourOwnMagicNumberComingBackMeansALoop() {
        assertThat(LinkMaintenance.loopedBack(new EchoRequest(1, 0x1234, Octets.EMPTY), 0x1234)).isTrue();
        assertThat(LinkMaintenance.loopedBack(new EchoRequest(1, 0x1235, Octets.EMPTY), 0x1234)).isFalse();
        assertThat(LinkMaintenance.loopedBack(new EchoRequest(1, 0, Octets.EMPTY), 0)).as("no magic negotiated").isFalse();
    }

    @Test
    void codeRejectQuotesThePacketFromItsCodeOctet() {
        CodeReject reject = LinkMaintenance.codeReject(3, new UnknownCode(0x20, 1, Octets.fromHex("abcd")), 1500);
        assertThat(reject).isEqualTo(new CodeReject(3, Octets.fromHex("20010006abcd")));
    }

    @Test
    void codeRejectIsTruncatedToThePeersMru() {
        CodeReject reject = LinkMaintenance.codeReject(3, new UnknownCode(0x20, 1, Octets.of(new byte[2000])), 1400);
        assertThat(reject.rejectedPacket().length()).as("4 octets of Code-Reject header + 1396 quoted = MRU").isEqualTo(1396);
        assertThat(reject.rejectedPacket().toHex()).startsWith("200107d4");
    }

    @Test
    void protocolRejectQuotesTheInformationWithinTheMruAndLeavesTheBufferAlone() {
        ByteBuf information = Unpooled.wrappedBuffer(new byte[1500]);
        information.setByte(0, 0x45);
        ProtocolReject reject = LinkMaintenance.protocolReject(4, 0x8057, information, 1400);
        assertThat(reject.rejectedProtocol()).isEqualTo(0x8057);
        assertThat(reject.rejectedInformation().length()).isEqualTo(1400 - 6);
        assertThat(reject.rejectedInformation().get(0)).isEqualTo(0x45);
        assertThat(information.readerIndex()).isZero();

        ProtocolReject small = LinkMaintenance.protocolReject(5, 0x80fd, Unpooled.wrappedBuffer(HexFormat.of().parseHex("0e01")), 1500);
        assertThat(small).isEqualTo(new ProtocolReject(5, 0x80fd, Octets.fromHex("0e01")));
    }
}
