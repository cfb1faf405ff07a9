package net.pptpgw.protocol.pptp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.stream.Collectors;
import net.pptpgw.protocol.MalformedPacketException;
import net.pptpgw.protocol.testing.Scapy;
import org.junit.jupiter.api.Test;

/**
 * The reverse direction: Debian's scapy ({@code scapy.layers.pptp}, written independently from
 * RFC 2637) builds every message type with non-default field values; our decoder must decode
 * each to the expected record, and our encoder must produce scapy's octets from that record.
 */
class ControlMessageScapyTest {

    private record Case(String scapy, ControlMessage expected) {}

    private static final List<Case> CASES = List.of(
            new Case("PPTPStartControlConnectionRequest(protocol_version=0x0100, framing_capabilities=2,"
                    + " bearer_capabilities=3, maximum_channels=0, firmware_revision=0x0a28,"
                    + " host_name=b'client.example.net', vendor_string=b'Microsoft Windows')",
                    new StartControlConnectionRequest(0x0100, FramingCapabilities.SYNCHRONOUS, BearerCapabilities.BOTH,
                            0, 0x0a28, "client.example.net", "Microsoft Windows")),
            new Case("PPTPStartControlConnectionReply(result_code=5, error_code=0, framing_capabilities=1,"
                    + " bearer_capabilities=1, maximum_channels=1, firmware_revision=1, host_name=b'local',"
                    + " vendor_string=b'linux')",
                    new StartControlConnectionReply(0x0100, StartControlConnectionResult.UNSUPPORTED_VERSION,
                            GeneralErrorCode.NONE, FramingCapabilities.ASYNCHRONOUS, BearerCapabilities.ANALOG, 1, 1,
                            "local", "linux")),
            new Case("PPTPStopControlConnectionRequest(reason=2)",
                    new StopControlConnectionRequest(StopControlConnectionReason.STOP_PROTOCOL)),
            new Case("PPTPStopControlConnectionReply(result_code=1, error_code=0)",
                    new StopControlConnectionReply(StopControlConnectionResult.OK, GeneralErrorCode.NONE)),
            new Case("PPTPEchoRequest(identifier=0x80000001)", new EchoRequest(0x8000_0001L)),
            new Case("PPTPEchoReply(identifier=0x80000001, result_code=2, error_code=1)",
                    new EchoReply(0x8000_0001L, EchoResult.GENERAL_ERROR, GeneralErrorCode.NOT_CONNECTED)),
            new Case("PPTPOutgoingCallRequest(call_id=0xa9c0, call_serial_number=3, minimum_bps=2400,"
                    + " maximum_bps=10000000, bearer_type=1, framing_type=2, pkt_window_size=64, pkt_proc_delay=0,"
                    + " phone_number_len=4, phone_number=b'1234', subaddress=b'ext 9')",
                    new OutgoingCallRequest(0xa9c0, 3, 2400, 10_000_000, BearerType.ANALOG, FramingType.SYNCHRONOUS,
                            64, 0, 4, "1234", "ext 9")),
            new Case("PPTPOutgoingCallReply(call_id=0, peer_call_id=0xa9c0, result_code=7, error_code=0,"
                    + " cause_code=21, connect_speed=64000, pkt_window_size=32, pkt_proc_delay=10, channel_id=4)",
                    new OutgoingCallReply(0, 0xa9c0, OutgoingCallResult.DO_NOT_ACCEPT, GeneralErrorCode.NONE, 21,
                            64_000, 32, 10, 4)),
            new Case("PPTPIncomingCallRequest(call_id=77, call_serial_number=78, bearer_type=1, channel_id=79,"
                    + " dialed_number_len=3, dialing_number_len=4, dialed_number=b'555', dialing_number=b'6666',"
                    + " subaddress=b'sub')",
                    new IncomingCallRequest(77, 78, BearerType.ANALOG, 79, 3, 4, "555", "6666", "sub")),
            // scapy's Incoming-Call-Reply puts 148 in its Length field (a copy-paste slip from
            // Call-Disconnect-Notify) although it builds 24 octets, so the length is given here.
            new Case("PPTPIncomingCallReply(len=24, call_id=0x1111, peer_call_id=77, result_code=3, error_code=4,"
                    + " pkt_window_size=16384, pkt_transmit_delay=2)",
                    new IncomingCallReply(0x1111, 77, IncomingCallResult.DO_NOT_ACCEPT, GeneralErrorCode.NO_RESOURCE,
                            16384, 2)),
            new Case("PPTPIncomingCallConnected(peer_call_id=0x1111, connect_speed=115200, pkt_window_size=8,"
                    + " pkt_transmit_delay=1, framing_type=1)",
                    new IncomingCallConnected(0x1111, 115_200, 8, 1, FramingType.ASYNCHRONOUS)),
            new Case("PPTPCallClearRequest(call_id=0xa9c0)", new CallClearRequest(0xa9c0)),
            new Case("PPTPCallDisconnectNotify(call_id=0, result_code=3, error_code=0, cause_code=0,"
                    + " call_statistic=b'admin says bye')",
                    new CallDisconnectNotify(0, CallDisconnectResult.ADMIN_SHUTDOWN, GeneralErrorCode.NONE, 0,
                            "admin says bye")),
            new Case("PPTPWANErrorNotify(peer_call_id=0xa9c0, crc_errors=10, framing_errors=20,"
                    + " hardware_overruns=30, buffer_overruns=40, time_out_errors=50, alignment_errors=60)",
                    new WanErrorNotify(0xa9c0, 10, 20, 30, 40, 50, 60)),
            new Case("PPTPSetLinkInfo(peer_call_id=0, send_accm=0x00000000, receive_accm=0xffffffff)",
                    new SetLinkInfo(0, 0, 0xFFFF_FFFF)));

