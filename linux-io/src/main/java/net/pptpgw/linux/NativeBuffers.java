package net.pptpgw.linux;

import io.netty.buffer.ByteBuf;
import java.lang.foreign.MemorySegment;

/** Native addresses of Netty buffers, for {@link Libc#read} and {@link Libc#write}. */
final class NativeBuffers {

    private NativeBuffers() {}

    /**
     * Whether {@link #address} can hand {@code length} bytes at {@code index} of {@code buffer}
     * to the kernel directly: a direct buffer in one piece.
     */
    static boolean isNative(ByteBuf buffer) {
        return buffer.hasMemoryAddress() || (buffer.isDirect() && buffer.nioBufferCount() == 1);
    }

    /**
     * The native address of {@code buffer}'s byte at {@code index}. Netty's direct buffers (pooled
     * and adaptive, with or without {@code sun.misc.Unsafe}) know their address, which costs
     * nothing; another direct buffer goes through its NIO view, which allocates a view and a
     * segment. Callers check {@link #isNative} first.
     */
    static long address(ByteBuf buffer, int index, int length) {
        if (buffer.hasMemoryAddress()) {
            return buffer.memoryAddress() + index;
        }
        return MemorySegment.ofBuffer(buffer.internalNioBuffer(index, length)).address();
    }
}
