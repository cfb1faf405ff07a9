package net.pptpgw.linux;

import java.io.IOException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An nftables rule that stops this host from answering GRE with ICMP protocol-unreachable.
 *
 * <p>Linux sends ICMP destination-unreachable, code 2 (protocol unreachable, RFC 792) for a GRE
 * packet that no raw socket takes: before the gateway has opened its socket, or while the
 * socket's receive buffer is full under a burst. PPTP peers (pptp, pptpctrl, Windows) read
 * that ICMP as "Protocol not available" and drop the call, so one burst can end every tunnel.
 * The rule drops, on output, exactly those ICMPs whose quoted packet is GRE; a lost GRE packet
 * then costs what PPP tolerates anyway, one lost frame.
 *
 * <p>The rule is a table of its own, so installing replaces only it and removing leaves other
 * rules alone. Equivalent by hand:
 * <pre>{@code
 * nft add table ip pptpgw_gre_unreachable
 * nft add chain ip pptpgw_gre_unreachable output '{ type filter hook output priority filter; }'
 * nft add rule ip pptpgw_gre_unreachable output icmp type destination-unreachable \
 *     icmp code prot-unreachable @th,136,8 47 counter drop
 * }</pre>
 */
public final class GreUnreachableFilter {

    public static final String TABLE = "pptpgw_gre_unreachable";

    // The ICMP header is 8 bytes and the quoted IPv4 header's Protocol is its byte 9 (RFC 792):
    // bits 136..143 from the start of the ICMP header, whatever the quoted header's options.
    private static final String RULESET = """
            table ip %1$s
            delete table ip %1$s
            table ip %1$s {
              chain output {
                type filter hook output priority filter; policy accept;
                icmp type destination-unreachable icmp code prot-unreachable @th,136,8 %2$d counter drop \
            comment "GRE is handled in userspace: no ICMP protocol-unreachable for it"
              }
            }
            """.formatted(TABLE, RawGreSocket.IPPROTO_GRE);

    private static final Pattern COUNTER = Pattern.compile("counter packets (\\d+) bytes \\d+");

    private final NftCommand nft;

    private GreUnreachableFilter(NftCommand nft) {
        this.nft = nft;
    }

    /** The filter in the network namespace of the calling thread. */
    public static GreUnreachableFilter inCallerNamespace() {
        return new GreUnreachableFilter(NftCommand.inCallerNamespace());
    }

    /** The filter in the named network namespace ({@code ip netns exec NAME nft ...}). */
    public static GreUnreachableFilter inNamespace(String name) {
        return new GreUnreachableFilter(NftCommand.inNamespace(name));
    }

    /** The nftables script {@link #install} loads; it replaces an earlier copy atomically. */
    public static String ruleset() {
        return RULESET;
    }

    /** Installs (or replaces) the rule. */
    public void install() throws IOException {
        nft.apply(RULESET);
    }

    /** Removes the rule's table; does nothing if it is not there. */
    public void remove() throws IOException {
        // "table" first makes "delete" succeed whether or not the table exists.
        nft.apply("table ip " + TABLE + "\ndelete table ip " + TABLE + "\n");
    }

    /** ICMP packets the rule has dropped since it was installed. */
    public long droppedPackets() throws IOException {
        String listing = nft.listTable("ip", TABLE);
        Matcher counter = COUNTER.matcher(listing);
        if (!counter.find()) {
            throw new IOException("no counter in `nft list table ip " + TABLE + "`: " + listing);
        }
        return Long.parseLong(counter.group(1));
    }
}
