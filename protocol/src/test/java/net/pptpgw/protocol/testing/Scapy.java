package net.pptpgw.protocol.testing;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Debian's python3-scapy as an independent builder of packets: each expression is evaluated
 * with {@code scapy.all}, {@code scapy.layers.ppp} and {@code scapy.layers.pptp} imported,
 * and its {@code bytes()} returned. All expressions run in one python process.
 */
public final class Scapy {

    private static final String PROGRAM = """
            import sys, logging
            logging.getLogger("scapy").setLevel(logging.ERROR)
            from scapy.all import *
            from scapy.layers.ppp import *
            from scapy.layers.pptp import *
            for line in sys.stdin.read().split("\\n"):
                if line.strip():
                    print(bytes(eval(line)).hex())
            """;

    /** Debian's interpreter, not whatever python3 comes first on PATH: python3-scapy is installed for it. */
    private static final String DEBIAN_PYTHON = "/usr/bin/python3";
    private static final String SCAPY_MODULE = "/usr/lib/python3/dist-packages/scapy";

    private Scapy() {}

    /** The bytes scapy builds for each expression, e.g. {@code PPTPStartControlConnectionRequest()}. */
    public static List<byte[]> build(List<String> expressions) {
        ExternalTools.requireFile(SCAPY_MODULE, "python3-scapy");
        String out = ExternalTools.run(List.of(DEBIAN_PYTHON, "-c", PROGRAM), String.join("\n", expressions), 120);
        List<byte[]> packets = new ArrayList<>();
        for (String line : out.split("\n")) {
            if (!line.isBlank()) {
                packets.add(HexFormat.of().parseHex(line.trim()));
            }
        }
        if (packets.size() != expressions.size()) {
            throw new AssertionError("scapy built " + packets.size() + " of " + expressions.size() + " packets");
        }
        return packets;
    }
}
