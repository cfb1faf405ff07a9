package net.pptpgw.gateway.config;

import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.function.Function;
import picocli.CommandLine;

/**
 * Picocli converters around the {@link ConfigValues} parsers: a flag takes the same syntax and
 * words as the configuration file key it overrides, and every command spells a duration or an
 * address alike. A bad value is picocli's usage error, worded by the parser.
 */
public final class FlagConverters {

    private FlagConverters() {}

    private abstract static class ValueConverter<T> implements CommandLine.ITypeConverter<T> {
        private final Function<String, T> parser;

        ValueConverter(Function<String, T> parser) {
            this.parser = parser;
        }

        @Override
        public T convert(String value) {
            try {
                return parser.apply(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }

    /** A literal dotted-quad IPv4 address (no name lookup). */
    public static final class Ipv4Converter extends ValueConverter<Inet4Address> {
        public Ipv4Converter() {
            super(ConfigValues::ipv4);
        }
    }

    /** {@code 500ms}, {@code 30s}, {@code 3m}, {@code 1h}, or an ISO-8601 duration ({@code PT30S}). */
    public static final class DurationConverter extends ValueConverter<Duration> {
        public DurationConverter() {
            super(ConfigValues::duration);
        }
    }

    /** {@code HOST:PORT}, as {@link ConfigValues#hostPort}. */
    public static final class SocketAddressConverter extends ValueConverter<InetSocketAddress> {
        public SocketAddressConverter() {
            super(ConfigValues::hostPort);
        }
    }
}
