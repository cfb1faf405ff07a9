package net.pptpgw.concentrator.auth;

import java.io.IOException;
import java.net.Inet4Address;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import net.pptpgw.protocol.ppp.session.Secret;
import net.pptpgw.protocol.ppp.session.SecretsLookup;
import net.pptpgw.concentrator.Ipv4;

/**
 * The entries of a pppd {@code chap-secrets} file, as pppd(8) "AUTHENTICATION" and pptpd write
 * it: one entry per line, {@code client server secret [address ...]}, whitespace separated.
 * A field may be quoted ({@code "..."} or {@code '...'}) to hold spaces; a backslash takes the
 * next character literally. {@code #} where a field would start begins a comment. Unlike pppd,
 * an entry may not continue onto the next line (pppd reads words across lines; no real file
 * does that, and line-bound entries give errors a line number). {@code *} as client or server
 * matches any name. Addresses: a dotted quad, {@code a.b.c.d/n}, either after {@code !} to
 * forbid it, {@code *} (any address) or {@code -} (no address may be used); no addresses at all
 * leaves the choice to the server. Words after {@code --} are per-user pppd options, kept.
 * Not supported, and reported as errors: host names as addresses (pppd resolves them) and
 * pppd's {@code +offset} addresses. A secret {@code @/path} (pppd: read the secret from that
 * file) is kept as written.
 *
 * <p>Lookup precedence follows pppd's {@code scan_authfile}: an entry with an exact client name
 * beats one with an exact server name, which beats a double wildcard; among equals the first in
 * the file wins.
 *
 * <pre>{@code
 * ChapSecrets secrets = ChapSecrets.load(Path.of("/etc/ppp/chap-secrets"));
 * Optional<ChapSecrets.Entry> e = secrets.lookup("alice", "pptpd");
 * }</pre>
 */
public final class ChapSecrets {

    private final List<Entry> entries;
    /**
     * Entries by exact client name, and the wildcard-client entries, each in file order: a lookup
     * reads only the candidates for one user instead of the whole file (a file of 65,536 users
     * made the linear scan most of the concentrator's CPU time at a few hundred setups/s).
     */
    private final Map<String, List<Entry>> byClient;
    private final List<Entry> wildcardClients;

    private ChapSecrets(List<Entry> entries) {
        this.entries = List.copyOf(entries);
        Map<String, List<Entry>> index = new HashMap<>();
        List<Entry> wildcards = new ArrayList<>();
        for (Entry entry : this.entries) {
            if (entry.wildcardClient()) {
                wildcards.add(entry);
            } else {
                index.computeIfAbsent(entry.client, k -> new ArrayList<>()).add(entry);
            }
        }
        index.replaceAll((client, list) -> List.copyOf(list));
        this.byClient = Map.copyOf(index);
        this.wildcardClients = List.copyOf(wildcards);
    }

    /**
     * One line of the file. {@code addresses} is empty when the line names none; {@code options}
     * are the words after a {@code --} (pppd options for this user, kept as written).
     */
    public record Entry(String client, String server, String secret, List<AddressRule> addresses,
            List<String> options, int line) {
        public Entry {
            Objects.requireNonNull(client, "client");
            Objects.requireNonNull(server, "server");
            Objects.requireNonNull(secret, "secret");
            addresses = List.copyOf(addresses);
            options = List.copyOf(options);
        }

        /**
         * The addresses this user must get, in file order: the literal single addresses (a /32 or
         * a bare dotted quad). Empty when any pool address will do.
         */
        public List<Inet4Address> fixedAddresses() {
            return addresses.stream()
                    .filter(r -> r instanceof AddressRule.Subnet s && s.permit() && s.prefixLength() == 32)
                    .map(r -> ((AddressRule.Subnet) r).address()).toList();
        }

        /** False when the entry forbids every address ({@code -}). */
        public boolean anyAddressAllowed() {
            return addresses.isEmpty() || addresses.stream().anyMatch(r -> r instanceof AddressRule.Any);
        }

        boolean wildcardClient() {
            return client.equals(WILDCARD);
        }

        boolean wildcardServer() {
            return server.equals(WILDCARD);
        }
    }

    /** An address field of an entry. */
    public sealed interface AddressRule {
        /** {@code *}: the peer may use any address. */
        record Any() implements AddressRule {}

        /** {@code -}: the peer may use no address (pppd refuses IPCP). */
        record None() implements AddressRule {}

        /**
         * A dotted quad ({@code prefixLength} 32) or {@code a.b.c.d/n}; written with a leading
         * {@code !} it forbids those addresses instead ({@code permit} false).
         */
        record Subnet(Inet4Address address, int prefixLength, boolean permit) implements AddressRule {}
    }

    /** A line the parser could not read; the message names {@code file:line} and the problem. */
    public static final class ParseException extends Exception {
        private final String source;
        private final int line;

        public ParseException(String source, int line, String problem) {
            super(source + ":" + line + ": " + problem);
            this.source = source;
            this.line = line;
        }

        public String source() {
            return source;
        }

        public int line() {
            return line;
        }
    }

    static final String WILDCARD = "*";

    public static ChapSecrets load(Path file) throws IOException, ParseException {
        // ISO-8859-1: pppd compares bytes; every byte sequence must read, none may fail decoding.
        return parse(file.toString(), Files.readString(file, StandardCharsets.ISO_8859_1));
    }

