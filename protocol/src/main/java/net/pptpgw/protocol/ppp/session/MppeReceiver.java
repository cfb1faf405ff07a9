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
 * <p>A gap in that scheme, which Linux leaves open: the sender also changes the key for the
 * flushed packet that answers a Reset-Request, and nothing in the next flushed packet says how
 * many such changes happened. If that answer is lost too (a loss burst, a peer's overflowing
 * socket), the receiver would resynchronise one key change behind and decrypt garbage until
 * the link is renegotiated. So on resynchronisation the receiver tries the expected key first
 * and then up to {@link #MAX_EXTRA_KEY_CHANGES} further changes on a scratch copy, decrypting
 * only the first octets, and takes the first key under which they read as an IPv4 datagram
 * (protocol 0x21 or 0x0021, version 4, a header length of at least 5 words, a Total Length equal
 * to the rest of the packet): a wrong key passes that test with odds of about 1 in 4·10^8. When
 * none does (the packet is not IPv4, is padded, or is too short), it takes the expected key, as
 * Linux does. This runs once per resynchronisation, never
 * per packet; its scratch is allocated at the first one, so a session that never loses a
 * packet carries none of it.
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
    /** Lost flushed packets (answers to Reset-Requests) a resynchronisation can make up for. */
    public static final int MAX_EXTRA_KEY_CHANGES = 8;
    /** Protocol (two octets at most) and the first four octets of the IPv4 header. */
    private static final int PROBE_OCTETS = 6;

    private final MppeSessionKey key;
    /** The keystream that runs across packets in stateful mode; null in stateless mode, where none does. */
    private final Rc4 rc4;
    private int coherencyCount = MppeHeader.COHERENCY_COUNT_MASK;
    private boolean discarding;
    /** Scratch for trying key changes on resynchronisation: null until the first one (stateful only). */
    private MppeSessionKey probeKey;
    private Rc4 probeRc4;
    private byte[] probe;

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
        if (rc4 == null) { // stateless (§8.1)
            int ahead = (count - coherencyCount) & MppeHeader.COHERENCY_COUNT_MASK;
            if (!flushed || ahead == 0 || ahead > COUNTS / 2) {
                return Result.DROPPED;
            }
            while (coherencyCount != count) {
                key.change();
                coherencyCount = (coherencyCount + 1) & MppeHeader.COHERENCY_COUNT_MASK;
            }
            key.processPacket(buffer, index, length);
            return Result.DECRYPTED;
        }
        // Stateful (§8.2).
        if (!discarding) {
            coherencyCount = (coherencyCount + 1) & MppeHeader.COHERENCY_COUNT_MASK;
            if (count != coherencyCount) {
                discarding = true;
                return Result.DROPPED_RESET_NEEDED;
            }
            if (flushed) {
                key.change();
                key.keyCipher(rc4);
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
            for (int changes = keyChangesToResynchronise(buffer, index, length); changes > 0; changes--) {
                key.change();
            }
            key.keyCipher(rc4);
        }
        rc4.process(buffer, index, length);
        return Result.DECRYPTED;
    }

    /**
     * How many key changes the flushed packet that ends a loss needs: one (the flush itself), or
     * more when earlier flushed packets were lost as well, judged by which key makes the first
     * octets an IPv4 datagram. See the class comment.
     */
    private int keyChangesToResynchronise(ByteBuf buffer, int index, int length) {
        int octets = Math.min(length, PROBE_OCTETS);
        if (octets < 5) {
            return 1;
        }
        if (probeKey == null) {
            probeKey = new MppeSessionKey(key);
            probeRc4 = new Rc4();
            probe = new byte[PROBE_OCTETS];
        }
        probeKey.copyFrom(key);
        for (int changes = 1; changes <= 1 + MAX_EXTRA_KEY_CHANGES; changes++) {
            probeKey.change();
            probeKey.keyCipher(probeRc4);
            buffer.getBytes(index, probe, 0, octets);
            probeRc4.process(probe, 0, octets);
            if (looksLikeIpv4(probe, octets, length)) {
                return changes;
            }
        }
        return 1;
    }

    /**
     * Protocol 0x21 (PFC) or 0x0021, then the start of an IPv4 header: version 4, a header length
     * of at least 5 words, and a Total Length equal to what follows the protocol field.
     */
    private static boolean looksLikeIpv4(byte[] plain, int octets, int length) {
        int protocolLength;
        if ((plain[0] & 0xff) == 0x21) {
            protocolLength = 1;
        } else if (octets >= 6 && plain[0] == 0x00 && (plain[1] & 0xff) == 0x21) {
            protocolLength = 2;
        } else {
            return false;
        }
        int versionAndLength = plain[protocolLength] & 0xff;
        int totalLength = ((plain[protocolLength + 2] & 0xff) << 8) | (plain[protocolLength + 3] & 0xff);
        return (versionAndLength & 0xf0) == 0x40 && (versionAndLength & 0x0f) >= 5
                && totalLength == length - protocolLength;
    }

    /** Whether a stateful receiver waits for a flushed packet after a loss. */
    public boolean discarding() {
        return discarding;
    }

    byte[] currentKey() {
        return key.currentKey();
    }
}
