package net.pptpgw.protocol.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.pptpgw.protocol.pcap.LinkType;
import net.pptpgw.protocol.pcap.PcapWriter;

/**
 * Debian's tshark as an independent judge of what the codecs write.
 *
 * <p>Typical use: build IPv4 packets with {@link Packets}, {@link #writePcap} them, then ask
 * {@link #fields} for the decoded values and {@link #problems} for malformed or error marks.
 */
public final class Tshark {

    private Tshark() {}

    /** Writes raw IPv4 packets (LINKTYPE_RAW), one second apart, to a new file in {@code dir}. */
    public static Path writePcap(Path dir, List<byte[]> ipv4Packets) {
        try {
            Path file = Files.createTempFile(dir, "frames", ".pcap");
            try (PcapWriter writer = new PcapWriter(file, LinkType.RAW)) {
                Instant t = Instant.parse("2026-01-01T00:00:00Z");
                for (byte[] packet : ipv4Packets) {
                    writer.write(t, packet);
                    t = t.plusSeconds(1);
                }
            }
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * One map per frame (in order) from field name to value, as tshark prints them with
     * {@code -T fields}; several occurrences of a field are joined with a comma, an absent
     * field is the empty string.
     */
    public static List<Map<String, String>> fields(Path pcap, String... fields) {
        return fieldsDecodedAs(pcap, null, fields);
    }

    /** As {@link #fields(Path, String...)}, with a decode-as rule such as {@code tcp.port==1724,pptp}. */
    public static List<Map<String, String>> fieldsDecodedAs(Path pcap, String decodeAs, String... fields) {
        ExternalTools.require("tshark");
        List<String> command = new ArrayList<>(List.of("tshark", "-n", "-r", pcap.toString(),
                "-o", "tcp.desegment_tcp_streams:TRUE",
                "-T", "fields", "-E", "separator=\t", "-E", "occurrence=a", "-E", "aggregator=,"));
        if (decodeAs != null) {
            command.addAll(List.of("-d", decodeAs));
        }
        for (String field : fields) {
            command.add("-e");
            command.add(field);
        }
        List<Map<String, String>> rows = new ArrayList<>();
        for (String line : ExternalTools.run(command, null, 60).split("\n", -1)) {
            if (line.isEmpty()) {
                continue;
            }
            String[] values = line.split("\t", -1);
            Map<String, String> row = new LinkedHashMap<>();
            for (int i = 0; i < fields.length; i++) {
                row.put(fields[i], i < values.length ? values[i] : "");
            }
            rows.add(row);
        }
        return rows;
    }

    /**
     * Every frame tshark marks malformed or with an expert-info error, as
     * {@code "frame N: message"}; empty when all frames decode cleanly.
     */
    public static List<String> problems(Path pcap) {
        ExternalTools.require("tshark");
        String out = ExternalTools.run(List.of("tshark", "-n", "-r", pcap.toString(),
                "-Y", "_ws.malformed || _ws.expert.severity == error",
                "-T", "fields", "-E", "separator=\t", "-E", "occurrence=a", "-E", "aggregator=; ",
                "-e", "frame.number", "-e", "_ws.expert.message", "-e", "_ws.malformed"), null, 60);
        List<String> problems = new ArrayList<>();
        for (String line : out.split("\n")) {
            if (!line.isBlank()) {
                String[] parts = line.split("\t", -1);
                problems.add("frame " + parts[0] + ": " + String.join(" ", List.of(parts).subList(1, parts.length)).trim());
            }
        }
        return problems;
    }

    /** The full protocol tree ({@code tshark -V}) of every frame, for failure messages. */
    public static String verbose(Path pcap) {
        ExternalTools.require("tshark");
        return ExternalTools.run(List.of("tshark", "-n", "-V", "-r", pcap.toString()), null, 60);
    }
}
