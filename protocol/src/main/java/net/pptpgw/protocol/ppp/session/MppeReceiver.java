package net.pptpgw.protocol.ppp.session;

import io.netty.buffer.ByteBuf;
import net.pptpgw.protocol.ppp.mppe.MppeHeader;
import net.pptpgw.protocol.ppp.mppe.MppeKeyStrength;
import net.pptpgw.protocol.ppp.mppe.MppeSessionKey;
import net.pptpgw.protocol.ppp.mppe.Rc4;

/**
 * The receiving half of MPPE (RFC 3078 §8), one per session: follows the peer's key changes by
 * the coherency count and decrypts in place. Allocates nothing per packet.
 *
 * <p>Stateless mode (§8.1): the key changes once per coherency count step, so a gap is bridged
 * by changing the key as often as packets were lost; a packet from the past (more than half the
 * 4096 counts behind) or a duplicate cannot be decrypted any more and is dropped.
 *
 * <p>Stateful mode (§8.2): the RC4 keystream runs across packets, so any loss desynchronises
 * it. On a gap the receiver drops the packet, asks the session to send a CCP Reset-Request and
 * discards everything until a packet with the flushed bit arrives; it then changes the key once
 * for every flag packet (count low octet 0xFF) it missed, and once for the flushed packet
 * itself, exactly as the sender did. This mirrors Linux's ppp_mppe, the peer that matters.
 *
 * <p>A limit of that scheme, shared with Linux: the sender also changes the key for the flushed
 * packet that answers a Reset-Request, and nothing in the next flushed packet says how many such
 * changes happened. If that answer is lost too, the receiver resynchronises one key change
 * behind and decrypts garbage until the link is renegotiated. Stateless mode, which pppd prefers,
 * has no such state; the engine-level property test (LossyLinkSessionPropertiesTest) shows both.
 */
public final class MppeReceiver {

    /** What became of a packet. */
    public enum Result {
        /** Decrypted in place. */
        DECRYPTED,
        /** Dropped: cannot be decrypted (late, duplicate, not encrypted, or still desynchronised). */
        DROPPED,
        /** Dropped because packets were lost in stateful mode: send a CCP Reset-Request. */
        DROPPED_RESET_NEEDED
    }

    private static final int COUNTS = MppeHeader.COHERENCY_COUNT_MASK + 1;

    private final MppeSessionKey key;
    /** The keystream that runs across packets in stateful mode; null in stateless mode, where none does. */
    private final Rc4 rc4;
    private int coherencyCount = MppeHeader.COHERENCY_COUNT_MASK;
    private boolean discarding;

    public MppeReceiver(byte[] startKey, MppeKeyStrength strength, boolean stateless) {
        this.key = new MppeSessionKey(startKey, strength);
        if (stateless) {
            this.rc4 = null;
        } else {
            this.rc4 = new Rc4();
            key.keyCipher(rc4);
        }
    }

    /** Decrypts {@code buffer[index, index + length)} in place if {@code header} allows it. */
    public Result decrypt(int header, ByteBuf buffer, int index, int length) {
        if (!MppeHeader.isEncrypted(header) || MppeHeader.isCompressed(header)) {
            return Result.DROPPED; // MPPC was not negotiated; an unencrypted packet must not pass (§3)
        }
        int count = MppeHeader.coherencyCount(header);
        boolean flushed = MppeHeader.isFlushed(header);
        if (rc4 == null) { // stateless
            int ahead = (count - coherencyCount) & MppeHeader.COHERENCY_COUNT_MASK;
            if (!flushed || ahead == 0 || ahead > COUNTS / 2) {
                return Result.DROPPED;
            }
            while (coherencyCount != count) {
                key.change();
                coherencyCount = (coherencyCount + 1) & MppeHeader.COHERENCY_COUNT_MASK;
            }
            key.keyedPacketCipher().process(buffer, index, length);
            return Result.DECRYPTED;
        }
        if (!discarding) {
            coherencyCount = (coherencyCount + 1) & MppeHeader.COHERENCY_COUNT_MASK;
            if (count != coherencyCount) {
                discarding = true;
                return Result.DROPPED_RESET_NEEDED;
            }
        } else {
            if (!flushed) {
                return Result.DROPPED;
            }
            // One key change for every flag packet missed (§8.2), then the flushed packet's own.
            while ((count & ~0xFF) != (coherencyCount & ~0xFF)) {
                key.change();
                coherencyCount = (coherencyCount + 0x100) & MppeHeader.COHERENCY_COUNT_MASK;
            }
            discarding = false;
            coherencyCount = count;
        }
        // Stateful (§8.2).
        if (flushed) {
            key.change();
            key.keyCipher(rc4);
        }
        rc4.process(buffer, index, length);
        return Result.DECRYPTED;
    }

    /** Whether a stateful receiver waits for a flushed packet after a loss. */
    public boolean discarding() {
        return discarding;
    }

    byte[] currentKey() {
        return key.currentKey();
    }
}
