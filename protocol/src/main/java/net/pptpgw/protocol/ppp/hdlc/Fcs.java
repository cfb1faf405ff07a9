package net.pptpgw.protocol.ppp.hdlc;

import net.pptpgw.protocol.Octets;
import io.netty.buffer.ByteBuf;

/**
 * The Frame Check Sequences of RFC 1662 §C: the 16-bit FCS every PPP link starts with, and the
 * 32-bit FCS a link may negotiate (RFC 1570 FCS-Alternatives). Both are table-driven
 * reflected CRCs, computed over the unescaped octets between the flags and transmitted
 * complemented, least significant octet first. Run over a frame that includes its received
 * FCS, the register ends at {@link #good()} when the frame is intact.
 */
public enum Fcs {
    /** RFC 1662 §C.2: polynomial x^16 + x^12 + x^5 + 1 (reflected 0x8408). */
    FCS_16(2, 0xFFFF, 0xF0B8, table(0x8408), 0xFFFF),
    /** RFC 1662 §C.3: the CRC-32 polynomial (reflected 0xedb88320). */
    FCS_32(4, 0xFFFFFFFF, 0xDEBB20E3, table(0xEDB88320), 0xFFFFFFFF);

    private final int length;
    private final int initial;
    private final int good;
    private final int[] table;
    private final int mask;

    Fcs(int length, int initial, int good, int[] table, int mask) {
        this.length = length;
        this.initial = initial;
        this.good = good;
        this.table = table;
        this.mask = mask;
    }

    /** Builds the 256-entry table as the program in RFC 1662 §C.2 does. */
    private static int[] table(int polynomial) {
        int[] table = new int[256];
        for (int b = 0; b < 256; b++) {
            int v = b;
            for (int i = 0; i < 8; i++) {
                v = (v & 1) != 0 ? (v >>> 1) ^ polynomial : v >>> 1;
            }
            table[b] = v;
        }
        return table;
    }

    /** Octets on the wire. */
    public int length() {
        return length;
    }

    /** The register's value before the first octet (PPPINITFCS16 / PPPINITFCS32). */
    public int initial() {
        return initial;
    }

    /** The register's value after an intact frame including its FCS (PPPGOODFCS16 / PPPGOODFCS32). */
    public int good() {
        return good;
    }

    /** Feeds one octet: {@code fcs = (fcs >> 8) ^ fcstab[(fcs ^ c) & 0xff]}. */
    public int update(int fcs, int octet) {
        return (fcs >>> 8) ^ table[(fcs ^ octet) & 0xFF];
    }

    /** Feeds {@code buffer[index, index + length)}. */
    public int update(int fcs, ByteBuf buffer, int index, int length) {
        for (int i = index, end = index + length; i < end; i++) {
            fcs = update(fcs, buffer.getByte(i));
        }
        return fcs;
    }

    /** The value to transmit for a register: its complement, {@link #length()} octets wide. */
    public int transmitted(int fcs) {
        return ~fcs & mask;
    }
}
