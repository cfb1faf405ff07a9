package net.pptpgw.concentrator.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.pptpgw.concentrator.Ipv4;
import net.pptpgw.concentrator.auth.ChapSecrets.AddressRule;
import net.pptpgw.concentrator.auth.ChapSecrets.Entry;
import net.pptpgw.protocol.MalformedPacketException;
import net.pptpgw.protocol.ppp.session.Secret;
import net.pptpgw.protocol.testing.Fuzz;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChapSecretsTest {

    /** As pptpd's Debian package ships it, then filled in the way operators do. */
    static final String FILE = """
            # Secrets for authentication using CHAP
            # client\tserver\tsecret\t\t\tIP addresses
            alice\tpptpd\t"open sesame"\t\t10.0.0.20
            bob     *       b0b#secret      *   # '#' inside a word is part of it
            "carol smith"  pptpd  "say \\"hi\\""  10.0.0.30 10.1.0.0/24

            *       pptpd   guestpass       -
            dave    other   d4ve\r
            erin    pptpd   e      10.2.0.0/16 !10.2.9.0/24 -- mtu 1400
            """;

    @Test
    void parsesARealisticFileFieldByField() throws Exception {
        List<Entry> entries = ChapSecrets.parse("chap-secrets", FILE).entries();
        assertThat(entries).containsExactly(
                new Entry("alice", "pptpd", "open sesame", List.of(subnet("10.0.0.20", 32)), List.of(), 3),
                new Entry("bob", "*", "b0b#secret", List.of(new AddressRule.Any()), List.of(), 4),
                new Entry("carol smith", "pptpd", "say \"hi\"",
                        List.of(subnet("10.0.0.30", 32), subnet("10.1.0.0", 24)), List.of(), 5),
                new Entry("*", "pptpd", "guestpass", List.of(new AddressRule.None()), List.of(), 7),
                new Entry("dave", "other", "d4ve", List.of(), List.of(), 8),
                new Entry("erin", "pptpd", "e", List.of(subnet("10.2.0.0", 16),
                        new AddressRule.Subnet(Ipv4.parse("10.2.9.0"), 24, false)), List.of("mtu", "1400"), 9));
        assertThat(entries.get(5).fixedAddresses()).isEmpty();
        assertThat(entries.get(0).fixedAddresses()).containsExactly(Ipv4.parse("10.0.0.20"));
        assertThat(entries.get(2).fixedAddresses()).containsExactly(Ipv4.parse("10.0.0.30"));
        assertThat(entries.get(1).anyAddressAllowed()).isTrue();
        assertThat(entries.get(3).anyAddressAllowed()).isFalse();
    }

    @Test
    void singleQuotesAndBackslashesOutsideQuotes() throws Exception {
        Entry e = ChapSecrets.parse("f", "'eve x' srv a\\ b\\#c\n").entries().get(0);
        assertThat(e).isEqualTo(new Entry("eve x", "srv", "a b#c", List.of(), List.of(), 1));
    }

    @Test
    void loadsAFileByPath(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("chap-secrets");
        Files.write(file, "caf\u00e9 pptpd s\u00e9cret\n".getBytes(StandardCharsets.ISO_8859_1));
        assertThat(ChapSecrets.load(file).lookup("caf\u00e9", "pptpd")).get().extracting(Entry::secret)
                .isEqualTo("s\u00e9cret");
    }

    @Test
    void lookupPrefersExactClientThenExactServerThenWildcards() throws Exception {
        ChapSecrets secrets = ChapSecrets.parse("f", """
                *      *      any-any
                *      pptpd  any-pptpd
                alice  *      alice-any
                alice  pptpd  alice-pptpd
                alice  pptpd  alice-pptpd-second
                bob    *      bob-any
                *      vpn    any-vpn
                """);
        assertThat(secret(secrets, "alice", "pptpd")).isEqualTo("alice-pptpd");
        assertThat(secret(secrets, "alice", "vpn")).isEqualTo("alice-any");
        assertThat(secret(secrets, "bob", "pptpd")).isEqualTo("bob-any");
        assertThat(secret(secrets, "carol", "pptpd")).isEqualTo("any-pptpd");
        assertThat(secret(secrets, "carol", "vpn")).isEqualTo("any-vpn");
        assertThat(secret(secrets, "carol", "elsewhere")).isEqualTo("any-any");
        assertThat(ChapSecrets.parse("f", "alice pptpd x\n").lookup("bob", "pptpd")).isEmpty();
        assertThat(ChapSecrets.parse("f", "alice pptpd x\n").lookup("alice", "vpn")).isEmpty();
    }

    @Test
    void errorsNameFileLineAndProblem() {
        assertError("alice pptpd\n", "secrets:1: expected client, server and secret, got 2 fields");
        assertError("\n\nalice\n", "secrets:3: expected client, server and secret, got 1 field");
        assertError("a b \"unterminated\n", "secrets:1: unterminated quoted field");
        assertError("a b c 10.0.0.256\n", "secrets:1: address '10.0.0.256' is not an IPv4 address");
        assertError("a b c host.example\n", "secrets:1: address 'host.example' is not an IPv4 address");
        assertError("a b c !x\n", "secrets:1: address '!x' is not an IPv4 address");
        assertError("a b c 10.0.0.0/33\n", "secrets:1: address '10.0.0.0/33': prefix length must be 0..32");
        assertError("ok ok ok\na b \"c\\", "secrets:2: backslash at the end of the line");
    }

    @Test
    void emptyAndCommentOnlyFilesHaveNoEntries() throws Exception {
        assertThat(ChapSecrets.parse("f", "").entries()).isEmpty();
        assertThat(ChapSecrets.parse("f", "# nothing\n   \t\n#\n").entries()).isEmpty();
    }

    @Property(tries = 2000)
    void anyTextParsesOrFailsWithATypedError(@ForAll("secretsText") String text) {
        try {
            ChapSecrets secrets = ChapSecrets.parse("fuzz", text);
            for (Entry e : secrets.entries()) {
                assertThat(e.line()).isPositive();
                assertThat(secrets.lookup(e.client(), e.server())).isPresent();
            }
        } catch (ChapSecrets.ParseException e) {
            assertThat(e.getMessage()).startsWith("fuzz:" + e.line() + ": ");
        }
    }

    /**
     * Random and mutated files through the parser. {@link Fuzz} accepts only
     * MalformedPacketException, so the parser's own typed error is translated to it here: any
     * other throwable still fails the run.
     */
    @Test
    void fuzz() {
        Fuzz.run("chap-secrets", List.of(FILE.getBytes(StandardCharsets.ISO_8859_1),
                "a b c 10.0.0.1/24 - *\n'x' \"y\" z\\ \n".getBytes(StandardCharsets.ISO_8859_1)), buf -> {
            try {
                ChapSecrets secrets = ChapSecrets.parse("fuzz", buf.toString(StandardCharsets.ISO_8859_1));
                secrets.entries().forEach(e -> secrets.lookup(e.client(), e.server()).orElseThrow());
            } catch (ChapSecrets.ParseException e) {
                throw new MalformedPacketException("chap-secrets", "parse", e.getMessage());
            }
        });
    }

    @Provide
    Arbitrary<String> secretsText() {
        Arbitrary<String> token = Arbitraries.oneOf(
                Arbitraries.of("alice", "*", "-", "!", "--", "\"", "\\", "#", " ", "\t", "\n", "\r", "10.0.0.1",
                        "10.1.0.0/24", "/", "999.1.1.1", "1.2.3", "\"a b\"", "/40"),
                Arbitraries.strings().all().ofMaxLength(6));
        return token.list().ofMaxSize(40).map(parts -> String.join("", parts));
    }

    @Property(tries = 500)
    void writtenEntriesReadBack(@ForAll("field") String client, @ForAll("field") String server,
            @ForAll("field") String secret) throws Exception {
        String line = quote(client) + " " + quote(server) + " " + quote(secret) + " 10.0.0.9\n";
        Entry entry = ChapSecrets.parse("f", line).entries().get(0);
        assertThat(entry).isEqualTo(new Entry(client, server, secret, List.of(subnet("10.0.0.9", 32)), List.of(), 1));
    }

    /**
     * The indexed lookup picks what pppd's one pass over the file does (exact client beats exact
     * server beats wildcards; the first of equals wins), on files of repeated and wildcard names.
     */
    @Property(tries = 1000)
    void indexedLookupAgreesWithAScanOfTheFile(@ForAll("entryLines") List<String> lines,
            @ForAll("name") String client, @ForAll("name") String server) throws Exception {
        ChapSecrets secrets = ChapSecrets.parse("f", String.join("", lines));
        Entry expected = null;
        int expectedScore = -1;
        for (Entry entry : secrets.entries()) {
            boolean clientWild = entry.client().equals("*");
            boolean serverWild = entry.server().equals("*");
            if (!clientWild && !entry.client().equals(client) || !serverWild && !entry.server().equals(server)) {
                continue;
            }
            int score = (clientWild ? 0 : 2) + (serverWild ? 0 : 1);
            if (score > expectedScore) {
                expected = entry;
                expectedScore = score;
            }
        }
        assertThat(secrets.lookup(client, server)).isEqualTo(java.util.Optional.ofNullable(expected));
    }

    @Provide
    Arbitrary<List<String>> entryLines() {
        return Arbitraries.integers().between(0, 1_000_000)
                .flatMap(n -> Arbitraries.of("alice", "bob", "*").list().ofSize(2)
                        .map(names -> names.get(0) + " " + (names.get(1).equals("bob") ? "pptpd" : names.get(1))
                                + " secret" + n + "\n"))
                .list().ofMaxSize(12);
    }

    @Provide
    Arbitrary<String> name() {
        return Arbitraries.of("alice", "bob", "carol", "*", "pptpd", "vpn");
    }

    @Provide
    Arbitrary<String> field() {
        return Arbitraries.strings().withCharRange(' ', '~').withChars('\t', '\u00e9').ofMinLength(1).ofMaxLength(12);
    }

    private static String quote(String field) {
        return "\"" + field.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private static String secret(ChapSecrets secrets, String client, String server) {
        return secrets.lookup(client, server).orElseThrow().secret();
    }

    private static AddressRule subnet(String address, int prefix) {
        return new AddressRule.Subnet(Ipv4.parse(address), prefix, true);
    }

    private static void assertError(String text, String message) {
        assertThatThrownBy(() -> ChapSecrets.parse("secrets", text))
                .isInstanceOf(ChapSecrets.ParseException.class).hasMessageStartingWith(message);
    }

    @Test
    void asTheAuthenticatorsUserDatabaseForOneServerName() throws Exception {
        String file = """
                # client        server  secret                  IP addresses
                alice           pptpd   "pass word"             *
                bob             other   bobsecret               10.0.0.5
                "carol"         *       carol1    # comment
                *               pptpd   fallback
                """;
        var forPptpd = ChapSecrets.parse("chap-secrets", file).forServer("pptpd");
        var forOther = ChapSecrets.parse("chap-secrets", file).forServer("other");
        assertThat(forPptpd.lookup("alice")).contains(new Secret.Password("pass word"));
        assertThat(forPptpd.lookup("carol")).contains(new Secret.Password("carol1"));
        assertThat(forPptpd.lookup("bob")).contains(new Secret.Password("fallback"));
        assertThat(forOther.lookup("bob")).contains(new Secret.Password("bobsecret"));
        assertThat(forOther.lookup("alice")).isEmpty();
    }
}
