package net.pptpgw.protocol.ppp.session;

import io.netty.buffer.ByteBuf;
import net.pptpgw.protocol.ppp.mppe.MppeHeader;
import net.pptpgw.protocol.ppp.mppe.MppeKeyStrength;
import net.pptpgw.protocol.ppp.mppe.MppeSessionKey;
import net.pptpgw.protocol.ppp.mppe.Rc4;

/**
 * The sending half of MPPE (RFC 3078), one per session: numbers packets with the coherency
 * count and encrypts them in place. Allocates nothing per packet.
 *
 * <p>The key changes (RFC 3078 §7.1-7.2, as Linux's ppp_mppe does it): before every packet in
 * stateless mode; in stateful mode before each "flag" packet (coherency count low octet 0xFF,
 * every 256 packets) and before the first packet after a CCP Reset-Request. Each changed key
 * restarts RC4 and sets the flushed bit (A); otherwise, in stateful mode, the RC4 keystream runs
 * on from packet to packet.
 */
public final class MppeTransmitter {

    private final MppeSessionKey key;
    /** The keystream that runs across packets in stateful mode; null in stateless mode, where none does. */
    private final Rc4 rc4;
    /** The count of the last packet sent; the first packet carries 0. */
    private int coherencyCount = MppeHeader.COHERENCY_COUNT_MASK;
    private boolean flushRequested;

    public MppeTransmitter(byte[] startKey, MppeKeyStrength strength, boolean stateless) {
        this.key = new MppeSessionKey(startKey, strength);
        if (stateless) {
            this.rc4 = null;
        } else {
            this.rc4 = new Rc4();
            key.keyCipher(rc4);
        }
    }

    /**
     * Encrypts {@code buffer[index, index + length)} in place (the PPP Protocol field and the
     * Information of the packet) and returns the MPPE header the caller writes before it.
     */
    public int encrypt(ByteBuf buffer, int index, int length) {
        coherencyCount = (coherencyCount + 1) & MppeHeader.COHERENCY_COUNT_MASK;
        if (rc4 == null) { // stateless: a new key for every packet
            key.change();
            key.processPacket(buffer, index, length);
            return MppeHeader.ENCRYPTED | MppeHeader.FLUSHED | coherencyCount;
        }
        int flags = MppeHeader.ENCRYPTED;
        if ((coherencyCount & 0xFF) == 0xFF || flushRequested) {
            key.change();
            key.keyCipher(rc4);
            flags |= MppeHeader.FLUSHED;
            flushRequested = false;
        }
        rc4.process(buffer, index, length);
        return flags | coherencyCount;
    }

    /**
     * A CCP Reset-Request arrived (RFC 3078 §8.2): the next packet goes out under a new key with
     * the flushed bit, which lets the peer's decryptor resynchronise.
     */
    public void resetRequested() {
        flushRequested = true;
    }

    /** A copy of the current session key, for tests against RFC 3079's samples. */
    byte[] currentKey() {
        return key.currentKey();
    }
}
