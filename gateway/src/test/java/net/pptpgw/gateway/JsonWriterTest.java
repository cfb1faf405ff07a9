package net.pptpgw.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.pptpgw.protocol.testing.ExternalTools;
import org.junit.jupiter.api.Test;

/** The record-to-JSON writer, judged by Python's json module. */
class JsonWriterTest {

    record Inner(String text, Double time, Long missing) {}

    record Outer(int number, boolean flag, List<Inner> inners, Map<String, Long> counts) {}

    private static final String NASTY = "quote \" backslash \\ newline \n tab \t nul \u0000 del \u007f é 😀 \u2028";

    @Test
    void compactOutput() {
        Map<String, Long> counts = new LinkedHashMap<>();
        counts.put("b", 2L);
        counts.put("a", 1L);
        String json = JsonWriter.write(new Outer(7, true, List.of(new Inner("x", 1.5, null), new Inner("y", 0.000001, 3L)), counts), false);

        assertThat(json).isEqualTo("{\"number\":7,\"flag\":true,\"inners\":[{\"text\":\"x\",\"time\":1.5,\"missing\":null},"
                + "{\"text\":\"y\",\"time\":0.000001,\"missing\":3}],\"counts\":{\"b\":2,\"a\":1}}");
        assertThat(JsonWriter.write(List.of(), true)).isEqualTo("[]");
        assertThat(JsonWriter.write(new Inner("z", 2.0, 0L), false)).isEqualTo("{\"text\":\"z\",\"time\":2,\"missing\":0}");
    }

    @Test
    void pythonReadsBackEveryCharacter() {
        ExternalTools.require("python3");
        String json = JsonWriter.write(new Outer(-1, false, List.of(new Inner(NASTY, 12.25, 5L)), Map.of(NASTY, 1L)), true);
        String back = ExternalTools.run(List.of("python3", "-c", String.join("\n",
                "import json, sys",
                "r = json.loads(sys.stdin.buffer.read().decode('utf-8'))",
                "t = r['inners'][0]['text']",
                "sys.stdout.buffer.write(json.dumps([r['number'], r['flag'], t, r['inners'][0]['time'], list(r['counts'])[0] == t]).encode())")),
                json, 60);
        assertThat(back).isEqualTo("[-1, false, " + pythonAscii(NASTY) + ", 12.25, true]");
    }

    /** How Python's json.dumps writes a string (ensure_ascii). */
    private static String pythonAscii(String text) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : text.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\t' -> out.append("\\t");
                default -> out.append(c < 0x20 || c > 0x7e ? String.format("\\u%04x", (int) c) : String.valueOf(c));
            }
        }
        return out.append('"').toString();
    }
}
