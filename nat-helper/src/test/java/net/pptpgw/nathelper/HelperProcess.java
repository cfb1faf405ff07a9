package net.pptpgw.nathelper;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Measurement;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.stream.Collectors;
import net.pptpgw.linux.ThreadScheduling;
import net.pptpgw.protocol.pptp.ControlMessages;

/**
 * The helper in a JVM of its own, for tests that run it inside a network namespace: started
 * with {@code ip netns exec NS java ... HelperProcess WAN_ADDRESS LAN_ADDRESS LISTEN_PORT}, it
 * prints {@code ready} and answers commands on standard input: {@code mappings} (one line per
 * live mapping: client, client call ID, gateway call ID, server, server call ID), {@code metrics}
 * (one line per meter), each answer ending with {@code end}; {@code quit} or end of input stops it.
 */
public final class HelperProcess {

    public static void main(String[] args) throws Exception {
        NatHelperConfig config = new NatHelperConfig("br0", Fixture.ip(args[1]), Fixture.ip(args[0]),
                Integer.parseInt(args[2]), null, ControlMessages.PPTP_PORT, NatHelperConfig.Timeouts.KERNEL,
                // As the README recommends for a gateway: the real peers' GRE then crosses a SCHED_FIFO relay.
                ThreadScheduling.realtime(10),
                args.length > 3 && args[3].equals("kernel-offload"));
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (NatHelper helper = new NatHelper(config, registry).start()) {
            System.out.println("ready");
            System.out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            for (String line; (line = in.readLine()) != null && !line.equals("quit"); ) {
                switch (line.trim()) {
                    case "mappings" -> {
                        for (CallMapping m : helper.mappings().snapshot()) {
                            System.out.println(m.client().getHostAddress() + " " + m.clientCallId() + " "
                                    + m.gatewayCallId() + " " + m.server().getHostAddress() + " " + m.serverCallId());
                        }
                    }
                    case "metrics" -> {
                        for (Meter meter : registry.getMeters()) {
                            double value = 0;
                            for (Measurement measurement : meter.measure()) {
                                value = measurement.getValue();
                            }
                            System.out.println(meter.getId().getName() + "{" + meter.getId().getTags().stream()
                                    .map(t -> t.getKey() + "=" + t.getValue()).collect(Collectors.joining(",")) + "} " + value);
                        }
                    }
                    default -> System.out.println("unknown command " + line);
                }
                System.out.println("end");
                System.out.flush();
            }
        }
    }
}
