package net.pptpgw.gateway.ppp;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import net.pptpgw.protocol.ppp.session.Secret;
import net.pptpgw.protocol.ppp.session.SecretsLookup;

/**
 * pppd's {@code chap-secrets} format (pppd(8) "AUTHENTICATION"): one secret per line, {@code
 * client server secret [addresses...]}, {@code #} comments, fields optionally in double quotes,
 * {@code *} in the client or server field matching any name. The first line matching both the
 * user and our name wins, as in pppd. The addresses column is read but not enforced.
 */
public final class ChapSecrets implements SecretsLookup {

    record Entry(String client, String server, String secret) {}

    private final List<Entry> entries;
    private final String serverName;

    ChapSecrets(List<Entry> entries, String serverName) {
        this.entries = List.copyOf(entries);
        this.serverName = serverName;
    }

    public static ChapSecrets read(Path file, String serverName) throws IOException {
        return parse(Files.readString(file, StandardCharsets.UTF_8), serverName);
    }

    public static ChapSecrets parse(String text, String serverName) {
        List<Entry> entries = new ArrayList<>();
        for (String line : text.split("\n")) {
            List<String> fields = fields(line);
            if (fields.size() >= 3) {
                entries.add(new Entry(fields.get(0), fields.get(1), fields.get(2)));
            }
        }
        return new ChapSecrets(entries, serverName);
    }

    @Override
    public Optional<Secret> lookup(String user) {
        return entries.stream()
                .filter(e -> (e.client.equals("*") || e.client.equals(user))
                        && (e.server.equals("*") || e.server.equals(serverName)))
                .findFirst()
                .map(e -> new Secret.Password(e.secret));
    }

    /** Splits on white space, honouring double quotes; stops at an unquoted {@code #}. */
    static List<String> fields(String line) {
        List<String> fields = new ArrayList<>();
        StringBuilder field = null;
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted) {
                if (c == '"') {
                    quoted = false;
                } else {
                    field.append(c);
                }
            } else if (c == '"') {
                quoted = true;
                if (field == null) {
                    field = new StringBuilder();
                }
            } else if (c == '#') {
                break;
            } else if (Character.isWhitespace(c)) {
                if (field != null) {
                    fields.add(field.toString());
                    field = null;
                }
            } else {
                if (field == null) {
                    field = new StringBuilder();
                }
                field.append(c);
            }
        }
        if (field != null) {
            fields.add(field.toString());
        }
        return fields;
    }
}
