package net.pptpgw.gateway.config;

import java.io.IOException;
import java.io.Reader;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;

/**
 * One mapping of a YAML configuration file, with its key path and line numbers, that binds to a
 * settings record: the generic loader behind {@code --config} of every gateway command.
 *
 * <p>Binding ({@link #bind}) maps each record component to the key of the same name in
 * kebab-case ({@code wanAddress} ← {@code wan-address}), the spelling of the command-line flags,
 * and parses each value with the flags' own parsers ({@link ConfigValues}): a key means what its
 * flag means. Supported component types: {@code String}, {@code Integer}, {@code Boolean},
 * {@code Double}, {@code Inet4Address}, {@code Duration}, {@code InetSocketAddress}
 * ({@code HOST:PORT}), {@code Path}, enums (case-insensitive, {@code -} for {@code _}), a nested
 * record (a nested mapping) and {@code List} of any of these (a YAML sequence, or one value as a
 * one-element list, as a repeated flag). Components are reference types: an absent key binds
 * {@code null}, so that the caller can lay flags over the file and defaults under both
 * ({@link #overlay}).
 *
 * <p>Nothing is silently ignored: an unknown key fails with the list of known ones (a typo must
 * not leave a default in force), as do a duplicate key, a mapping where a value belongs and the
 * reverse. Values are read as the text written, so {@code listen-port: 1723} and
 * {@code listen-port: "1723"} are the same; YAML's own typing (octal, sexagesimal) plays no part.
 */
public final class ConfigSection {

    private final String source;
    private final String path;
    private final int line;
    private final Map<String, NodeTuple> entries;

    private ConfigSection(String source, String path, int line, Map<String, NodeTuple> entries) {
        this.source = source;
        this.path = path;
        this.line = line;
        this.entries = entries;
    }

