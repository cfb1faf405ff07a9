package net.pptpgw.protocol.pptp;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;
import net.pptpgw.protocol.MalformedPacketException;

/**
 * Frames the control connection's TCP stream into {@link ControlMessage}s: any number of
 * messages per read, and messages split over any number of reads.
 *
 * <p>The header is checked octet by octet as it arrives (see {@link ControlMessages}): a Length
 * outside 12..220, a PPTP Message Type other than 1, a wrong Magic Cookie, an unknown Control
 * Message Type or a Length that is not the type's exact length is rejected before the rest of
 * the message is buffered, so a peer announcing 65535 octets costs nothing.
 *
 * <p>After such an error the stream cannot be trusted again: RFC 2637 §1.4 says the Magic
 * Cookie must not be used to resynchronise and that losing synchronisation must close the
 * connection, and §3 has a malformed message (an unknown type included) close it too. The
 * decoder therefore throws one {@link MalformedPacketException} (it reaches
 * {@code exceptionCaught}, where the connection handler can answer and close) and from then on
 * discards every octet it receives, like Netty's {@code LengthFieldBasedFrameDecoder} in
 * fail-fast mode. Messages decoded before the error are still passed on.
 */
public final class PptpControlDecoder extends ByteToMessageDecoder {

    private boolean failed;

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (failed) {
            in.skipBytes(in.readableBytes());
            return;
        }
        ControlMessageType type;
        try {
            type = ControlMessages.checkHeader(in, in.readerIndex(), in.readableBytes());
        } catch (MalformedPacketException e) {
            failed = true;
            in.skipBytes(in.readableBytes());
            throw e;
        }
        if (type != null && in.readableBytes() >= type.length()) {
            out.add(ControlMessages.decode(in.readSlice(type.length())));
        }
    }

    /** Whether a framing error has been reported; everything received since is discarded. */
    public boolean failed() {
        return failed;
    }
}
