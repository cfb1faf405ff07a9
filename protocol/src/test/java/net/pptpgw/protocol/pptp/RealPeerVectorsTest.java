package net.pptpgw.protocol.pptp;

import static net.pptpgw.protocol.pptp.ControlMessageVectors.hex;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Messages real peers sent: Debian's pptp-linux 1.10.0 ({@code pptp --nolaunchpppd}) dialling
 * Debian's pptpd 1.4.0 (pppd replaced by a silent stub), captured with tcpdump on a private
 * network namespace; the client was stopped with SIGTERM after the call was up. The TCP
 * payloads are copied here octet for octet.
 */
class RealPeerVectorsTest {

    private static final String CLIENT_SCCRQ = "009c00011a2b3c4d00010000010000000000000300000003ffff0001"
            + "6c6f63616c" + "00".repeat(59) + "63616e616e69616e" + "00".repeat(56);
    private static final String SERVER_SCCRP = "009c00011a2b3c4d00020000010001000000000000000000000100016c6f63616c"
            + "00".repeat(59) + "6c696e7578" + "00".repeat(59);
    private static final String CLIENT_OCRQ = "00a800011a2b3c4d00070000c33000000000096000989680000000030000000300030000"
            + "00000000" + "00".repeat(128);
    private static final String SERVER_OCRP = "002000011a2b3c4d000800000000c33001000000009896800003000000000000";
    private static final String CLIENT_CCRQ = "001000011a2b3c4d000c0000c3300000";

    @Test
    void pptpLinuxStartControlConnectionRequest() {
        // pptp-linux claims both framings, both bearers and 65535 channels; its vendor string
        // is the name of pptp-linux's original author.
        assertDecodesAndReencodes(CLIENT_SCCRQ, new StartControlConnectionRequest(0x0100, FramingCapabilities.BOTH,
                BearerCapabilities.BOTH, 0xFFFF, 1, "local", "cananian"));
    }

    @Test
    void pptpdStartControlConnectionReply() {
        assertDecodesAndReencodes(SERVER_SCCRP, new StartControlConnectionReply(0x0100,
                StartControlConnectionResult.SUCCESSFUL, GeneralErrorCode.NONE, FramingCapabilities.NONE,
                BearerCapabilities.NONE, 1, 1, "local", "linux"));
    }

    @Test
    void pptpLinuxOutgoingCallRequest() {
        // Random call ID, call serial number 0, window 3, phone number length 0 with no number.
        assertDecodesAndReencodes(CLIENT_OCRQ, new OutgoingCallRequest(0xC330, 0, 2400, 10_000_000, BearerType.ANY,
                FramingType.ANY, 3, 0, 0, "", ""));
    }

    @Test
    void pptpdOutgoingCallReply() {
        // pptpd hands out call ID 0 first: 0 is a real call ID.
        assertDecodesAndReencodes(SERVER_OCRP, new OutgoingCallReply(0, 0xC330, OutgoingCallResult.CONNECTED,
                GeneralErrorCode.NONE, 0, 10_000_000, 3, 0, 0));
    }

    @Test
    void pptpLinuxCallClearRequest() {
        assertDecodesAndReencodes(CLIENT_CCRQ, new CallClearRequest(0xC330));
    }

    @Test
    void eachDirectionAsOneStream() {
        assertThat(decodeStream(CLIENT_SCCRQ + CLIENT_OCRQ + CLIENT_CCRQ))
                .extracting(m -> ((ControlMessage) m).type())
                .containsExactly(ControlMessageType.START_CONTROL_CONNECTION_REQUEST,
                        ControlMessageType.OUTGOING_CALL_REQUEST, ControlMessageType.CALL_CLEAR_REQUEST);
        assertThat(decodeStream(SERVER_SCCRP + SERVER_OCRP))
                .extracting(m -> ((ControlMessage) m).type())
                .containsExactly(ControlMessageType.START_CONTROL_CONNECTION_REPLY, ControlMessageType.OUTGOING_CALL_REPLY);
    }

    private static void assertDecodesAndReencodes(String hex, ControlMessage expected) {
        byte[] bytes = hex(hex);
        assertThat(ControlMessages.decode(Unpooled.wrappedBuffer(bytes))).isEqualTo(expected);
        assertThat(ControlMessageCodecTest.encode(expected)).isEqualTo(bytes);
    }

    private static List<Object> decodeStream(String hex) {
        EmbeddedChannel channel = new EmbeddedChannel(new PptpControlDecoder());
        channel.writeInbound(Unpooled.wrappedBuffer(hex(hex)));
        List<Object> messages = new ArrayList<>();
        for (Object message; (message = channel.readInbound()) != null; ) {
            messages.add(message);
        }
        assertThat(channel.finish()).isFalse();
        return messages;
    }
}
