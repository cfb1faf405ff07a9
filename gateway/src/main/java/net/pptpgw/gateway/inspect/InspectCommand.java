package net.pptpgw.gateway.inspect;

import net.pptpgw.gateway.JsonWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import net.pptpgw.protocol.MalformedPacketException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code pptp-gateway inspect FILE}: what happened to the PPTP calls in a packet capture. */
@Command(
        name = "inspect",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Reads a packet capture (pcap or pcapng; Ethernet, 802.1Q, Linux cooked or raw IP) and reports,"
                    + " per PPTP control connection (TCP 1723) and per call: the control messages with their call IDs"
                    + " and result codes, the GRE packets per direction keyed by call ID with sequence/ack progress,"
                    + " the PPP negotiation (LCP options, authentication and its outcome, IPCP addresses, CCP/MPPE),"
                    + " and the anomalies an operator needs: GRE missing in one direction after the call connected"
                    + " (\"GRE blocked?\"), call-ID mismatches, failed calls and logins, malformed frames,"
                    + " ICMP unreachable about GRE, unanswered LCP echoes.",
            "",
            "Exit status: 0 when the capture was analysed (anomalies or not), 2 when it could not be read."
        })
public final class InspectCommand implements Callable<Integer> {

    /** Exit status when the file cannot be read as a capture. */
    public static final int UNREADABLE = 2;

    @Parameters(index = "0", paramLabel = "FILE", description = "the capture file (pcap or pcapng), - for standard input")
    Path file;

    @Option(names = "--json", description = "write the report as JSON instead of text")
    boolean json;

    @Option(names = {"-v", "--verbose"}, description = "also list every GRE packet and the PPP frame it carries")
    boolean verbose;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        InspectionReport report;
        try {
            report = file.toString().equals("-") ? Inspector.inspect(System.in, "standard input", verbose)
                    : Inspector.inspect(file, verbose);
        } catch (NoSuchFileException e) {
            err.println("pptp-gateway inspect: " + file + ": no such file");
            err.flush();
            return UNREADABLE;
        } catch (IOException e) {
            err.println("pptp-gateway inspect: " + file + ": cannot read: " + e.getMessage());
            err.flush();
            return UNREADABLE;
        } catch (MalformedPacketException e) {
            err.println("pptp-gateway inspect: " + file + ": not a readable pcap or pcapng capture: " + e.getMessage());
            err.flush();
            return UNREADABLE;
        }
        out.print(json ? JsonWriter.write(report, true) + "\n" : TextReport.render(report, verbose));
        out.flush();
        return 0;
    }
}