    /** Reads {@code file} (UTF-8): its top-level mapping; an empty file is an empty mapping. */
    public static ConfigSection load(Path file) throws IOException, ConfigException {
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return parse(reader, file.getFileName().toString());
        }
    }

    /** Parses YAML text; {@code source} names it in error messages. */
    public static ConfigSection parse(String yaml, String source) throws ConfigException {
        return parse(new java.io.StringReader(yaml), source);
    }

    private static ConfigSection parse(Reader reader, String source) throws ConfigException {
        // No aliases: a configuration has no use for them, and they are the YAML bomb's tool.
        LoadSettings settings = LoadSettings.builder().setLabel(source).setMaxAliasesForCollections(0).build();
        Optional<Node> root;
        try {
            root = new Compose(settings).composeReader(reader);
        } catch (MarkedYamlEngineException e) {
            throw new ConfigException(source, "", e.getProblemMark().map(m -> m.getLine() + 1).orElse(0),
                    "not valid YAML: " + e.getProblem());
        } catch (YamlEngineException e) {
            throw new ConfigException(source, "", 0, "not valid YAML: " + e.getMessage());
        }
        if (root.isEmpty() || isNull(root.get())) {
            return new ConfigSection(source, "", 0, Map.of());
        }
        return mapping(source, "", root.get());
    }

    private static ConfigSection mapping(String source, String path, Node node) throws ConfigException {
        if (!(node instanceof MappingNode map)) {
            throw new ConfigException(source, path, lineOf(node), "expected a mapping of keys to values, found "
                    + describe(node));
        }
        Map<String, NodeTuple> entries = new LinkedHashMap<>();
        for (NodeTuple tuple : map.getValue()) {
            if (!(tuple.getKeyNode() instanceof ScalarNode key)) {
                throw new ConfigException(source, path, lineOf(tuple.getKeyNode()), "a key must be a plain name");
            }
            if (entries.putIfAbsent(key.getValue(), tuple) != null) {
                throw new ConfigException(source, join(path, key.getValue()), lineOf(key), "duplicate key (first on line "
                        + lineOf(entries.get(key.getValue()).getKeyNode()) + ")");
            }
        }
        return new ConfigSection(source, path, lineOf(node), Collections.unmodifiableMap(entries));
    }

    /** The dot-separated key path of this mapping; empty for the file's top level. */
    public String path() {
        return path;
    }

    /** The keys present, in file order. */
    public Set<String> keys() {
        return entries.keySet();
    }

    public boolean has(String key) {
        return entries.containsKey(key);
    }

    public boolean isEmpty() {
        return entries.isEmpty();
    }

    /** The mapping under {@code key}; empty if absent or written with no value ({@code key:}). */
    public Optional<ConfigSection> section(String key) throws ConfigException {
        NodeTuple tuple = entries.get(key);
        if (tuple == null || isNull(tuple.getValueNode())) {
            return Optional.empty();
        }
        return Optional.of(mapping(source, join(path, key), tuple.getValueNode()));
    }

    /** The value of {@code key} as {@code type} (any type {@link #bind} supports); null if absent. */
    public <T> T value(String key, Class<T> type) throws ConfigException {
        NodeTuple tuple = entries.get(key);
        return tuple == null ? null : type.cast(convert(join(path, key), tuple.getValueNode(), type));
    }

    /** Fails on the first key not in {@code known}, listing the known keys. */
    public void allowOnly(Collection<String> known) throws ConfigException {
        for (Map.Entry<String, NodeTuple> e : entries.entrySet()) {
            if (!known.contains(e.getKey())) {
                throw new ConfigException(source, join(path, e.getKey()), lineOf(e.getValue().getKeyNode()),
                        "unknown key; known keys " + (path.isEmpty() ? "at the top level" : "here") + ": "
                                + String.join(", ", new TreeSet<>(known)));
            }
        }
    }

    /** {@link ConfigException} for {@code key} of this mapping, at the key's line (or the mapping's). */
    public ConfigException error(String key, String problem) {
        NodeTuple tuple = key == null ? null : entries.get(key);
        return new ConfigException(source, key == null ? path : join(path, key),
                tuple == null ? line : lineOf(tuple.getKeyNode()), problem);
    }

    /**
     * {@link ConfigException} for item {@code index} of list-valued {@code key}, at the item's line:
     * {@code gateway.yaml line 12: concentrator.pool[1]: ...}. A negative index, or a key written
     * as one value rather than a list, is the key as a whole ({@link #error(String, String)}).
     */
    public ConfigException error(String key, int index, String problem) {
        NodeTuple tuple = entries.get(key);
        if (index < 0 || tuple == null || !(tuple.getValueNode() instanceof SequenceNode sequence)
                || index >= sequence.getValue().size()) {
            return error(key, problem);
        }
        return new ConfigException(source, join(path, key) + "[" + index + "]",
                lineOf(sequence.getValue().get(index)), problem);
    }

    /** {@link #error(String, int, String)} for a {@link SettingException} about this mapping's keys. */
    public ConfigException error(SettingException e) {
        return error(e.key(), e.index(), e.problem());
    }

    /** Whether {@code settings} (a settings record) has a value for {@code key}, its component's kebab-case name. */
    public static boolean isSet(Record settings, String key) {
        for (RecordComponent c : settings.getClass().getRecordComponents()) {
            if (kebab(c.getName()).equals(key)) {
                try {
                    return c.getAccessor().invoke(settings) != null;
                } catch (ReflectiveOperationException e) {
                    throw new IllegalStateException("reading " + c, e);
                }
            }
        }
        throw new IllegalArgumentException(settings.getClass().getName() + " has no key " + key);
    }

    /**
     * Binds this mapping to a new {@code type}: every key must name one of its components (see
     * the class comment for names and types); absent keys bind {@code null}.
     */
    public <R extends Record> R bind(Class<R> type) throws ConfigException {
        RecordComponent[] components = type.getRecordComponents();
        List<String> keys = new ArrayList<>();
        for (RecordComponent c : components) {
            if (c.getType().isPrimitive()) {
                throw new IllegalArgumentException(type.getName() + "." + c.getName()
                        + " is primitive: settings components must be nullable, an absent key binds null");
            }
            keys.add(kebab(c.getName()));
        }
        allowOnly(keys);
        Object[] values = new Object[components.length];
        for (int i = 0; i < components.length; i++) {
            NodeTuple tuple = entries.get(keys.get(i));
            if (tuple != null) {
                values[i] = convert(join(path, keys.get(i)), tuple.getValueNode(), components[i].getGenericType());
            }
        }
        try {
            Constructor<R> canonical = type.getDeclaredConstructor(
                    Arrays.stream(components).map(RecordComponent::getType).toArray(Class<?>[]::new));
            canonical.setAccessible(true);
            return canonical.newInstance(values);
        } catch (InvocationTargetException e) {
            // The record's own check refused the combination: report it against this mapping.
            if (e.getCause() instanceof IllegalArgumentException invalid) {
                throw new ConfigException(source, path, line, invalid.getMessage());
            }
            throw new IllegalStateException("constructing " + type.getName(), e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("constructing " + type.getName(), e);
        }
    }

    /**
     * {@code top}'s components where they are not null, {@code bottom}'s elsewhere: flags laid over
     * a file. Nested records are laid over component by component.
     */
    public static <R extends Record> R overlay(R top, R bottom) {
        if (top == null || bottom == null) {
            return top == null ? bottom : top;
        }
        @SuppressWarnings("unchecked")
        Class<R> type = (Class<R>) top.getClass();
        RecordComponent[] components = type.getRecordComponents();
        Object[] values = new Object[components.length];
        try {
            for (int i = 0; i < components.length; i++) {
                Object t = components[i].getAccessor().invoke(top);
                Object b = components[i].getAccessor().invoke(bottom);
                values[i] = t instanceof Record tr && b instanceof Record br ? overlay(tr, br) : t != null ? t : b;
            }
            Constructor<R> canonical = type.getDeclaredConstructor(
                    Arrays.stream(components).map(RecordComponent::getType).toArray(Class<?>[]::new));
            canonical.setAccessible(true);
            return canonical.newInstance(values);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("overlaying " + type.getName(), e);
        }
    }

    // ---------------------------------------------------------------- values

    private static final Map<Class<?>, Function<String, ?>> SCALARS = Map.of(
            String.class, s -> s,
            Integer.class, ConfigValues::integer,
            Boolean.class, ConfigValues::bool,
            Double.class, ConfigValues::decimal,
            Inet4Address.class, ConfigValues::ipv4,
            Duration.class, ConfigValues::duration,
            InetSocketAddress.class, ConfigValues::hostPort,
            Path.class, Path::of);

    private Object convert(String keyPath, Node node, Type type) throws ConfigException {
        if (isNull(node)) {
            return null; // "key:" with no value: as if absent
        }
        if (type instanceof ParameterizedType p && p.getRawType() == List.class) {
            Type element = p.getActualTypeArguments()[0];
            List<Object> list = new ArrayList<>();
            if (node instanceof SequenceNode sequence) {
                List<Node> items = sequence.getValue();
                for (int i = 0; i < items.size(); i++) {
                    Object item = convert(keyPath + "[" + i + "]", items.get(i), element);
                    if (item == null) {
                        throw new ConfigException(source, keyPath + "[" + i + "]", lineOf(items.get(i)), "empty item");
                    }
                    list.add(item);
                }
            } else {
                list.add(convert(keyPath, node, element));
            }
            return List.copyOf(list);
        }
        Class<?> cls = (Class<?>) type;
        if (cls.isRecord()) {
            return mapping(source, keyPath, node).bind(cls.asSubclass(Record.class));
        }
        if (!(node instanceof ScalarNode scalar)) {
            throw new ConfigException(source, keyPath, lineOf(node), "expected a single value, found " + describe(node));
        }
        String text = scalar.getValue();
        try {
            if (cls.isEnum()) {
                return enumConstant(cls, text);
            }
            Function<String, ?> parser = SCALARS.get(cls);
            if (parser == null) {
                throw new IllegalArgumentException("no configuration syntax for " + cls.getName());
            }
            return parser.apply(text);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(source, keyPath, lineOf(node), e.getMessage());
        }
    }

    private static Object enumConstant(Class<?> cls, String text) {
        String wanted = text.replace('-', '_');
        List<String> names = new ArrayList<>();
        for (Object constant : cls.getEnumConstants()) {
            String name = ((Enum<?>) constant).name();
            if (name.equalsIgnoreCase(wanted)) {
                return constant;
            }
            names.add(name.toLowerCase(Locale.ROOT).replace('_', '-'));
        }
        throw new IllegalArgumentException("'" + text + "' is not one of " + String.join(", ", names));
    }

    // ---------------------------------------------------------------- helpers

    /** {@code wanAddress} → {@code wan-address}. */
    static String kebab(String camel) {
        StringBuilder b = new StringBuilder(camel.length() + 4);
        for (char c : camel.toCharArray()) {
            if (Character.isUpperCase(c)) {
                b.append('-').append(Character.toLowerCase(c));
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    private static String join(String path, String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    private static boolean isNull(Node node) {
        return node instanceof ScalarNode s && Tag.NULL.equals(s.getTag());
    }

    private static int lineOf(Node node) {
        return node.getStartMark().map(Mark::getLine).map(l -> l + 1).orElse(0);
    }

    private static String describe(Node node) {
        return switch (node) {
            case MappingNode m -> "a mapping";
            case SequenceNode s -> "a list";
            case ScalarNode s -> "'" + s.getValue() + "'";
            default -> node.getNodeType().toString();
        };
    }
}
