package net.pptpgw.gateway;

import io.micrometer.core.instrument.MeterRegistry;
import io.netty.channel.IoEventLoop;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import net.pptpgw.concentrator.ConcentratorServer;
import net.pptpgw.concentrator.call.CallListener;
import net.pptpgw.concentrator.data.GreConfig;
import net.pptpgw.concentrator.ip.IpDataPlane;
import net.pptpgw.concentrator.session.SessionFactory;
import net.pptpgw.concentrator.session.Sessions;
import net.pptpgw.gateway.admin.AdminEndpoint;
import net.pptpgw.gateway.config.SettingException;

/**
 * A running concentrator, the one way {@code concentrator} and {@code run} start it: the TUN
 * ({@link IpDataPlane}) the pool is routed to, a PPP session per call ({@link SessionFactory}),
 * the PPTP control and GRE planes ({@link ConcentratorServer}) and the admin endpoint that
 * {@code pptp-gateway sessions} talks to. Sockets and the TUN open on the calling thread, so in
 * its network namespace. The metrics endpoint is the caller's: {@code run} shares one.
 *
 * <p>{@link #close} stops them in the order that lets the peers hear about it: the admin endpoint
 * first (no session is ended behind the shutdown's back), then the server, which sends every PPP
 * peer an LCP Terminate-Request (RFC 1661 §5.5), gives the Terminate-Acks a short grace, then sends
 * every peer Call-Disconnect-Notify and Stop-Control-Connection-Request (RFC 2637 §2.3, §2.13) and
 * ends the sessions, then the TUN their packets went through.
 */
public final class ConcentratorRuntime implements AutoCloseable {

    private final IpDataPlane ip;
    private final SessionFactory sessions;
    private final ConcentratorServer server;
    private AdminEndpoint admin;
    private InetSocketAddress address;

    private ConcentratorRuntime(IpDataPlane ip, SessionFactory sessions, ConcentratorServer server) {
        this.ip = ip;
        this.sessions = sessions;
        this.server = server;
    }

    /**
     * Builds and starts everything {@code setup} asks for. What cannot be set up for a reason the
     * operator fixes in the settings (the TUN, the local address) is a {@link SettingException}
     * naming the key; what is started before a failure is closed again.
     */
    public static ConcentratorRuntime start(ConcentratorSetup setup, MeterRegistry registry)
            throws IOException, InterruptedException {
        ConcentratorRuntime runtime;
        if (!setup.gre()) {
            runtime = new ConcentratorRuntime(null, null,
                    new ConcentratorServer(setup.control(), registry, CallListener.NONE));
        } else {
            IpDataPlane ip;
            try {
                ip = IpDataPlane.open(setup.tun(), setup.policy().localAddress(), setup.tunMtu(), setup.pool(), registry);
            } catch (IOException e) {
                throw new SettingException("tun", "cannot set up TUN '" + setup.tun() + "': " + e.getMessage());
            }
            SessionFactory sessions;
            try {
                sessions = new SessionFactory(setup.policy(), setup.pool(), setup.secrets(), ip, registry);
            } catch (IllegalArgumentException e) {
                ip.close();
                throw new SettingException("local-address", e.getMessage());
            }
            runtime = new ConcentratorRuntime(ip, sessions, new ConcentratorServer(setup.control(), registry,
                    sessions, GreConfig.defaults(), sessions));
        }
        try {
            runtime.startServing(setup);
            return runtime;
        } catch (Exception | Error e) {
            runtime.close();
            throw e;
        }
    }

    private void startServing(ConcentratorSetup setup) throws IOException, InterruptedException {
        if (setup.admin() != null && sessions != null) {
            admin = AdminEndpoint.start(setup.admin(), sessions.sessions(), Clock.systemUTC());
        }
        address = server.start();
        if (ip != null) {
            // The TUN is read on the GRE plane's event loop: a session's packets both ways on one thread.
            ip.start((IoEventLoop) server.dataPlane().eventLoop());
        }
    }

    /** The control listener's bound address. */
    public InetSocketAddress address() {
        return address;
    }

    /** The live sessions; null for the control plane alone. */
    public Sessions sessions() {
        return sessions == null ? null : sessions.sessions();
    }

    /** The TUN's name as the kernel gave it; null for the control plane alone. */
    public String tunName() {
        return ip == null ? null : ip.deviceName();
    }

    /** The admin endpoint; null when disabled or for the control plane alone. */
    public AdminEndpoint admin() {
        return admin;
    }

    @Override
    public void close() {
        if (admin != null) {
            admin.close();
        }
        server.close();
        if (ip != null) {
            ip.close();
        }
    }
}
