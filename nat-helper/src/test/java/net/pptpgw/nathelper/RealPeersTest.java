package net.pptpgw.nathelper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import net.pptpgw.protocol.testing.ExternalTools;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The helper between real peers: Debian's {@code pptp} (pptp-linux) clients in LAN namespaces,
 * Debian's {@code pptpd} in a WAN namespace, the helper in the gateway namespace between them,
 * control connections redirected to it by an nftables TPROXY rule.
 *
 * <pre>
 * pg-nat-lan1..3 (10.77.0.11-13) -- br0 10.77.0.1 [pg-nat-gw] wan0 10.78.0.1 -- 10.78.0.2 [pg-nat-wan: pptpd]
 *                                                                             10.78.0.3 (forger)
 * </pre>
 *
 * Every client is forced to the same call ID (its /dev/random is a file of 0x31 octets in a
 * private mount namespace): the collision the helper exists for. The clients' GRE is marked
 * and delivered locally like their control connections, so the helper's GRE relay carries all
 * of it; the gateway namespace has no rule of its own against ICMP protocol-unreachable (the
 * helper installs one). Namespaces and processes are removed after the tests, also when they fail.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RealPeersTest {

    private static final String PREFIX = "pg-nat-";
    private static final String GW = PREFIX + "gw";
    private static final String WAN = PREFIX + "wan";
    private static final int CLIENTS = 3;
    private static final String SERVER_IP = "10.78.0.2";
    private static final String FORGER_IP = "10.78.0.3";
    private static final String WAN_IP = "10.78.0.1";
    private static final int FORCED_CALL_ID = 0x3131;

    private Path work;
    private Process helper;
    private PrintWriter helperIn;
    private BufferedReader helperOut;
    private final List<Process> processes = new ArrayList<>();

    @BeforeAll
    void setUp() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "needs root for network namespaces");
        for (String tool : List.of("ip", "nft", "pptpd", "pptp", "unshare")) {
            ExternalTools.require(tool);
        }
        removeNamespaces();
        work = Files.createTempDirectory("pg-nat-");
        topology();
        startServer();
        startHelper();
    }

    @AfterAll
    void tearDown() throws Exception {
        if (helperIn != null) {
            helperIn.println("quit");
            helperIn.flush();
        }
        for (Process process : processes) {
            process.destroy();
        }
        for (Process process : processes) {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
        removeNamespaces();
        if (work != null && System.getenv("NAT_KEEP_WORK") == null) {
            try (var files = Files.walk(work)) {
                files.sorted((a, b) -> b.compareTo(a)).forEach(p -> p.toFile().delete());
            }
        }
    }

    // ---- the test

    @Test
    void clientsWithTheSameCallIdAllGetTheirCallAndLoseTheMappingWhenTheirControlConnectionCloses()
            throws Exception {
        List<Process> clients = new ArrayList<>();
        for (int i = 1; i <= CLIENTS; i++) {
            clients.add(startClient(i));
        }
        await("every client reaches Outgoing-Call-Reply", 20, () -> {
            for (int i = 1; i <= CLIENTS; i++) {
                if (!status(i).contains("\"established\": true")) {
                    return false;
                }
            }
            return true;
        });
        await("the helper learned every server call ID", 5,
                () -> mappings().stream().filter(m -> !m[4].equals("-1")).count() == CLIENTS);

        List<String[]> mappings = mappings();
        assertThat(mappings).hasSize(CLIENTS);
        assertThat(mappings).extracting(m -> m[0]).containsExactlyInAnyOrder("10.77.0.11", "10.77.0.12", "10.77.0.13");
        assertThat(mappings).extracting(m -> Integer.parseInt(m[1])).containsOnly(FORCED_CALL_ID);
        assertThat(mappings).extracting(m -> m[2]).as("gateway call IDs").doesNotHaveDuplicates();
        assertThat(mappings).extracting(m -> m[3]).containsOnly(SERVER_IP);
        assertThat(mappings).extracting(m -> m[4]).as("server call IDs").doesNotHaveDuplicates();

        // GRE both ways through the relay, each client's frames to that client alone.
        await("every client's echoes are answered and its server's frames arrive", 20, () -> {
            for (int i = 1; i <= CLIENTS; i++) {
                if (counter(i, "replies") < 3 || counter(i, "server_frames") < 3) {
                    return false;
                }
            }
            return true;
        });
        assertNoMisdelivery();
        assertThat(metric("pptp.nat.gre.forwarded{direction=lan-to-wan}")).isPositive();
        assertThat(metric("pptp.nat.gre.forwarded{direction=wan-to-lan}")).isPositive();

        // Forged GRE from the WAN side, an LCP Echo-Reply naming "forged" that a client would
        // list as foreign: with a call ID the gateway never gave, and with client 2's gateway
        // call ID but from an address that is not its server.
        String client2GatewayCallId = mappings.stream().filter(m -> m[0].equals("10.77.0.12")).findFirst()
                .orElseThrow()[2];
        int unusedCallId = 1;
        while (mappings.stream().map(m -> m[2]).toList().contains(Integer.toString(unusedCallId))) {
            unusedCallId++;
        }
        double unknownCallIdBefore = metric("pptp.nat.gre.dropped{direction=wan-to-lan,reason=unknown-call-id}");
        double unknownServerBefore = metric("pptp.nat.gre.dropped{direction=wan-to-lan,reason=unknown-server}");
        forge(SERVER_IP, unusedCallId, 5);
        forge(FORGER_IP, Integer.parseInt(client2GatewayCallId), 5);
        await("the forged packets are counted as dropped", 5,
                () -> metric("pptp.nat.gre.dropped{direction=wan-to-lan,reason=unknown-call-id}") >= unknownCallIdBefore + 5
                        && metric("pptp.nat.gre.dropped{direction=wan-to-lan,reason=unknown-server}")
                                >= unknownServerBefore + 5);
        // The clients' stubs dump their status every 200 ms: give them time to have seen anything.
        int repliesBefore = counter(2, "replies");
        await("client 2 still gets replies", 5, () -> counter(2, "replies") > repliesBefore + 2);
        assertNoMisdelivery();

        // Client 1's control connection goes away: its mapping at once, the others stay.
        clients.getFirst().destroy();
        assertThat(clients.getFirst().waitFor(10, TimeUnit.SECONDS)).isTrue();
        await("client 1's mapping is removed", 5, () -> mappings().size() == CLIENTS - 1);
        assertThat(mappings()).extracting(m -> m[0]).containsExactlyInAnyOrder("10.77.0.12", "10.77.0.13");
        assertThat(metrics()).anyMatch(line -> line.startsWith("pptp.nat.mappings.removed{reason=control-closed} 1.0"));
    }

    /** HelperProcess asks for SCHED_FIFO 10: the relay thread, and only it, has it (proc(5): stat field 41 policy, 40 rt_priority). */
    @Test
    void theGreRelayThreadAloneRunsRealTime() throws Exception {
        Path tasks = Path.of("/proc", Long.toString(helper.pid()), "task");
        List<String[]> relay = new ArrayList<>();
        int others = 0;
        try (var threads = Files.list(tasks)) {
            for (Path task : threads.toList()) {
                String stat;
                String comm;
                try {
                    stat = Files.readString(task.resolve("stat"));
                    comm = Files.readString(task.resolve("comm")).trim();
                } catch (IOException gone) {
                    continue; // a thread that ended meanwhile
                }
                String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                if (comm.startsWith("gre-relay")) {
                    relay.add(fields);
                } else {
                    assertThat(fields[41 - 3]).as("policy of thread %s", comm).isEqualTo("0");
                    others++;
                }
            }
        }
        assertThat(relay).hasSize(1);
        assertThat(relay.getFirst()[41 - 3]).as("SCHED_FIFO").isEqualTo("1");
        assertThat(relay.getFirst()[40 - 3]).as("rt_priority").isEqualTo("10");
        assertThat(others).isPositive();
    }

    private void assertNoMisdelivery() {
        for (int i = 1; i <= CLIENTS; i++) {
            assertThat(status(i)).as("client %d status", i).contains("\"foreign\": []");
        }
    }

    /** One of client i's counters from its status file. */
    private int counter(int i, String name) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"" + name + "\": (\\d+)").matcher(status(i));
        return m.find() ? Integer.parseInt(m.group(1)) : 0;
    }

    private double metric(String nameAndTags) {
        return metrics().stream().filter(line -> line.startsWith(nameAndTags + " ")).findFirst()
                .map(line -> Double.parseDouble(line.substring(nameAndTags.length() + 1))).orElse(0.0);
    }

    /**
     * Sends {@code count} enhanced GRE packets (RFC 2637 §4.1: key and sequence number present)
     * from {@code source} in the WAN namespace to the gateway's WAN address, carrying an LCP
     * Echo-Reply in the peer stub's format that names the client "forged".
     */
    private void forge(String source, int callId, int count) {
        String script = """
                import socket, struct, sys
                src, call_id, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
                text = b'PGNAT R forged 1'
                ppp = b'\\xff\\x03\\xc0\\x21' + bytes((10, 1)) + (8 + len(text)).to_bytes(2, 'big') + b'PGNT' + text
                s = socket.socket(socket.AF_INET, socket.SOCK_RAW, 47)
                s.bind((src, 0))
                for seq in range(count):
                    gre = struct.pack('!BBHHHI', 0x30, 0x01, 0x880B, len(ppp), call_id, 1000000 + seq) + ppp
                    s.sendto(gre, ('%s', 0))
                """.formatted(WAN_IP);
        ExternalTools.run(List.of("ip", "netns", "exec", WAN, "python3", "-c", script, source,
                Integer.toString(callId), Integer.toString(count)), null, 10);
    }

    // ---- peers

    private void topology() throws IOException {
        sh("ip netns add " + GW, "ip netns add " + WAN,
                "ip -n " + GW + " link set lo up", "ip -n " + WAN + " link set lo up",
                "ip -n " + GW + " link add br0 type bridge", "ip -n " + GW + " addr add 10.77.0.1/24 dev br0",
                "ip -n " + GW + " link set br0 up",
                "ip -n " + GW + " link add wan0 type veth peer name eth0 netns " + WAN,
                "ip -n " + GW + " addr add 10.78.0.1/24 dev wan0", "ip -n " + GW + " link set wan0 up",
                "ip -n " + WAN + " addr add " + SERVER_IP + "/24 dev eth0",
                "ip -n " + WAN + " addr add " + FORGER_IP + "/24 dev eth0", "ip -n " + WAN + " link set eth0 up",
                // TPROXY: the clients' control connections to any server are delivered to the helper's listener.
                // The same mark delivers the clients' GRE to their servers locally, to the helper's relay.
                "ip -n " + GW + " rule add fwmark 1 lookup 100",
                "ip -n " + GW + " route add local 0.0.0.0/0 dev lo table 100");
        for (int i = 1; i <= CLIENTS; i++) {
            String ns = PREFIX + "lan" + i;
            sh("ip netns add " + ns, "ip -n " + ns + " link set lo up",
                    "ip -n " + GW + " link add lan" + i + " type veth peer name eth0 netns " + ns,
                    "ip -n " + GW + " link set lan" + i + " master br0 up",
                    "ip -n " + ns + " addr add 10.77.0." + (10 + i) + "/24 dev eth0",
                    "ip -n " + ns + " link set eth0 up",
                    "ip -n " + ns + " route add 10.78.0.0/24 via 10.77.0.1");
        }
        Path rules = work.resolve("gw.nft");
        Files.writeString(rules, """
                table ip pgnat {
                  chain prerouting {
                    type filter hook prerouting priority mangle; policy accept;
                    iifname "br0" meta l4proto tcp tcp dport 1723 tproxy to :1723 meta mark set 1 accept
                    iifname "br0" ip protocol gre meta mark set 1 accept
                  }
                }
                """);
        sh("ip netns exec " + GW + " nft -f " + rules);
    }

    private void startServer() throws Exception {
        Path stub = work.resolve("peer_stub.py");
        try (var in = RealPeersTest.class.getResourceAsStream("peer_stub.py")) {
            Files.copy(in, stub);
        }
        Path ppp = work.resolve("ppp-stub");
        Files.writeString(ppp, "#!/bin/sh\nexec /usr/bin/python3 " + stub + " server \"$@\"\n");
        Files.setPosixFilePermissions(ppp, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.writeString(work.resolve("options"), "");
        Files.writeString(work.resolve("pptpd.conf"), "ppp " + ppp + "\noption " + work.resolve("options")
                + "\nlocalip 10.99.0.1\nremoteip 10.99.0.2-100\nconnections 100\n");
        Files.write(work.resolve("callid"), repeat((byte) (FORCED_CALL_ID & 0xFF), 256));
        start("pptpd", "ip", "netns", "exec", WAN, "pptpd", "-f", "-c", work.resolve("pptpd.conf").toString(),
                "-l", SERVER_IP, "-p", work.resolve("pptpd.pid").toString());
        await("pptpd listens", 10, () -> run("ip netns exec " + WAN + " ss -ltn").contains(":1723 "));
    }

    private void startHelper() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        helper = start("helper", "ip", "netns", "exec", GW, java, "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), HelperProcess.class.getName(),
                "10.78.0.1", "10.77.0.1", "1723");
        helperIn = new PrintWriter(helper.outputWriter(StandardCharsets.UTF_8), true);
        helperOut = new BufferedReader(new InputStreamReader(helper.getInputStream(), StandardCharsets.UTF_8));
        String first = helperOut.readLine();
        assertThat(first).as("helper output; log in " + work.resolve("helper.log")).isEqualTo("ready");
    }

    private Process startClient(int i) throws IOException {
        String ns = PREFIX + "lan" + i;
        Path stub = work.resolve("peer_stub.py");
        // A private /run (pptp's call-manager socket) and a /dev/random that makes every call ID 0x3131.
        String inner = "mount -t tmpfs pgnat /run && mount --bind " + work.resolve("callid") + " /dev/random && exec "
                + "/usr/bin/python3 " + stub + " client lan" + i + " " + work.resolve("lan" + i + ".json")
                + " -- pptp " + SERVER_IP + " --nolaunchpppd --localbind 10.77.0." + (10 + i) + " --nohostroute";
        return start("lan" + i, "ip", "netns", "exec", ns, "unshare", "-m", "sh", "-c", inner);
    }

    private String status(int i) {
        try {
            return Files.readString(work.resolve("lan" + i + ".json"));
        } catch (IOException e) {
            return "";
        }
    }

    private synchronized List<String[]> mappings() {
        List<String[]> result = new ArrayList<>();
        for (String line : ask("mappings")) {
            result.add(line.split(" "));
        }
        return result;
    }

    private synchronized List<String> metrics() {
        return ask("metrics");
    }

    private List<String> ask(String command) {
        helperIn.println(command);
        List<String> lines = new ArrayList<>();
        try {
            for (String line; (line = helperOut.readLine()) != null && !line.equals("end"); ) {
                lines.add(line);
            }
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        return lines;
    }

    // ---- plumbing

    private Process start(String name, String... command) throws IOException {
        Process process = new ProcessBuilder(command)
                .redirectError(work.resolve(name + ".log").toFile())
                .redirectOutput(name.equals("helper") ? ProcessBuilder.Redirect.PIPE
                        : ProcessBuilder.Redirect.appendTo(work.resolve(name + ".log").toFile()))
                .start();
        processes.add(process);
        return process;
    }

    private static void sh(String... commands) {
        for (String command : commands) {
            ExternalTools.run(List.of("sh", "-c", command), null, 10);
        }
    }

    private static String run(String command) {
        return ExternalTools.run(List.of("sh", "-c", command), null, 10);
    }

    private static void removeNamespaces() {
        String list = run("ip netns list");
        for (String line : list.split("\n")) {
            String ns = line.split(" ")[0];
            if (!ns.startsWith(PREFIX)) {
                continue;
            }
            for (String pid : run("ip netns pids " + ns).split("\\s+")) {
                if (!pid.isBlank()) {
                    run("kill -9 " + pid + " 2>/dev/null || true");
                }
            }
            run("ip netns del " + ns);
        }
    }

    private void await(String what, int seconds, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + seconds + " s waiting until " + what
                        + "; logs and client status in " + work + ": " + Arrays.toString(work.toFile().list()));
            }
            Thread.sleep(100);
        }
    }

    private static byte[] repeat(byte value, int count) {
        byte[] bytes = new byte[count];
        Arrays.fill(bytes, value);
        return bytes;
    }
}
