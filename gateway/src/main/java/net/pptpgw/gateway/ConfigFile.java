package net.pptpgw.gateway;

import java.io.IOException;
import java.nio.file.Path;
import net.pptpgw.gateway.config.ConfigException;
import net.pptpgw.gateway.config.ConfigSection;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/**
 * The {@code --config} file of the {@code concentrator}, {@code nat-helper} and {@code run}
 * commands: read, its top level checked against {@link GatewayConfig#TOP_LEVEL_KEYS}, and a bad
 * file turned into picocli's usage error (exit status 2) naming the file, line and key.
 */
record ConfigFile(CommandSpec spec, Path path) {

    /** The top level of the file, its keys checked. */
    ConfigSection root() {
        try {
            ConfigSection root = ConfigSection.load(path);
            root.allowOnly(GatewayConfig.TOP_LEVEL_KEYS);
            return root;
        } catch (ConfigException e) {
            throw error(e);
        } catch (IOException e) {
            throw new ParameterException(spec.commandLine(), "cannot read " + path + ": " + e.getMessage());
        }
    }

    /** The section a command reads, which the file must have. */
    static ConfigSection section(ConfigSection root, String name) throws ConfigException {
        return root.section(name).orElseThrow(() -> root.error(null, "no " + name + " section"));
    }

    /** A problem found in the file, as a usage error. */
    ParameterException error(ConfigException e) {
        return new ParameterException(spec.commandLine(), e.getMessage(), e, null, path.toString());
    }
}
