package net.pptpgw.gateway.config;

/**
 * A setting that cannot be used, named by its key ({@code pool}, item 1) rather than by where it
 * was written: the same settings record holds values from flags and from a file, and only the
 * command knows which of them gave the key. It reports {@code --pool: ...} for a flag and
 * {@code gateway.yaml line 12: concentrator.pool[1]: ...} for the file
 * ({@link ConfigSection#error(String, int, String)}).
 */
public final class SettingException extends IllegalArgumentException {

    private final String key;
    private final int index;
    private final String problem;

    /**
     * @param key the key in kebab-case, which is also the flag's name without its dashes
     * @param index the item of a list-valued key, or -1 for the key as a whole
     * @param problem what is wrong, with the offending value
     */
    public SettingException(String key, int index, String problem) {
        super(key + (index >= 0 ? "[" + index + "]" : "") + ": " + problem);
        this.key = key;
        this.index = index;
        this.problem = problem;
    }

    public SettingException(String key, String problem) {
        this(key, -1, problem);
    }

    public String key() {
        return key;
    }

    /** The list item at fault, or -1 for the key as a whole. */
    public int index() {
        return index;
    }

    public String problem() {
        return problem;
    }

    /** As a flag's error: {@code --pool: range '10.1.0.0/33': ...}. */
    public String flagMessage() {
        return "--" + key + ": " + problem;
    }
}
