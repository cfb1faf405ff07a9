package net.pptpgw.gateway.config;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.pptpgw.gateway.MetricsEndpoint;

/**
 * The value syntaxes shared by command-line flags and configuration files, so that a value
 * means the same, and is refused with the same words, wherever it is written. Each parser throws
 * {@link IllegalArgumentException} whose message quotes the value and says what it should be.
 */
public final class ConfigValues {

    private static final Pattern DOTTED_QUAD = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final Pattern SIMPLE_DURATION = Pattern.compile("(\\d+)(ms|s|m|h)");
    private static final Pattern INTEGER = Pattern.compile("-?\\d{1,10}");

    private ConfigValues() {}

    /** A literal dotted-quad IPv4 address; never a name lookup. */
    public static Inet4Address ipv4(String value) {
        if (DOTTED_QUAD.matcher(value).matches()) {
            try {
                if (InetAddress.getByName(value) instanceof Inet4Address v4) {
                    return v4;
                }
            } catch (UnknownHostException e) {
                // an octet above 255: refused below
            }
        }
        throw new IllegalArgumentException("'" + value + "' is not an IPv4 address");
    }

    /** {@code 500ms}, {@code 30s}, {@code 3m}, {@code 1h}, or an ISO-8601 duration ({@code PT30S}). */
    public static Duration duration(String value) {
        Matcher m = SIMPLE_DURATION.matcher(value);
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            return switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                default -> Duration.ofHours(n);
            };
        }
        try {
            return Duration.parse(value);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("'" + value + "' is not a duration (e.g. 30s, 500ms, 3m, PT30S)");
        }
    }

    /** {@code HOST:PORT}, as for {@code --metrics} (see {@link MetricsEndpoint#parseAddress}). */
    public static InetSocketAddress hostPort(String value) {
        return MetricsEndpoint.parseAddress(value);
    }

    /** A TCP/UDP port, 0 … 65535. */
    public static int port(String value) {
        if (!value.matches("\\d{1,5}") || Integer.parseInt(value) > 0xFFFF) {
            throw new IllegalArgumentException("'" + value + "' is not a port (0-65535)");
        }
        return Integer.parseInt(value);
    }

    /** A decimal {@code int}. */
    public static int integer(String value) {
        if (!INTEGER.matcher(value).matches()) {
            throw new IllegalArgumentException("'" + value + "' is not an integer");
        }
        long n = Long.parseLong(value);
        if (n != (int) n) {
            throw new IllegalArgumentException("'" + value + "' is out of range for an integer");
        }
        return (int) n;
    }

    /** {@code true} or {@code false}, as YAML 1.2 and the flags write them. */
    public static boolean bool(String value) {
        return switch (value) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException("'" + value + "' is not true or false");
        };
    }

    /** A decimal number. */
    public static double decimal(String value) {
        try {
            double d = Double.parseDouble(value);
            if (Double.isFinite(d)) {
                return d;
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        throw new IllegalArgumentException("'" + value + "' is not a number");
    }
}