    /** Parses {@code text}; {@code source} names it in errors (a file name). */
    public static ChapSecrets parse(String source, String text) throws ParseException {
        List<Entry> entries = new ArrayList<>();
        int lineNumber = 0;
        int start = 0;
        while (start <= text.length()) {
            int end = text.indexOf('\n', start);
            if (end < 0) {
                end = text.length();
            }
            lineNumber++;
            String line = text.substring(start, end);
            if (line.endsWith("\r")) {
                line = line.substring(0, line.length() - 1);
            }
            List<String> words = words(source, lineNumber, line);
            if (!words.isEmpty()) {
                entries.add(entry(source, lineNumber, words));
            }
            start = end + 1;
        }
        return new ChapSecrets(entries);
    }

    /**
     * This file as the PPP authenticator's user database for a server named {@code server}:
     * each user's secret is its clear-text password (pppd's chap-secrets holds no hashes).
     */
    public SecretsLookup forServer(String server) {
        return user -> lookup(user, server).map(entry -> new Secret.Password(entry.secret()));
    }

    public List<Entry> entries() {
        return entries;
    }

    /**
     * The entry for {@code client} (the user name the peer authenticates with) and {@code server}
     * (our name, pptpd's {@code name} option), by pppd's precedence; empty when none matches.
     */
    public Optional<Entry> lookup(String client, String server) {
        // Exact-client entries score 2 or 3, wildcard ones 0 or 1: scanning the exact ones first,
        // each group in file order, picks what one pass over the whole file in order would.
        Entry best = null;
        int bestScore = -1;
        for (Entry entry : byClient.getOrDefault(client, List.of())) {
            int score = 2 + (entry.server.equals(server) && !entry.wildcardServer() ? 1 : 0);
            if ((entry.server.equals(server) || entry.wildcardServer()) && score > bestScore) {
                best = entry;
                bestScore = score;
            }
        }
        if (best != null) {
            return Optional.of(best);
        }
        for (Entry entry : wildcardClients) {
            // "*" as a user name is a wildcard too (pppd tests the wildcard first).
            boolean serverExact = entry.server.equals(server) && !entry.wildcardServer();
            int score = serverExact ? 1 : 0;
            if ((serverExact || entry.wildcardServer()) && score > bestScore) {
                best = entry;
                bestScore = score;
            }
        }
        return Optional.ofNullable(best);
    }

    private static Entry entry(String source, int line, List<String> words) throws ParseException {
        if (words.size() < 3) {
            throw new ParseException(source, line, "expected client, server and secret, got " + words.size()
                    + " field" + (words.size() == 1 ? "" : "s"));
        }
        List<String> rest = words.subList(3, words.size());
        int optionsAt = rest.indexOf("--");
        List<AddressRule> addresses = new ArrayList<>();
        for (String word : optionsAt < 0 ? rest : rest.subList(0, optionsAt)) {
            addresses.add(address(source, line, word));
        }
        List<String> options = optionsAt < 0 ? List.of() : rest.subList(optionsAt + 1, rest.size());
        return new Entry(words.get(0), words.get(1), words.get(2), addresses, options, line);
    }

    private static AddressRule address(String source, int line, String word) throws ParseException {
        if (word.equals("*")) {
            return new AddressRule.Any();
        }
        if (word.equals("-")) {
            return new AddressRule.None();
        }
        boolean permit = !word.startsWith("!");
        String spec = permit ? word : word.substring(1);
        int slash = spec.indexOf('/');
        String dotted = slash < 0 ? spec : spec.substring(0, slash);
        int prefix = 32;
        if (slash >= 0) {
            String bits = spec.substring(slash + 1);
            if (!bits.matches("\\d{1,2}") || Integer.parseInt(bits) > 32) {
                throw new ParseException(source, line, "address '" + word + "': prefix length must be 0..32");
            }
            prefix = Integer.parseInt(bits);
        }
        Inet4Address address = Ipv4.parse(dotted);
        if (address == null) {
            throw new ParseException(source, line, "address '" + word + "' is not an IPv4 address, "
                    + "a.b.c.d/n (either after an optional '!'), '*' or '-'");
        }
        return new AddressRule.Subnet(address, prefix, permit);
    }

    /**
     * Splits a line into fields as pppd's {@code getword} does: whitespace separates, a double or
     * single quote groups until the same quote, a backslash takes the next character literally,
     * and {@code #} starts a comment only where a word would start ({@code pa#ss} is a secret).
     */
    private static List<String> words(String source, int line, String text) throws ParseException {
        List<String> words = new ArrayList<>();
        StringBuilder word = null;
        char quote = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (word == null) {
                if (c == ' ' || c == '\t') {
                    continue;
                }
                if (c == '#') {
                    break;
                }
                word = new StringBuilder();
            }
            if (c == '\\') {
                if (++i == text.length()) {
                    throw new ParseException(source, line, "backslash at the end of the line");
                }
                word.append(text.charAt(i));
            } else if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                } else {
                    word.append(c);
                }
            } else if (c == '"' || c == '\'') {
                quote = c;
            } else if (c == ' ' || c == '\t') {
                words.add(word.toString());
                word = null;
            } else {
                word.append(c);
            }
        }
        if (quote != 0) {
            throw new ParseException(source, line, "unterminated quoted field");
        }
        if (word != null) {
            words.add(word.toString());
        }
        return words;
    }
}
