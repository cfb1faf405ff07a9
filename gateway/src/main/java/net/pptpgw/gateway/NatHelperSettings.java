package net.pptpgw.gateway;

import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.time.Duration;
import net.pptpgw.gateway.config.ConfigSection;
import net.pptpgw.linux.ThreadScheduling;
import net.pptpgw.nathelper.NatHelperConfig;
import net.pptpgw.protocol.pptp.ControlMessages;

/**
 * The {@code nat-helper} settings as written: one component per flag of {@link NatHelperCommand}
 * and per key of a configuration file's {@code nat-helper} section (the same names:
 * {@code --wan-address} / {@code wan-address}). Null means "not given", so that flags can be laid
 * over the file ({@link ConfigSection#overlay}) before the defaults fill the rest in
 * {@link #toConfig}.
 */
public record NatHelperSettings(
        String lanInterface,
        Inet4Address lanAddress,
        Inet4Address wanAddress,
        Integer listenPort,
        Boolean transparent,
        Inet4Address explicit,
        Integer serverPort,
        Duration unrepliedTimeout,
        Duration streamTimeout,
        Duration quarantine,
        Integer realtimePriority,
        Integer relayNice,
        Boolean kernelOffload,
        InetSocketAddress metrics) {

    /** The configuration file's section for these settings. */
    public static final String SECTION = "nat-helper";

    /**
     * Defaults filled in and checked. A missing or contradictory setting is an
     * {@link IllegalArgumentException} that names both spellings, flag and key, since either
     * may be where the operator has to add it.
     */
    public NatHelperConfig toConfig() {
        if (wanAddress == null) {
            throw new IllegalArgumentException("the WAN address is missing: --wan-address ADDR or "
                    + SECTION + ".wan-address");
        }
        boolean isTransparent = Boolean.TRUE.equals(transparent);
        if (isTransparent == (explicit != null)) {
            throw new IllegalArgumentException((isTransparent ? "transparent and explicit mode are mutually exclusive"
                    : "no mode given") + ": --transparent or --explicit SERVER (" + SECTION + ".transparent: true or "
                    + SECTION + ".explicit: SERVER)");
        }
        NatHelperConfig.Timeouts kernel = NatHelperConfig.Timeouts.KERNEL;
        return new NatHelperConfig(lanInterface, lanAddress, wanAddress, or(listenPort, ControlMessages.PPTP_PORT),
                explicit, or(serverPort, ControlMessages.PPTP_PORT),
                new NatHelperConfig.Timeouts(or(unrepliedTimeout, kernel.unreplied()),
                        or(streamTimeout, kernel.stream()), or(quarantine, kernel.quarantine())),
                relayScheduling(), Boolean.TRUE.equals(kernelOffload));
    }

    /** {@code realtime-priority} or {@code relay-nice}, at most one; the JVM's own scheduling without either. */
    public ThreadScheduling relayScheduling() {
        if (realtimePriority != null && relayNice != null) {
            throw new IllegalArgumentException("--realtime-priority and --relay-nice (" + SECTION
                    + ".realtime-priority, " + SECTION + ".relay-nice) are mutually exclusive");
        }
        return realtimePriority != null ? ThreadScheduling.realtime(realtimePriority)
                : relayNice != null ? ThreadScheduling.nice(relayNice) : ThreadScheduling.DEFAULT;
    }

    /**
     * These settings when the flags give the mode: a flag's {@code --transparent} or
     * {@code --explicit} replaces the file's mode as a whole, rather than clashing with it.
     */
    NatHelperSettings withoutMode() {
        return new NatHelperSettings(lanInterface, lanAddress, wanAddress, listenPort, null, null, serverPort,
                unrepliedTimeout, streamTimeout, quarantine, realtimePriority, relayNice, kernelOffload, metrics);
    }

    private static <T> T or(T value, T fallback) {
        return value != null ? value : fallback;
    }
}
