package net.pptpgw.linux;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * nftables changes by running {@code nft}: a whole batch of commands goes to one
 * {@code nft -f -}, which the kernel applies as one transaction (all or nothing), so the cost of
 * a process is paid per batch, never per packet or per element.
 *
 * <p>Why the program and not netlink: as for {@link IpCommand}, the logged script can be re-run
 * by hand, and nftables' netlink messages (expressions, set element attributes) are a codec of
 * their own. This class is the seam where netlink would go.
 */
public final class NftCommand {

    private final String namespace;

    private NftCommand(String namespace) {
        this.namespace = namespace;
    }

    /** {@code nft} in the network namespace of the calling thread. */
    public static NftCommand inCallerNamespace() {
        return new NftCommand(null);
    }

    /** {@code ip netns exec NAME nft}: the named namespace, whichever thread runs it. */
    public static NftCommand inNamespace(String name) {
        return new NftCommand(name);
    }

    /** Applies {@code script} ({@code nft -f -}) as one transaction; fails with nft's message. */
    public void apply(String script) throws IOException {
        Commands.run(command("-f", "-"), script);
    }

    /** {@code nft list table FAMILY NAME}: the table with its elements and counters. */
    public String listTable(String family, String table) throws IOException {
        return Commands.run(command("list", "table", family, table), null);
    }

    private List<String> command(String... arguments) {
        List<String> command = new ArrayList<>();
        if (namespace != null) {
            command.addAll(List.of("ip", "netns", "exec", namespace));
        }
        command.add("nft");
        command.addAll(List.of(arguments));
        return command;
    }

    @Override
    public String toString() {
        return namespace == null ? "nft" : "ip netns exec " + namespace + " nft";
    }
}
