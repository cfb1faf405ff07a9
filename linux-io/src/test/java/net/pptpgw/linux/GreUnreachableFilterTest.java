package net.pptpgw.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.IoEventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.socket.DatagramPacket;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import net.pptpgw.protocol.testing.ExternalTools;
import net.pptpgw.protocol.testing.Packets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** GRE to a namespace without a GRE socket draws ICMP protocol-unreachable, until the filter is in. */
class GreUnreachableFilterTest {

    private final TestNamespaces namespaces = new TestNamespaces();
    private IoEventLoopGroup group;
    private NetworkNamespace sender;
    private Channel socket;

    @BeforeEach
    void setUp() {
        TestNamespaces.requireRoot();
        ExternalTools.require("nft");
    }

    @AfterEach
    void tearDown() throws Exception {
        if (socket != null) {
            socket.close().sync();
        }
        if (group != null) {
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).sync();
        }
        if (sender != null) {
            sender.close();
        }
        namespaces.close();
    }

    @Test
    void filterStopsProtocolUnreachableForGreAndCountsIt() throws Exception {
        String namespaceA = namespaces.create("icmp-a");
        String namespaceB = namespaces.create("icmp-b");
        namespaces.veth(namespaceA, "pg-a", "10.202.1.1/24", namespaceB, "pg-b", "10.202.1.2/24");
        sender = NetworkNamespace.enter(namespaceA);
        group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        EpollDatagramChannel channel = sender.call(() -> RawGreSocket.open(RawGreSocket.Options.defaults()));
        channel.pipeline().addLast(new ChannelInboundHandlerAdapter());
        group.register(channel).sync();
        socket = channel;
        InetSocketAddress b = new InetSocketAddress(InetAddress.getByName("10.202.1.2"), 0);

        // B has no GRE socket: the kernel there answers with protocol-unreachable.
        sendGre(b, 3);
        assertThat(awaitUnreachables(1)).isGreaterThanOrEqualTo(1);

        GreUnreachableFilter filter = GreUnreachableFilter.inNamespace(namespaceB);
        filter.install();
        filter.install(); // replaces itself
        long before = unreachablesAtA();
        Thread.sleep(1100); // the kernel's ICMP rate limit (icmp_ratelimit, 1 s) refills a token
        sendGre(b, 3);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
        while (filter.droppedPackets() == 0 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(filter.droppedPackets()).isPositive();
        assertThat(unreachablesAtA()).isEqualTo(before);

        filter.remove();
        filter.remove(); // absent is fine
        assertThatThrownBy(filter::droppedPackets).isInstanceOf(IOException.class);
    }

    @Test
    void rulesetMatchesOnlyGreQuotedInProtocolUnreachable() {
        assertThat(GreUnreachableFilter.ruleset())
                .contains("icmp type destination-unreachable icmp code prot-unreachable @th,136,8 47 counter drop")
                .contains("hook output");
    }

    private void sendGre(InetSocketAddress to, int count) throws InterruptedException {
        for (int i = 0; i < count; i++) {
            byte[] gre = Packets.enhancedGre(1, (long) i, null, new byte[16]);
            socket.writeAndFlush(new DatagramPacket(Unpooled.wrappedBuffer(gre), to)).sync();
        }
    }

    private long awaitUnreachables(long atLeast) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
        long seen;
        while ((seen = unreachablesAtA()) < atLeast && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        return seen;
    }

    /** Icmp InDestUnreachs of namespace A, from /proc/net/snmp as A's thread sees it. */
    private long unreachablesAtA() throws IOException {
        List<String> lines = sender.call(() -> Files.readAllLines(Path.of("/proc/thread-self/net/snmp")));
        List<String> icmp = lines.stream().filter(l -> l.startsWith("Icmp: ")).toList();
        List<String> names = List.of(icmp.get(0).split(" "));
        String[] values = icmp.get(1).split(" ");
        return Long.parseLong(values[names.indexOf("InDestUnreachs")]);
    }
}
