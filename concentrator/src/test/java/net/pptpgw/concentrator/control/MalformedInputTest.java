package net.pptpgw.concentrator.control;

import static net.pptpgw.concentrator.control.TestPeers.FIRST_CALL_ID;
import static net.pptpgw.concentrator.control.TestPeers.field;
import static net.pptpgw.concentrator.control.TestPeers.hex;
import static net.pptpgw.concentrator.control.TestPeers.zeros;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import net.pptpgw.concentrator.call.CallClearCause;
import net.pptpgw.concentrator.control.TestPeers.PeerChannel;
import net.pptpgw.protocol.pptp.BearerType;
import net.pptpgw.protocol.pptp.FramingType;
import net.pptpgw.protocol.pptp.OutgoingCallRequest;
import net.pptpgw.protocol.pptp.StartControlConnectionRequest;
import net.pptpgw.protocol.pptp.FramingCapabilities;
import net.pptpgw.protocol.pptp.BearerCapabilities;
import org.junit.jupiter.api.Test;

/**
 * Garbage and truncated control messages: one clear answer with the §2.16 error code that
 * names the fault, the connection closed, its calls released, the fault counted by reason, and
 * every other connection untouched.
 */
class MalformedInputTest {

    private final TestPeers peers = new TestPeers();

    private static final byte[] SCCRQ = TestPeers.encode(new StartControlConnectionRequest(0x0100,
            FramingCapabilities.NONE, BearerCapabilities.NONE, 0, 0, "client", ""));

    private static String sccrpGeneralError(String errorCode) {
        return ("009c 0001 1a2b3c4d 0002 0000 0100 02 " + errorCode + " 00000003 00000003 ea60 0001 "
                + field("pptp-gateway", 64) + field("pptp-gateway", 64)).replace(" ", "");
    }

    private static OutgoingCallRequest ocrq(int callId) {
        return new OutgoingCallRequest(callId, 0, 0, 0, BearerType.ANY, FramingType.ANY, 3, 0, 0, "", "");
    }

    @Test
    void httpRequestOnThePptpPortGetsBadFormatAndClose() {
        // "GE" read as a Length of 18245: beyond the longest PPTP message.
        PeerChannel peer = peers.connect("198.51.100.1")
                .receive("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        assertThat(peer.sent()).isEqualTo(sccrpGeneralError("02"));
        assertThat(peer.isOpen()).isFalse();
        assertThat(peers.counter("pptp.control.malformed", "reason", "bad-length")).isEqualTo(1);
    }

    @Test
    void wrongMagicCookieGetsBadFormat() {
        byte[] bad = SCCRQ.clone();
        bad[4] ^= 0x01;
        PeerChannel peer = peers.connect("198.51.100.1").receive(bad);
        assertThat(peer.sent()).isEqualTo(sccrpGeneralError("02"));
        assertThat(peer.isOpen()).isFalse();
        assertThat(peers.counter("pptp.control.malformed", "reason", "bad-magic-cookie")).isEqualTo(1);
    }

    @Test
    void undefinedMessageTypeGetsBadValue() {
        PeerChannel peer = peers.connect("198.51.100.1").receive(hex("0010 0001 1a2b3c4d 0010 0000 00000000"));
        assertThat(peer.sent()).isEqualTo(sccrpGeneralError("03"));
        assertThat(peer.isOpen()).isFalse();
    }

    @Test
    void lengthThatIsNotTheTypesGetsBadFormat() {
        // A Start-Control-Connection-Request header claiming 100 octets (it has 156).
        byte[] truncated = Arrays.copyOf(SCCRQ, 100);
        truncated[0] = 0;
        truncated[1] = 100;
        PeerChannel peer = peers.connect("198.51.100.1").receive(truncated);
        assertThat(peer.sent()).isEqualTo(sccrpGeneralError("02"));
        assertThat(peer.isOpen()).isFalse();
    }

    @Test
    void truncatedMessageThenTcpCloseLeavesNothingBehind() {
        PeerChannel peer = peers.connect("198.51.100.1").receive(Arrays.copyOf(SCCRQ, 80));
        assertThat(peer.sent()).isEmpty();
        assertThat(peer.isOpen()).isTrue();
        peer.close();
        assertThat(peers.plane.halfOpen().size()).isZero();
        assertThat(peers.gauge("pptp.control.connections", "state", "idle")).isZero();
        assertThat(peers.counter("pptp.control.malformed", "reason", "truncated")).isEqualTo(1);
    }

    @Test
    void garbageOnEstablishedConnectionDisconnectsEachCallWithTheErrorThenStops() {
        PeerChannel peer = peers.connect("198.51.100.1").receive(SCCRQ);
        peer.receive(ocrq(1)).receive(ocrq(2));
        peer.sent();

        peer.receive(hex("0010 0001 deadbeef 0005 0000 00000000"));

        assertThat(peer.sent()).isEqualTo((
                // CDN per call: result 2 (General Error), error 2 (Bad-Format)
                "0094 0001 1a2b3c4d 000d 0000 4000 02 02 0000 0000" + zeros(128)
                + "0094 0001 1a2b3c4d 000d 0000 4001 02 02 0000 0000" + zeros(128)
                // StopCCRQ, reason 1 (None)
                + "0010 0001 1a2b3c4d 0003 0000 01 00 0000").replace(" ", ""));
        assertThat(peer.isOpen()).isFalse();
        assertThat(peers.plane.calls().activeCalls()).isZero();
        assertThat(peers.cleared).containsExactly(FIRST_CALL_ID + ":" + CallClearCause.PROTOCOL_ERROR,
                FIRST_CALL_ID + 1 + ":" + CallClearCause.PROTOCOL_ERROR);
    }

    @Test
    void messagesBeforeTheBadOctetsInTheSameSegmentAreStillServed() {
        PeerChannel peer = peers.connect("198.51.100.1");
        byte[] segment = concat(SCCRQ, TestPeers.encode(ocrq(1)), hex("ffff"));
        peer.receive(segment);
        assertThat(peer.sentMessages()).extracting(m -> m.type().abbreviation())
                .containsExactly("SCCRP", "OCRP", "CDN", "StopCCRQ");
        assertThat(peer.isOpen()).isFalse();
    }

    @Test
    void oneBadPeerDoesNotDisturbAnother() {
        PeerChannel good = peers.connect("198.51.100.1").receive(SCCRQ).receive(ocrq(1));
        good.sent();
        PeerChannel bad = peers.connect("198.51.100.2").receive(SCCRQ).receive(ocrq(1));

        bad.receive(hex("0000 0000"));

        assertThat(bad.isOpen()).isFalse();
        assertThat(good.isOpen()).isTrue();
        assertThat(peers.plane.calls().find(FIRST_CALL_ID)).isNotNull();
        assertThat(peers.plane.calls().activeCalls()).isEqualTo(1);
        good.receive(hex("0010 0001 1a2b3c4d 0005 0000 00000001"));
        assertThat(good.sent()).isEqualTo("001400011a2b3c4d00060000000000010100" + "0000");
    }

    private static byte[] concat(byte[]... parts) {
        int length = 0;
        for (byte[] part : parts) {
            length += part.length;
        }
        byte[] all = new byte[length];
        int at = 0;
        for (byte[] part : parts) {
            System.arraycopy(part, 0, all, at, part.length);
            at += part.length;
        }
        return all;
    }
}
