package net.pptpgw.gateway;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.Collection;
import java.util.Map;

/**
 * Writes records, lists, maps, strings, numbers and booleans as JSON (RFC 8259): a record becomes
 * an object of its components in declaration order, {@code null} becomes {@code null}. Enough for
 * the {@code inspect} report and the admin endpoint's answers without a JSON library.
 */
public final class JsonWriter {

    private final StringBuilder out = new StringBuilder();
    private final boolean pretty;
    private int depth;

    private JsonWriter(boolean pretty) {
        this.pretty = pretty;
    }

    /** {@code value} as JSON text, indented by two spaces per level when {@code pretty}. */
    public static String write(Object value, boolean pretty) {
        JsonWriter writer = new JsonWriter(pretty);
        writer.value(value);
        return writer.out.toString();
    }

    private void value(Object value) {
        switch (value) {
            case null -> out.append("null");
            case String s -> string(s);
            case Boolean b -> out.append(b);
            case Double d -> out.append(d.isNaN() || d.isInfinite() ? "null" : stripZeros(String.format("%.6f", d)));
            case Float f -> value(f.doubleValue());
            case Number n -> out.append(n);
            case Enum<?> e -> string(e.name().toLowerCase());
            case Record r -> record(r);
            case Map<?, ?> m -> map(m);
            case Collection<?> c -> array(c);
            default -> string(value.toString());
        }
    }

    private static String stripZeros(String decimal) {
        int end = decimal.length();
        while (decimal.charAt(end - 1) == '0') {
            end--;
        }
        return decimal.charAt(end - 1) == '.' ? decimal.substring(0, end - 1) : decimal.substring(0, end);
    }

    private void record(Record record) {
        RecordComponent[] components = record.getClass().getRecordComponents();
        out.append('{');
        depth++;
        for (int i = 0; i < components.length; i++) {
            separator(i);
            string(components[i].getName());
            out.append(pretty ? ": " : ":");
            try {
                value(components[i].getAccessor().invoke(record));
            } catch (IllegalAccessException | InvocationTargetException e) {
                throw new IllegalStateException("cannot read " + components[i], e);
            }
        }
        close('}', components.length);
    }

    private void map(Map<?, ?> map) {
        out.append('{');
        depth++;
        int i = 0;
        for (Map.Entry<?, ?> entry : map.entrySet()) {
            separator(i++);
            string(String.valueOf(entry.getKey()));
            out.append(pretty ? ": " : ":");
            value(entry.getValue());
        }
        close('}', map.size());
    }

    private void array(Collection<?> values) {
        out.append('[');
        depth++;
        int i = 0;
        for (Object value : values) {
            separator(i++);
            value(value);
        }
        close(']', values.size());
    }

    private void separator(int index) {
        if (index > 0) {
            out.append(',');
        }
        newline();
    }

    private void close(char bracket, int size) {
        depth--;
        if (size > 0) {
            newline();
        }
        out.append(bracket);
    }

    private void newline() {
        if (pretty) {
            out.append('\n').append("  ".repeat(depth));
        }
    }

    private void string(String text) {
        out.append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20 || (c >= 0x7f && c < 0xa0) || Character.isSurrogate(c)) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
