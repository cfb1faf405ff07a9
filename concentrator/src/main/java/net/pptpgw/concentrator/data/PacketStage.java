package net.pptpgw.concentrator.data;

import io.netty.buffer.ByteBuf;

/**
 * One step of the per-packet path (PPP framing, compression, MPPE, ...). The stage owns the
 * buffer it is given and returns the one that goes on: the same buffer changed in place, or a
 * new one (the old released). The {@link PacketContext} is passed beside it and is not the
 * stage's to drop: whatever buffer comes out, the caller hands the same context to the next
 * stage.
 */
@FunctionalInterface
public interface PacketStage {

    /** @return the packet for the next stage, or {@code null} when the stage consumed it (a drop) */
    ByteBuf process(ByteBuf packet, PacketContext context);

    /** Runs {@code stages} in order, then {@code last}; stops at a stage that returns null. */
    static boolean run(ByteBuf packet, PacketContext context, PppLink last, PacketStage... stages) {
        ByteBuf current = packet;
        for (PacketStage stage : stages) {
            current = stage.process(current, context);
            if (current == null) {
                return false;
            }
        }
        return last.send(current, context);
    }
}