    @Test
    void casesCoverEveryMessageType() {
        assertThat(CASES.stream().map(c -> c.expected().type()).collect(Collectors.toSet()))
                .isEqualTo(EnumSet.allOf(ControlMessageType.class));
    }

    @Test
    void scapyBuiltMessagesDecodeToTheExpectedRecords() {
        List<byte[]> built = Scapy.build(CASES.stream().map(Case::scapy).toList());
        for (int i = 0; i < CASES.size(); i++) {
            Case c = CASES.get(i);
            assertThat(ControlMessages.decode(Unpooled.wrappedBuffer(built.get(i)))).as(c.scapy()).isEqualTo(c.expected());
            assertThat(ControlMessageCodecTest.encode(c.expected())).as("our octets for " + c.scapy())
                    .isEqualTo(built.get(i));
        }
    }

    @Test
    void scapyBuiltStreamDecodesOnTheChannel() {
        List<byte[]> built = Scapy.build(CASES.stream().map(Case::scapy).toList());
        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        built.forEach(stream::writeBytes);
        EmbeddedChannel channel = new EmbeddedChannel(new PptpControlDecoder());
        channel.writeInbound(Unpooled.wrappedBuffer(stream.toByteArray()));
        List<Object> decoded = new ArrayList<>();
        for (Object message; (message = channel.readInbound()) != null; ) {
            decoded.add(message);
        }
        assertThat(decoded).isEqualTo(CASES.stream().map(Case::expected).toList());
        assertThat(channel.finish()).isFalse();
    }

    /** scapy's default Incoming-Call-Reply says Length 148 in 24 octets: a frame decoder must refuse it. */
    @Test
    void scapyDefaultIncomingCallReplyHasTheWrongLength() {
        byte[] built = Scapy.build(List.of("PPTPIncomingCallReply()")).getFirst();
        assertThat(built).hasSize(24);
        assertThat(ByteBufUtil.hexDump(built, 0, 2)).isEqualTo("0094");
        assertThatThrownBy(() -> ControlMessages.decode(Unpooled.wrappedBuffer(built)))
                .isInstanceOfSatisfying(MalformedPacketException.class, e -> assertThat(e.reason()).isEqualTo("bad-length"));
    }
}
