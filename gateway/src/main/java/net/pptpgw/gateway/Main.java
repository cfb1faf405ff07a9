package net.pptpgw.gateway;

import net.pptpgw.gateway.admin.SessionsCommand;
import net.pptpgw.gateway.inspect.InspectCommand;
import net.pptpgw.gateway.loadgen.LoadgenCommand;
import net.pptpgw.gateway.ppp.PppCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code pptp-gateway} executable: one subcommand per job. */
@Command(
        name = "pptp-gateway",
        mixinStandardHelpOptions = true,
        version = "pptp-gateway 0.1.0",
        description = "PPTP concentrator, GRE-aware NAT helper and PPTP uplink.",
        subcommands = {CommandLine.HelpCommand.class, ConcentratorCommand.class, InspectCommand.class,
            LoadgenCommand.class, NatHelperCommand.class, PppCommand.class, RunCommand.class,
            SessionsCommand.class})
public final class Main implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The command tree, shared by {@link #main} and the tests. */
    public static CommandLine commandLine() {
        return new CommandLine(new Main()).setCaseInsensitiveEnumValuesAllowed(true);
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
