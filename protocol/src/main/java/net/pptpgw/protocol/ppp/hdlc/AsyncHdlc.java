package net.pptpgw.protocol.ppp.hdlc;

import io.netty.buffer.ByteBuf;

/**
 * RFC 1662 §4 octet-stuffed ("asynchronous HDLC-like") framing, as pptp and pptpd speak it on
 * the pty to pppd: each frame between Flag Sequences {@code 7e}, with the FCS appended, and
 * every flag, control escape {@code 7d} and flagged control character replaced by {@code 7d}
 * followed by the octet exclusive-or'd with {@code 0x20}.
 *
 * <p>Which control characters (0x00-0x1f) are escaped is the Async-Control-Character-Map
 * (RFC 1662 §7.1): bit {@code n} of the 32-bit ACCM stands for character {@code n}. It defaults
 * to all ones until LCP agrees on another map, and each direction has its own.
 */
public final class AsyncHdlc {

    /** Flag Sequence. */
    public static final int FLAG = 0x7E;
    /** Control Escape. */
    public static final int CONTROL_ESCAPE = 0x7D;
    /** Exclusive-or'd into an escaped octet. */
    public static final int ESCAPE_XOR = 0x20;
    /** RFC 1662 §7.1 default: escape every control character. */
    public static final int DEFAULT_ACCM = 0xFFFFFFFF;

    private AsyncHdlc() {}

    /** Whether {@code octet} (0-255) goes on the wire as control escape plus octet xor 0x20. */
    public static boolean needsEscape(int octet, int accm) {
        return octet == FLAG || octet == CONTROL_ESCAPE || (octet < 0x20 && ((accm >>> octet) & 1) != 0);
    }

    /** The most octets {@link #encode} writes for a frame: two flags, everything escaped. */
    public static int maxEncodedLength(int frameLength, Fcs fcs) {
        return 2 + 2 * (frameLength + fcs.length());
    }

    /**
     * Writes {@code frame[index, index + length)} (address, control, protocol and information)
     * as one framed unit at {@code out}'s writer index: opening flag, escaped frame, escaped
     * FCS, closing flag. An opening flag on every frame costs one octet and lets the peer
     * resynchronise at once after line noise (RFC 1662 §3.1: two consecutive flags are an
     * empty frame, silently discarded).
     */
    public static void encode(ByteBuf frame, int index, int length, int accm, Fcs fcs, ByteBuf out) {
        out.ensureWritable(maxEncodedLength(length, fcs));
        out.writeByte(FLAG);
        int register = fcs.initial();
        for (int i = index, end = index + length; i < end; i++) {
            int octet = frame.getUnsignedByte(i);
            register = fcs.update(register, octet);
            writeEscaped(out, octet, accm);
        }
        int transmitted = fcs.transmitted(register);
        for (int i = 0; i < fcs.length(); i++) {
            writeEscaped(out, (transmitted >>> (8 * i)) & 0xFF, accm); // least significant octet first
        }
        out.writeByte(FLAG);
    }

    private static void writeEscaped(ByteBuf out, int octet, int accm) {
        if (needsEscape(octet, accm)) {
            out.writeByte(CONTROL_ESCAPE);
            out.writeByte(octet ^ ESCAPE_XOR);
        } else {
            out.writeByte(octet);
        }
    }
}
