package net.pptpgw.gateway.config;

/**
 * A configuration file that cannot be used, with where and why: {@code gateway.yaml line 4:
 * nat-helper.wan-address: 'x' is not an IPv4 address}. The key path uses the file's own key
 * names, dot-separated, so that the operator finds the line to fix.
 */
public final class ConfigException extends Exception {

    private final String path;
    private final String problem;
    private final int line;

    /**
     * @param source the file name, for the message
     * @param path the key path ({@code nat-helper.wan-address}); empty for the whole file
     * @param line 1-based line of the offending key or value, 0 if unknown
     * @param problem what is wrong, with the offending value
     */
    public ConfigException(String source, String path, int line, String problem) {
        super(source + (line > 0 ? " line " + line : "") + ": " + (path.isEmpty() ? "" : path + ": ") + problem);
        this.path = path;
        this.problem = problem;
        this.line = line;
    }

    /** The dot-separated key path, e.g. {@code nat-helper.listen-port}; empty for the whole file. */
    public String path() {
        return path;
    }

    public String problem() {
        return problem;
    }

    /** 1-based line of the offending key or value, 0 if unknown. */
    public int line() {
        return line;
    }
}
