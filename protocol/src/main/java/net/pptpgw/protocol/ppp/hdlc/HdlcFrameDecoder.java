package net.pptpgw.protocol.ppp.hdlc;

import net.pptpgw.protocol.Octets;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;
import net.pptpgw.protocol.MalformedPacketException;

/**
 * Turns an RFC 1662 octet-stuffed byte stream (a pty to pptp, pptpd or pppd) into PPP frames:
 * each output is a buffer holding one frame's unescaped address, control, protocol and
 * information, without the FCS, ready for {@link net.pptpgw.protocol.ppp.PppFrameDecoder}.
 *
 * <p>Frames may arrive split anywhere and several per read. Unlike PPTP's TCP framing, a byte
 * stream resynchronises on flags: a damaged frame (bad FCS, too long, too short, aborted) is
 * counted by {@link HdlcDropReason}, reported to the pipeline as a
 * {@link MalformedPacketException} ("hdlc", reason) through {@code exceptionCaught} (it does not
 * close anything), and decoding goes on after the next flag. Octets before the first flag are
 * treated as a frame, since a peer that has just started may send its first frame without an
 * opening flag.
 *
 * <p>Memory is bounded: a frame holding more than {@code maxFrameLength} unescaped octets
 * (FCS included) is dropped without being buffered further. Configure from the channel's event
 * loop only.
 */
public final class HdlcFrameDecoder extends ByteToMessageDecoder {

    /** Default LCP MRU 1500 (RFC 1661 §6.1) + address, control, two-octet protocol + the longest FCS. */
    public static final int DEFAULT_MAX_FRAME_LENGTH = 1500 + 4 + 4;

    private final int maxFrameLength;
    private final Fcs fcs;
    private final long[] drops = new long[HdlcDropReason.values().length];
    private int receiveAccm = AsyncHdlc.DEFAULT_ACCM;
    private long framesDecoded;

    /** Unescaped octets of the frame in progress; {@code null} until its first octet. */
    private ByteBuf frame;
    private int register;
    private boolean escaped;
    private boolean discarding;

    /** FCS-16 and {@link #DEFAULT_MAX_FRAME_LENGTH}. */
    public HdlcFrameDecoder() {
        this(DEFAULT_MAX_FRAME_LENGTH, Fcs.FCS_16);
    }

    /**
     * @param maxFrameLength most unescaped octets between two flags, FCS included
     * @param fcs the frame check sequence in use
     */
    public HdlcFrameDecoder(int maxFrameLength, Fcs fcs) {
        if (maxFrameLength < fcs.length() + 2) {
            throw new IllegalArgumentException("maxFrameLength " + maxFrameLength + " cannot hold a frame");
        }
        this.maxFrameLength = maxFrameLength;
        this.fcs = fcs;
    }

    /**
     * The receive ACCM (RFC 1662 §7.1): control characters flagged here are removed when they
     * arrive unescaped, since intervening equipment may have inserted them (RFC 1662 §4.2).
     * All ones by default; set it to what LCP acknowledged for this direction.
     */
    public HdlcFrameDecoder receiveAccm(int accm) {
        this.receiveAccm = accm;
        return this;
    }

    public int receiveAccm() {
        return receiveAccm;
    }

    /** Frames passed on so far. */
    public long framesDecoded() {
        return framesDecoded;
    }

    /** Frames dropped so far for {@code reason}. */
    public long drops(HdlcDropReason reason) {
        return drops[reason.ordinal()];
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        int index = in.readerIndex();
        int end = in.writerIndex();
        while (index < end) {
            int octet = in.getUnsignedByte(index++);
            if (octet == AsyncHdlc.FLAG) {
                if (endOfFrame(ctx, out)) {
                    break; // one frame per call: ByteToMessageDecoder passes it on before the next drop is reported
                }
                continue;
            }
            if (discarding) {
                continue;
            }
            // RFC 1662 §4.2: flagged control characters are removed first, then each control
            // escape, whose following octet is exclusive-or'd with 0x20.
            if (octet < 0x20 && ((receiveAccm >>> octet) & 1) != 0) {
                continue;
            }
            if (escaped) {
                octet ^= AsyncHdlc.ESCAPE_XOR;
                escaped = false;
            } else if (octet == AsyncHdlc.CONTROL_ESCAPE) {
                escaped = true;
                continue;
            }
            append(ctx, octet);
        }
        in.readerIndex(index);
    }

    private void append(ChannelHandlerContext ctx, int octet) {
        if (frame == null) {
            frame = ctx.alloc().buffer(Math.min(maxFrameLength, 256), maxFrameLength);
            register = fcs.initial();
        }
        if (frame.writerIndex() == maxFrameLength) {
            drop(ctx, HdlcDropReason.FRAME_TOO_LONG, "more than " + maxFrameLength + " octets before the closing flag");
            discarding = true;
            return;
        }
        frame.writeByte(octet);
        register = fcs.update(register, octet);
    }

    /** Handles a flag; returns whether a frame was passed on. */
    private boolean endOfFrame(ChannelHandlerContext ctx, List<Object> out) {
        boolean aborted = escaped;
        escaped = false;
        if (discarding) {
            discarding = false; // already counted when the limit was hit
            return false;
        }
        int length = frame == null ? 0 : frame.readableBytes();
        if (aborted) {
            drop(ctx, HdlcDropReason.ABORTED, "control escape then flag after " + length + " octets");
            return false;
        }
        if (length == 0) {
            return false; // RFC 1662 §3.1: consecutive flags are an empty frame, silently discarded
        }
        if (length < fcs.length() + 2) {
            drop(ctx, HdlcDropReason.FRAME_TOO_SHORT, length + " octets, at least " + (fcs.length() + 2) + " needed");
            return false;
        }
        if (register != fcs.good()) {
            drop(ctx, HdlcDropReason.BAD_FCS, String.format("%d octets, FCS residue 0x%x instead of 0x%x", length,
                    register, fcs.good()));
            return false;
        }
        ByteBuf complete = frame;
        frame = null;
        complete.writerIndex(length - fcs.length());
        out.add(complete);
        framesDecoded++;
        return true;
    }

    private void drop(ChannelHandlerContext ctx, HdlcDropReason reason, String detail) {
        drops[reason.ordinal()]++;
        releaseFrame();
        ctx.fireExceptionCaught(new MalformedPacketException("hdlc", reason.reason(), detail));
    }

    private void releaseFrame() {
        if (frame != null) {
            frame.release();
            frame = null;
        }
    }

    @Override
    protected void handlerRemoved0(ChannelHandlerContext ctx) {
        releaseFrame(); // a frame without its closing flag when the stream ends is lost
        escaped = false;
        discarding = false;
    }
}
