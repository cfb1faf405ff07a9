package net.pptpgw.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The generic loader: kebab-case keys onto record components, the flags' syntaxes, errors with path and line. */
class ConfigSectionTest {

    enum Colour { DARK_RED, GREEN }

    record Inner(Duration every, Boolean on) {}

    record Settings(String name, Integer count, Boolean enabled, Double rate, Inet4Address wanAddress,
                    Duration idleTimeout, InetSocketAddress metrics, Path file, Colour colour, Inner inner,
                    List<String> pools, List<Inet4Address> servers) {}

    record Checked(Integer port) {
        Checked {
            if (port != null && port > 65535) {
                throw new IllegalArgumentException("port " + port + " is not a TCP port");
            }
        }
    }

    private static ConfigSection section(String yaml) throws ConfigException {
        return ConfigSection.parse(yaml, "test.yaml").section("s").orElseThrow();
    }

    private static ConfigException error(String yaml, Class<? extends Record> type) {
        try {
            section(yaml).bind(type);
        } catch (ConfigException e) {
            return e;
        }
        throw new AssertionError("no error for " + yaml);
    }

    @Test
    void everySupportedTypeBindsFromItsKebabCaseKey() throws Exception {
        Settings s = section("""
                s:
                  name: edge-1
                  count: -42
                  enabled: true
                  rate: 2.5
                  wan-address: 198.18.0.1
                  idle-timeout: 1500ms
                  metrics: 127.0.0.1:9723
                  file: /etc/ppp/chap-secrets
                  colour: dark-red
                  inner: {every: 3m, on: false}
                  pools: [10.0.0.10-10.0.0.20, 10.1.0.0/24]
                  servers: 203.0.113.7
                """).bind(Settings.class);
        assertThat(s.name()).isEqualTo("edge-1");
        assertThat(s.count()).isEqualTo(-42);
        assertThat(s.enabled()).isTrue();
        assertThat(s.rate()).isEqualTo(2.5);
        assertThat(s.wanAddress().getHostAddress()).isEqualTo("198.18.0.1");
        assertThat(s.idleTimeout()).isEqualTo(Duration.ofMillis(1500));
        assertThat(s.metrics()).isEqualTo(new InetSocketAddress("127.0.0.1", 9723));
        assertThat(s.file()).isEqualTo(Path.of("/etc/ppp/chap-secrets"));
        assertThat(s.colour()).isEqualTo(Colour.DARK_RED);
        assertThat(s.inner()).isEqualTo(new Inner(Duration.ofMinutes(3), false));
        assertThat(s.pools()).containsExactly("10.0.0.10-10.0.0.20", "10.1.0.0/24");
        assertThat(s.servers()).extracting(Inet4Address::getHostAddress).containsExactly("203.0.113.7");
    }

    @Test
    void absentAndEmptyKeysBindNull() throws Exception {
        Settings s = section("s:\n  name:\n  count: 7\n").bind(Settings.class);
        assertThat(s.name()).isNull();
        assertThat(s.count()).isEqualTo(7);
        assertThat(s.wanAddress()).isNull();
        assertThat(s.inner()).isNull();
        assertThat(ConfigSection.parse("", "empty.yaml").isEmpty()).isTrue();
        assertThat(ConfigSection.parse("s:\n", "t.yaml").section("s")).isEmpty();
    }

    @Test
    void badValuesNameTheKeyPathAndLine() {
        assertThat(error("s:\n  wan-address: x\n", Settings.class))
                .hasMessage("test.yaml line 2: s.wan-address: 'x' is not an IPv4 address")
                .satisfies(e -> {
                    assertThat(e.path()).isEqualTo("s.wan-address");
                    assertThat(e.line()).isEqualTo(2);
                });
        assertThat(error("s:\n  count: 1723x\n", Settings.class))
                .hasMessage("test.yaml line 2: s.count: '1723x' is not an integer");
        assertThat(error("s:\n  enabled: yes\n", Settings.class))
                .hasMessage("test.yaml line 2: s.enabled: 'yes' is not true or false");
        assertThat(error("s:\n  inner:\n    every: soon\n", Settings.class))
                .hasMessage("test.yaml line 3: s.inner.every: 'soon' is not a duration (e.g. 30s, 500ms, 3m, PT30S)");
        assertThat(error("s:\n  colour: blue\n", Settings.class))
                .hasMessage("test.yaml line 2: s.colour: 'blue' is not one of dark-red, green");
        assertThat(error("s:\n  servers: [203.0.113.7, 1.2.3]\n", Settings.class))
                .hasMessage("test.yaml line 2: s.servers[1]: '1.2.3' is not an IPv4 address");
        assertThat(error("s:\n  name: [a, b]\n", Settings.class))
                .hasMessage("test.yaml line 2: s.name: expected a single value, found a list");
        assertThat(error("s:\n  inner: 5\n", Settings.class))
                .hasMessage("test.yaml line 2: s.inner: expected a mapping of keys to values, found '5'");
        assertThat(error("s:\n  port: 70000\n", Checked.class))
                .hasMessage("test.yaml line 2: s: port 70000 is not a TCP port");
    }

