package net.pptpgw.nathelper;

import com.github.benmanes.caffeine.cache.Scheduler;
import com.github.benmanes.caffeine.cache.Ticker;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import net.pptpgw.protocol.pptp.*;

/** A mapping table on a hand-driven clock, with a registry to read the metrics back, and sample messages. */
final class Fixture {

    static final NatHelperConfig.Timeouts TIMEOUTS = new NatHelperConfig.Timeouts(
            Duration.ofSeconds(30), Duration.ofSeconds(180), Duration.ofSeconds(30));

    final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    final Ticker ticker = nanos::get;
    final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    final NatMetrics metrics = new NatMetrics(registry);
    final MappingTable table;

    Fixture() {
        this(new SplittableRandom(1723));
    }

    Fixture(java.util.random.RandomGenerator random) {
        table = new MappingTable(TIMEOUTS, metrics, ticker, random, Scheduler.disabledScheduler());
    }

    void advance(Duration duration) {
        nanos.addAndGet(duration.toNanos());
    }

    double counter(String name, String... tags) {
        var counter = registry.find(name).tags(tags).counter();
        return counter == null ? 0 : counter.count();
    }

    double gauge(String name) {
        return registry.get(name).gauge().value();
    }

    static Inet4Address ip(String address) {
        try {
            return (Inet4Address) InetAddress.getByName(address);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    static byte[] bytes(ControlMessage message) {
        ByteBuf out = Unpooled.buffer();
        ControlMessages.encode(message, out);
        return ByteBufUtil.getBytes(out);
    }

    static ControlMessage decode(byte[] bytes) {
        return ControlMessages.decode(Unpooled.wrappedBuffer(bytes));
    }

    /** {@code bytes} with the 16-bit field at {@code offset} set to {@code value}: the only change a rewrite may make. */
    static byte[] patched(byte[] bytes, int offset, int value) {
        byte[] copy = bytes.clone();
        copy[offset] = (byte) (value >>> 8);
        copy[offset + 1] = (byte) value;
        return copy;
    }

    // ---- one message of every type; values differ from field to field so that a misplaced rewrite shows

    static StartControlConnectionRequest sccrq() {
        return new StartControlConnectionRequest(0x0100, FramingCapabilities.ASYNCHRONOUS, BearerCapabilities.ANALOG,
                0, 1, "client", "linux");
    }

    static StartControlConnectionReply sccrp() {
        return new StartControlConnectionReply(0x0100, StartControlConnectionResult.SUCCESSFUL, GeneralErrorCode.NONE,
                FramingCapabilities.BOTH, BearerCapabilities.BOTH, 64, 0x1234, "server", "poptop");
    }

    static OutgoingCallRequest ocrq(int callId) {
        return new OutgoingCallRequest(callId, 0x5151, 2400, 10_000_000, BearerType.ANY, FramingType.ANY,
                0x4000, 0x0003, 0, "", "");
    }

    static OutgoingCallReply ocrp(int callId, int peerCallId, OutgoingCallResult result) {
        return new OutgoingCallReply(callId, peerCallId, result, GeneralErrorCode.NONE, 0x0102, 100_000_000,
                0x0040, 0x0005, 0x0A0B0C0D);
    }

    static IncomingCallRequest icrq(int callId) {
        return new IncomingCallRequest(callId, 0x6161, BearerType.DIGITAL, 0x01020304, 3, 4, "123", "4567", "sub");
    }

    static IncomingCallReply icrp(int callId, int peerCallId, IncomingCallResult result) {
        return new IncomingCallReply(callId, peerCallId, result, GeneralErrorCode.NONE, 0x0020, 0x0007);
    }

    static IncomingCallConnected iccn(int peerCallId) {
        return new IncomingCallConnected(peerCallId, 64_000, 0x0030, 0x0009, FramingType.SYNCHRONOUS);
    }

    static CallDisconnectNotify cdn(int callId) {
        return new CallDisconnectNotify(callId, CallDisconnectResult.REQUEST, GeneralErrorCode.NONE, 0x0011, "stats");
    }

    static WanErrorNotify wen(int peerCallId) {
        return new WanErrorNotify(peerCallId, 1, 2, 3, 4, 5, 6);
    }

    static SetLinkInfo sli(int peerCallId) {
        return new SetLinkInfo(peerCallId, 0x000A0000, 0xFFFFFFFF);
    }
}
