package net.pptpgw.gateway;

import java.net.Inet4Address;
import java.net.InetSocketAddress;
import net.pptpgw.concentrator.ConcentratorConfig;
import net.pptpgw.gateway.config.ConfigValues;

/**
 * The {@code concentrator} section of the configuration file as {@code run} reads it today: the
 * keys needed to start {@link net.pptpgw.concentrator.ConcentratorServer} beside the NAT helper.
 *
 * <p>This is the seam for the concentrator's full configuration: {@code ConcentratorCommand} is
 * growing its flags elsewhere, and once it keeps them in a settings record bound like
 * {@link NatHelperSettings} (one nullable component per flag, {@code ConfigSection.bind}), that
 * record replaces this one and {@code run} starts the concentrator through the command's own
 * code. Until then an unknown key here is refused with this list, so nothing is silently ignored.
 *
 * @param listen {@code ADDR[:PORT]} of the control listener, as {@code --listen}; GRE is
 *     received on the same address (default {@code 0.0.0.0:1723})
 * @param name our host name in Start-Control-Connection-Reply, as {@code --name} (default {@code pptpd})
 * @param noGre the control plane alone, without the raw GRE socket, as {@code --no-gre}
 */
public record ConcentratorSettings(String listen, String name, Boolean noGre) {

    public static final String SECTION = "concentrator";

    /** The control plane's configuration; a bad {@code listen} is an {@link IllegalArgumentException} naming it. */
    public ConcentratorConfig toConfig() {
        ConcentratorConfig config = ConcentratorConfig.defaults();
        if (listen != null) {
            InetSocketAddress address = listenAddress(listen);
            config = config.withListen(address.getAddress(), address.getPort());
        }
        return config.withHostName(name != null ? name : "pptpd");
    }

    public boolean gre() {
        return !Boolean.TRUE.equals(noGre);
    }

    private static InetSocketAddress listenAddress(String value) {
        int colon = value.indexOf(':');
        try {
            Inet4Address host = ConfigValues.ipv4(colon < 0 ? value : value.substring(0, colon));
            int port = colon < 0 ? ConcentratorConfig.PPTP_PORT : ConfigValues.port(value.substring(colon + 1));
            return new InetSocketAddress(host, port);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(e.getMessage() + " (listen: ADDR[:PORT])");
        }
    }
}
