package net.pptpgw.gateway;

import java.util.List;

/**
 * The layout of the gateway's YAML configuration file: one section per job, plus the one metrics
 * endpoint that {@code run} serves for all of them.
 *
 * <pre>
 * metrics: 127.0.0.1:9723      # HOST:PORT, shared by every section under `run`
 * nat-helper:                  # the keys of `pptp-gateway nat-helper`'s flags
 *   wan-address: 198.18.0.1
 *   transparent: true
 * concentrator:                # the keys of `pptp-gateway concentrator`'s flags (ConcentratorSettings)
 *   listen: 198.18.0.1
 *   pool: [10.0.0.10-10.0.0.250, 10.1.0.0/24]   # a repeatable flag is a list
 * </pre>
 */
final class GatewayConfig {

    static final String METRICS = "metrics";
    static final List<String> TOP_LEVEL_KEYS = List.of(METRICS, NatHelperSettings.SECTION, ConcentratorSettings.SECTION);

    private GatewayConfig() {}
}
