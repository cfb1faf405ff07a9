package net.pptpgw.gateway;

import java.net.InetSocketAddress;
import net.pptpgw.concentrator.ConcentratorConfig;
import net.pptpgw.concentrator.auth.ChapSecrets;
import net.pptpgw.concentrator.pool.AddressPool;
import net.pptpgw.concentrator.session.SessionPolicy;

/**
 * A concentrator's settings resolved and checked ({@link ConcentratorSettings#resolve}), ready for
 * {@link ConcentratorRuntime#start}. The pool is a fresh one that the runtime will allocate
 * from: start one runtime per setup.
 *
 * @param control the control plane's configuration (listener, host name, limits, echo)
 * @param gre whether the GRE data plane, PPP sessions and the TUN run; false for the control plane alone
 * @param pool the client addresses; null only without GRE and without {@code pool}
 * @param secrets users and secrets; null only without GRE and without {@code secrets}
 * @param policy the PPP sessions' policy; null without GRE
 * @param tun the TUN interface's name ({@code %d}: the kernel picks the number)
 * @param tunMtu the TUN's MTU
 * @param admin the admin endpoint's address, null for none
 */
public record ConcentratorSetup(
        ConcentratorConfig control,
        boolean gre,
        AddressPool pool,
        ChapSecrets secrets,
        SessionPolicy policy,
        String tun,
        int tunMtu,
        InetSocketAddress admin) {}
