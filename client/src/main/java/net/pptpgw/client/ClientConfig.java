package net.pptpgw.client;

import java.util.Objects;
import net.pptpgw.client.control.PnsControlConfig;
import net.pptpgw.concentrator.data.GreConfig;

/**
 * How a {@link PptpClient} runs.
 *
 * @param control what the control connections announce and how long they wait
 * @param gre the GRE data plane's reorder buffer, ack delay and raw socket options
 * @param stampSourceAddresses write each GRE packet's IPv4 header ourselves (IP_HDRINCL) so that
 *     a call's GRE leaves from its control connection's source address; needed when control
 *     connections are bound to several local addresses
 * @param ioThreads event loops for control connections, GRE and PPP (0: Netty's default, twice the cores)
 */
public record ClientConfig(PnsControlConfig control, GreConfig gre, boolean stampSourceAddresses, int ioThreads) {

    public ClientConfig {
        Objects.requireNonNull(control, "control");
        Objects.requireNonNull(gre, "gre");
        if (ioThreads < 0) {
            throw new IllegalArgumentException("ioThreads must be >= 0, got " + ioThreads);
        }
    }

    public static ClientConfig defaults() {
        return new ClientConfig(PnsControlConfig.defaults(), GreConfig.defaults(), false, 0);
    }

    public ClientConfig withControl(PnsControlConfig control) {
        return new ClientConfig(control, gre, stampSourceAddresses, ioThreads);
    }

    public ClientConfig withGre(GreConfig gre) {
        return new ClientConfig(control, gre, stampSourceAddresses, ioThreads);
    }

    public ClientConfig withStampSourceAddresses(boolean stamp) {
        return new ClientConfig(control, gre, stamp, ioThreads);
    }

    public ClientConfig withIoThreads(int ioThreads) {
        return new ClientConfig(control, gre, stampSourceAddresses, ioThreads);
    }
}