    @Test
    void unknownAndDuplicateKeysAreRefused() {
        assertThat(error("s:\n  name: a\n  wan-adress: 198.18.0.1\n", Settings.class))
                .hasMessage("test.yaml line 3: s.wan-adress: unknown key; known keys here: colour, count, enabled, "
                        + "file, idle-timeout, inner, metrics, name, pools, rate, servers, wan-address");
        assertThat(error("s:\n  name: a\n  name: b\n", Settings.class))
                .hasMessage("test.yaml line 3: s.name: duplicate key (first on line 2)");
        assertThatThrownBy(() -> ConfigSection.parse("other: 1\n", "t.yaml").allowOnly(List.of("s")))
                .hasMessage("t.yaml line 1: other: unknown key; known keys at the top level: s");
    }

    @Test
    void malformedYamlAndAliasesAreRefusedWithTheLine() {
        assertThatThrownBy(() -> ConfigSection.parse("s:\n  a: 1\n b: [\n", "bad.yaml"))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("bad.yaml line ")
                .hasMessageContaining("not valid YAML");
        assertThatThrownBy(() -> ConfigSection.parse("- 1\n- 2\n", "list.yaml"))
                .hasMessage("list.yaml line 1: expected a mapping of keys to values, found a list");
        assertThatThrownBy(() -> ConfigSection.parse("a: &x [1, 2]\nb: *x\n", "alias.yaml").section("b"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("not valid YAML");
    }

    @Test
    void overlayTakesTheTopWhereItIsSetAndRecursesIntoNestedRecords() {
        Settings top = new Settings("top", null, null, null, null, null, null, null, null,
                new Inner(null, true), null, null);
        Settings bottom = new Settings("bottom", 3, false, null, null, Duration.ofSeconds(1), null, null, Colour.GREEN,
                new Inner(Duration.ofMinutes(1), false), List.of("p"), null);
        Settings merged = ConfigSection.overlay(top, bottom);
        assertThat(merged).isEqualTo(new Settings("top", 3, false, null, null, Duration.ofSeconds(1), null, null,
                Colour.GREEN, new Inner(Duration.ofMinutes(1), true), List.of("p"), null));
    }

    @Test
    void aSettingErrorFoundAfterBindingPointsAtTheKeyOrTheListItem() throws Exception {
        ConfigSection s = section("""
                s:
                  name: edge
                  pools:
                    - 10.0.0.0/24
                    - 10.1.0.0/33
                  servers: 203.0.113.7
                """);
        assertThat(s.error(new SettingException("pools", 1, "range '10.1.0.0/33': prefix length must be 0..32")))
                .hasMessage("test.yaml line 5: s.pools[1]: range '10.1.0.0/33': prefix length must be 0..32");
        assertThat(s.error(new SettingException("name", "too short")))
                .hasMessage("test.yaml line 2: s.name: too short");
        // One value written where a list may be: the key itself; a key left out: the section.
        assertThat(s.error("servers", 0, "unreachable")).hasMessage("test.yaml line 6: s.servers: unreachable");
        assertThat(s.error(new SettingException("count", "required"))).hasMessage("test.yaml line 2: s.count: required");
        assertThat(new SettingException("pools", 1, "bad").flagMessage()).isEqualTo("--pools: bad");
    }

    @Test
    void isSetTellsAGivenKeyFromAnAbsentOne() {
        Settings s = new Settings("n", null, null, null, null, Duration.ZERO, null, null, null, null, null, null);
        assertThat(ConfigSection.isSet(s, "name")).isTrue();
        assertThat(ConfigSection.isSet(s, "idle-timeout")).isTrue();
        assertThat(ConfigSection.isSet(s, "wan-address")).isFalse();
        assertThatThrownBy(() -> ConfigSection.isSet(s, "nothing")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void primitiveComponentsAreAProgrammingError() {
        record Primitive(int port) {}
        assertThatThrownBy(() -> section("s:\n  port: 1\n").bind(Primitive.class))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("nullable");
    }
}
