package net.pptpgw.protocol.ppp.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.Arrays;
import net.pptpgw.protocol.ppp.mppe.MppeHeader;
import net.pptpgw.protocol.ppp.mppe.MppeKeyStrength;
import net.pptpgw.protocol.ppp.session.MppeReceiver.Result;
import org.junit.jupiter.api.Test;

/**
 * Stateful MPPE (RFC 3078 §8.2) after losses, transmitter against receiver: a lost packet is
 * bridged by a Reset-Request and the flushed packet that answers it, even when that answer is
 * lost too (the receiver then finds the key changes it missed).
 */
class MppeResynchronisationTest {

    private static final byte[] START_KEY = new byte[16];

    static {
        Arrays.fill(START_KEY, (byte) 0x5A);
    }

    private final MppeTransmitter transmitter = new MppeTransmitter(START_KEY, MppeKeyStrength.BITS_128, false);
    private final MppeReceiver receiver = new MppeReceiver(START_KEY, MppeKeyStrength.BITS_128, false);

    /** One encrypted packet as sent: MPPE header, then protocol + data encrypted. */
    private record Sent(int header, ByteBuf encrypted, byte[] plain) {}

    private Sent send(byte[] protocolAndData) {
        ByteBuf buffer = Unpooled.copiedBuffer(protocolAndData);
        int header = transmitter.encrypt(buffer, 0, buffer.readableBytes());
        return new Sent(header, buffer, protocolAndData);
    }

    private static byte[] ipv4(int n) {
        byte[] packet = new byte[2 + 40];
        packet[1] = 0x21; // protocol 0x0021
        packet[2] = 0x45;
        packet[5] = 40; // Total Length
        packet[10] = (byte) n;
        return packet;
    }

    private Result deliver(Sent sent) {
        ByteBuf copy = sent.encrypted().copy();
        Result result = receiver.decrypt(sent.header(), copy, 0, copy.readableBytes());
        if (result == Result.DECRYPTED) {
            assertThat(ByteBufUtil.getBytes(copy)).as("decrypted %s", MppeHeader.toString(sent.header()))
                    .isEqualTo(sent.plain());
        }
        return result;
    }

    @Test
    void aLostPacketIsBridgedByTheAnswerToTheResetRequest() {
        assertThat(deliver(send(ipv4(0)))).isEqualTo(Result.DECRYPTED);
        send(ipv4(1)); // lost
        assertThat(deliver(send(ipv4(2)))).isEqualTo(Result.DROPPED_RESET_NEEDED);
        transmitter.resetRequested();

        Sent answer = send(ipv4(3));
        assertThat(MppeHeader.isFlushed(answer.header())).isTrue();
        assertThat(deliver(answer)).isEqualTo(Result.DECRYPTED);
        assertThat(deliver(send(ipv4(4)))).isEqualTo(Result.DECRYPTED);
    }

    @Test
    void losingTheAnswersToResetRequestsToo() {
        deliver(send(ipv4(0)));
        send(ipv4(1)); // lost
        assertThat(deliver(send(ipv4(2)))).isEqualTo(Result.DROPPED_RESET_NEEDED);
        // Each Reset-Request gets a flushed answer under a new key, and three answers are lost.
        for (int lost = 0; lost < 3; lost++) {
            transmitter.resetRequested();
            send(ipv4(10 + lost));
            assertThat(deliver(send(ipv4(20 + lost)))).as("not flushed: still discarding").isEqualTo(Result.DROPPED);
        }
        transmitter.resetRequested();

        assertThat(deliver(send(ipv4(30)))).isEqualTo(Result.DECRYPTED);
        for (int i = 31; i < 300; i++) {
            assertThat(deliver(send(ipv4(i)))).isEqualTo(Result.DECRYPTED); // across the flag packet at 0xFF too
        }
    }

    @Test
    void aLostAnswerFollowedByAFlagPacket() {
        deliver(send(ipv4(0)));
        send(ipv4(1)); // lost
        deliver(send(ipv4(2)));
        transmitter.resetRequested();
        send(ipv4(3)); // the answer, lost
        // No more Reset-Requests: the next flushed packet is the flag packet (count 0x0FF).
        Sent next;
        do {
            next = send(ipv4(4));
        } while (!MppeHeader.isFlushed(next.header()));
        assertThat(MppeHeader.coherencyCount(next.header()) & 0xff).isEqualTo(0xff);

        assertThat(deliver(next)).isEqualTo(Result.DECRYPTED);
        assertThat(deliver(send(ipv4(5)))).isEqualTo(Result.DECRYPTED);
    }

    @Test
    void aLostAnswerAndAPacketThatIsNotIpv4LeaveTheReceiverOneKeyBehindAsInLinux() {
        deliver(send(ipv4(0)));
        send(ipv4(1)); // lost
        deliver(send(ipv4(2)));
        transmitter.resetRequested();
        send(ipv4(3)); // the answer, lost
        transmitter.resetRequested();
        byte[] padded = ipv4(4);
        padded[5] = 30; // Total Length shorter than the packet: not recognised, so the expected key is taken
        Sent answer = send(padded);
        ByteBuf copy = answer.encrypted().copy();

        assertThat(receiver.decrypt(answer.header(), copy, 0, copy.readableBytes())).isEqualTo(Result.DECRYPTED);
        assertThat(ByteBufUtil.getBytes(copy)).isNotEqualTo(padded);
    }

    @Test
    void aPacketThatIsNotIpv4ResynchronisesWithTheExpectedKeyAsLinuxDoes() {
        deliver(send(ipv4(0)));
        send(ipv4(1)); // lost
        deliver(send(ipv4(2)));
        transmitter.resetRequested();
        byte[] ipv6 = new byte[42];
        ipv6[0] = 0x57; // protocol 0x57 (PFC): IPv6, which the probe does not recognise
        ipv6[1] = 0x60;
        assertThat(deliver(send(ipv6))).isEqualTo(Result.DECRYPTED);
        assertThat(deliver(send(ipv4(3)))).isEqualTo(Result.DECRYPTED);
    }
}
