package net.pptpgw.linux;

import io.netty.buffer.ByteBuf;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;

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
        ByteBuffer view = buffer.internalNioBuffer(index, length);
        if (!view.isDirect()) { // a heap segment's "address" is an offset: never hand that to the kernel
            throw new IllegalArgumentException("not a direct buffer: " + buffer);
        }
        return MemorySegment.ofBuffer(view).address();
    }
}
