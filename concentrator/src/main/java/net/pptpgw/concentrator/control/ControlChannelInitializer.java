package net.pptpgw.concentrator.control;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.group.ChannelGroup;
import io.netty.handler.timeout.IdleStateHandler;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import net.pptpgw.protocol.pptp.PptpControlDecoder;
import net.pptpgw.protocol.pptp.PptpControlEncoder;

/**
 * Sets up an accepted control connection: the per-source rate check first (a refused
 * connection is closed before any handler or timer exists for it), then the pipeline
 * {@code PptpControlDecoder -> PptpControlEncoder -> IdleStateHandler -> ControlConnectionHandler}.
 *
 * <p>The idle handler sits after the decoder so that only complete messages count as signs of
 * life: a peer trickling one octet at a time does not hold off the Echo-Request.
 */
@Sharable
public final class ControlChannelInitializer extends ChannelInitializer<Channel> {

    private static final System.Logger LOG = System.getLogger(ControlChannelInitializer.class.getName());
    private static final PptpControlEncoder ENCODER = new PptpControlEncoder();

    private final ControlPlane plane;
    private final ChannelGroup connections;

    /**
     * @param connections where admitted connections are added (a group forgets closed channels by
     *     itself), so that shutdown can reach every one
     */
    public ControlChannelInitializer(ControlPlane plane, ChannelGroup connections) {
        this.plane = plane;
        this.connections = connections;
    }

    @Override
    protected void initChannel(Channel channel) {
        if (!(channel.remoteAddress() instanceof InetSocketAddress peer) || !plane.admitConnection(peer.getAddress())) {
            LOG.log(Level.DEBUG, () -> "pptp control " + channel.remoteAddress() + ": refused (rate limit or shutdown)");
            channel.close();
            return;
        }
        connections.add(channel);
        long echoNanos = plane.config().echoInterval().toNanos();
        channel.pipeline().addLast(
                new ReceivedOctets(),
                new PptpControlDecoder(),
                ENCODER,
                new IdleStateHandler(echoNanos, 0, 0, TimeUnit.NANOSECONDS),
                new ControlConnectionHandler(plane));
    }
}
