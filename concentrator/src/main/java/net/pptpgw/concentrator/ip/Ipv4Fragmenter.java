package net.pptpgw.concentrator.ip;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import net.pptpgw.linux.InternetChecksum;
import net.pptpgw.linux.Ipv4Header;

/**
 * Splits an IPv4 datagram too large for a session's MTU into fragments, by RFC 791 §3.2's
 * procedure: every fragment but the last carries a multiple of 8 data octets (the Fragment
 * Offset counts 8-octet units) and More-Fragments; the first keeps every option, later ones only
 * those whose copied flag is set (RFC 791 §3.1, "Options"); each gets its own Total Length and
 * header checksum. A datagram that is itself a fragment is split the same way, its offset added
 * and its own More-Fragments kept on the last piece, so the receiver reassembles the original.
 *
 * <p>One instance per thread (the TUN's event loop), reused: {@link #start} checks a datagram,
 * then {@link #next} makes one fragment at a time from {@code allocator}, each with
 * {@code headroom} free octets in front so PPP, MPPE and GRE headers are added in place. Nothing
 * else is allocated. The datagram stays the caller's.
 */
final class Ipv4Fragmenter {

    /** An IPv4 header without options (RFC 791 §3.1). */
    static final int MIN_HEADER_LENGTH = 20;
    private static final int FLAG_MORE_FRAGMENTS = 0x2000;
    private static final int FRAGMENT_OFFSET_MASK = 0x1FFF;
    private static final int OPTION_END = 0;
    private static final int OPTION_NOP = 1;
    private static final int OPTION_COPIED = 0x80;

    private final ByteBufAllocator allocator;
    private final int headroom;
    /** The options of fragments after the first (the copied ones, zero-padded to 32 bits). */
    private final byte[] laterOptions = new byte[60 - MIN_HEADER_LENGTH];

    // The datagram being split; set by start().
    private ByteBuf datagram;
    private int headerLength;
    private int laterHeaderLength;
    private int dataLength;
    private int originalOffset;
    private boolean originalMoreFragments;
    private int firstUnit;
    private int laterUnit;
    private int nextData;

    Ipv4Fragmenter(ByteBufAllocator allocator, int headroom) {
        this.allocator = allocator;
        this.headroom = headroom;
    }

    /**
     * The header length of the IPv4 datagram at {@code packet}'s reader index, or -1 unless its
     * IHL is at least 5 and its Total Length covers the header and lies within the readable bytes.
     * (Octets after Total Length are the link layer's padding, not the datagram's.)
     */
    static int headerLength(ByteBuf packet) {
        int headerLength = Ipv4Header.headerLength(packet);
        if (headerLength < 0) {
            return -1;
        }
        int totalLength = packet.getUnsignedShort(packet.readerIndex() + 2);
        return totalLength < headerLength || totalLength > packet.readableBytes() ? -1 : headerLength;
    }

    /**
     * Prepares to split {@code packet} (a datagram {@link #headerLength} accepts) into fragments
     * of at most {@code mtu} octets.
     *
     * @return false, leaving nothing to {@link #next}, when it cannot be done: its options run
     *     past the header or have a length below 2, an offset would not fit the 13-bit field, or
     *     the MTU leaves fewer than 8 data octets after a header (RFC 791 §3.2 needs 68).
     */
    boolean start(ByteBuf packet, int mtu) {
        datagram = null;
        int start = packet.readerIndex();
        headerLength = (packet.getByte(start) & 0x0F) * 4;
        int optionsLength = copiedOptions(packet, start + MIN_HEADER_LENGTH, headerLength - MIN_HEADER_LENGTH);
        if (optionsLength < 0) {
            return false;
        }
        laterHeaderLength = MIN_HEADER_LENGTH + optionsLength;
        dataLength = packet.getUnsignedShort(start + 2) - headerLength;
        int flagsAndOffset = packet.getUnsignedShort(start + 6);
        originalOffset = (flagsAndOffset & FRAGMENT_OFFSET_MASK) * 8;
        originalMoreFragments = (flagsAndOffset & FLAG_MORE_FRAGMENTS) != 0;
        firstUnit = (mtu - headerLength) & ~7;
        laterUnit = (mtu - laterHeaderLength) & ~7;
        if (firstUnit < 8 || laterUnit < 8 || dataLength <= 0
                || (originalOffset + dataLength - 1) / 8 > FRAGMENT_OFFSET_MASK) {
            return false;
        }
        datagram = packet;
        nextData = 0;
        return true;
    }

    boolean hasNext() {
        return datagram != null;
    }

    /** Makes no more fragments of this datagram: one was refused, and the rest could never be reassembled. */
    void abandon() {
        datagram = null;
    }

    /** The next fragment, a new buffer the caller owns: header, then its share of the data. */
    ByteBuf next() {
        ByteBuf packet = datagram;
        int start = packet.readerIndex();
        boolean first = nextData == 0;
        int fragmentHeaderLength = first ? headerLength : laterHeaderLength;
        int length = Math.min(first ? firstUnit : laterUnit, dataLength - nextData);
        boolean last = nextData + length == dataLength;
        boolean moreFragments = !last || originalMoreFragments;

        ByteBuf fragment = allocator.directBuffer(headroom + fragmentHeaderLength + length);
        fragment.setIndex(headroom, headroom);
        int at = fragment.writerIndex();
        if (first) {
            fragment.writeBytes(packet, start, headerLength);
        } else {
            fragment.writeBytes(packet, start, MIN_HEADER_LENGTH);
            fragment.writeBytes(laterOptions, 0, laterHeaderLength - MIN_HEADER_LENGTH);
            fragment.setByte(at, 0x40 | (laterHeaderLength / 4));
        }
        fragment.writeBytes(packet, start + headerLength + nextData, length);
        fragment.setShort(at + 2, fragmentHeaderLength + length);
        // Keep the reserved and Don't-Fragment bits as they were (DF is clear, or we would not be here).
        int flags = packet.getUnsignedShort(start + 6) & 0xC000;
        fragment.setShort(at + 6, flags | (moreFragments ? FLAG_MORE_FRAGMENTS : 0) | ((originalOffset + nextData) / 8));
        fragment.setShort(at + 10, 0);
        fragment.setShort(at + 10, InternetChecksum.checksum(fragment, at, fragmentHeaderLength));

        nextData += length;
        if (last) {
            datagram = null;
        }
        return fragment;
    }

    /**
     * Collects into {@link #laterOptions} the options of {@code length} octets at {@code from}
     * whose copied flag is set, zero-padded to a multiple of 4 (End of Option List, RFC 791).
     * NOP and End are single octets (not copied); every other option has a length octet.
     *
     * @return the padded length, or -1 if an option's length is below 2 or runs past the header
     */
    private int copiedOptions(ByteBuf packet, int from, int length) {
        int end = from + length;
        int copied = 0;
        int at = from;
        while (at < end) {
            int type = packet.getUnsignedByte(at);
            if (type == OPTION_END) {
                break;
            }
            if (type == OPTION_NOP) {
                at++;
                continue;
            }
            if (at + 1 >= end) {
                return -1;
            }
            int optionLength = packet.getUnsignedByte(at + 1);
            if (optionLength < 2 || at + optionLength > end) {
                return -1;
            }
            if ((type & OPTION_COPIED) != 0) {
                packet.getBytes(at, laterOptions, copied, optionLength);
                copied += optionLength;
            }
            at += optionLength;
        }
        int padded = (copied + 3) & ~3;
        for (int i = copied; i < padded; i++) {
            laterOptions[i] = OPTION_END;
        }
        return padded;
    }
}
