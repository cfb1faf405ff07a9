package net.pptpgw.gateway.inspect;

import net.pptpgw.gateway.JsonWriter;
import static net.pptpgw.gateway.inspect.SyntheticCapture.ccp;
import static net.pptpgw.gateway.inspect.SyntheticCapture.chap;
import static net.pptpgw.gateway.inspect.SyntheticCapture.ipcp;
import static net.pptpgw.gateway.inspect.SyntheticCapture.lcp;
import static net.pptpgw.gateway.inspect.SyntheticCapture.mppe;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import net.pptpgw.gateway.inspect.InspectionReport.Finding;
import net.pptpgw.protocol.MalformedPacketException;
import net.pptpgw.protocol.pcap.PcapReader;
import net.pptpgw.protocol.ppp.PppHeader;
import net.pptpgw.protocol.ppp.auth.ChapPacket;
import net.pptpgw.protocol.ppp.auth.MsChapError;
import net.pptpgw.protocol.ppp.auth.MsChapFailure;
import net.pptpgw.protocol.Octets;
import net.pptpgw.protocol.ppp.ccp.CcpOption;
import net.pptpgw.protocol.ppp.ccp.MppeSupportedBits;
import net.pptpgw.protocol.ppp.cp.ControlPacket.ConfigureRequest;
import net.pptpgw.protocol.ppp.ipcp.IpcpOption;
import net.pptpgw.protocol.ppp.lcp.ChapAlgorithm;
import net.pptpgw.protocol.ppp.lcp.LcpOption;
import net.pptpgw.protocol.ppp.mppe.MppeHeader;
import net.pptpgw.protocol.pptp.CallClearRequest;
import net.pptpgw.protocol.pptp.OutgoingCallResult;
import net.pptpgw.protocol.testing.Fuzz;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile captures: the analysis of mutated real and synthetic captures must never throw (only
 * an unreadable file header may, as the typed error the command turns into exit status 2), and
 * the stream framer and PPP decoding it relies on get the usual {@link Fuzz} treatment.
 */
class InspectorFuzzTest {

    /** Whole-capture analyses are milliseconds each: a bounded number of mutated files. */
    private static final int MUTATED_FILES = Math.min(2_000, Fuzz.iterations());

    @TempDir
    Path dir;

    @Test
    void mutatedCapturesAreAnalysedWithoutExceptions() throws IOException {
        List<byte[]> seeds = new ArrayList<>();
        for (String capture : List.of("one-call.pcap", "two-clients.pcapng", "gre-blocked.pcap")) {
            seeds.add(Files.readAllBytes(Path.of("src/test/resources/captures", capture)));
        }
        seeds.add(Files.readAllBytes(richCapture().write(dir)));
        long seed = Long.getLong("fuzz.seed", 1723);
        SplittableRandom random = new SplittableRandom(seed);
        Set<String> seen = new HashSet<>();
        int analysed = 0;
        for (int i = 0; i < MUTATED_FILES; i++) {
            byte[] file = mutate(random, seeds.get(random.nextInt(seeds.size())));
            try {
                Inspector inspector = new Inspector(true);
                inspector.read(new PcapReader(Unpooled.wrappedBuffer(file)));
                InspectionReport report = inspector.report("fuzz", "pcap");
                TextReport.render(report, true);
                JsonWriter.write(report, true);
                report.anomalies().stream().map(Finding::kind).forEach(seen::add);
                analysed++;
            } catch (MalformedPacketException unreadable) {
                // the file header itself was destroyed: the command exits 2
            } catch (Throwable t) {
                throw new AssertionError("analysis threw " + t + " on mutated file #" + i + " (fuzz.seed=" + seed + "): "
                        + HexFormat.of().formatHex(file), t);
            }
        }
        assertThat(analysed).isGreaterThan(MUTATED_FILES / 2);
        if (MUTATED_FILES >= 1000) { // enough files to have reached the decoders' rejections
            assertThat(seen).contains("malformed", "gre-missing");
        }
    }

    /** Every PPP layer the analysis decodes, for the mutations to damage. */
    private static SyntheticCapture richCapture() {
        MppeSupportedBits bits = new MppeSupportedBits(MppeSupportedBits.STATELESS | MppeSupportedBits.KEY_128_BIT);
        return new SyntheticCapture().outgoingCall(1, 2)
                .serverGre(1, lcp(new ConfigureRequest(1, List.of(LcpOption.AuthenticationProtocol.chap(ChapAlgorithm.MS_CHAP_V2)))))
                .clientGre(2, lcp(new net.pptpgw.protocol.ppp.cp.ControlPacket.ConfigureAck(1,
                        List.of(LcpOption.AuthenticationProtocol.chap(ChapAlgorithm.MS_CHAP_V2)))))
                .serverGre(1, chap(new ChapPacket.Challenge(1, Octets.of(new byte[16]), Octets.utf8("gw"))))
                .clientGre(2, chap(new ChapPacket.Response(1, Octets.of(new byte[49]), Octets.utf8("user"))))
                .serverGre(1, chap(new ChapPacket.Failure(1, MsChapFailure.msChapV2(MsChapError.AUTHENTICATION_FAILURE, true,
                        new byte[16], "try again").format())))
                .clientGre(2, ipcp(new ConfigureRequest(1, List.of(new IpcpOption.IpAddress(
                        (java.net.Inet4Address) java.net.Inet4Address.ofLiteral("0.0.0.0"))))))
                .clientGre(2, ccp(new ConfigureRequest(1, List.of(new CcpOption.Mppe(bits)))))
                .serverGre(1, mppe(MppeHeader.FLUSHED | MppeHeader.ENCRYPTED, 0, 30))
                .fromClient(new CallClearRequest(1));
    }

    private static byte[] mutate(SplittableRandom random, byte[] file) {
        byte[] bytes = file.clone();
        int mutations = 1 + random.nextInt(8);
        for (int m = 0; m < mutations; m++) {
            // Past the 24-octet file header most of the time: damaged frames, not an unreadable file.
            int at = random.nextInt(10) == 0 ? random.nextInt(bytes.length) : 24 + random.nextInt(Math.max(1, bytes.length - 24));
            at = Math.min(at, bytes.length - 1);
            switch (random.nextInt(5)) {
                case 0 -> bytes[at] ^= (byte) (1 << random.nextInt(8));
                case 1 -> bytes[at] = (byte) random.nextInt(256);
                case 2 -> {
                    bytes[at] = (byte) random.nextInt(256);
                    bytes[Math.min(at + 1, bytes.length - 1)] = (byte) random.nextInt(256);
                }
                case 3 -> bytes[at] = (byte) (random.nextBoolean() ? 0 : 0xff);
                default -> {
                    if (random.nextInt(4) == 0) {
                        bytes = java.util.Arrays.copyOf(bytes, Math.max(1, at));
                    }
                }
            }
        }
        return bytes;
    }

    @Test
    void controlStreamFramerTakesAnyBytes() {
        List<byte[]> seeds = List.of(
                SyntheticCapture.encode(SyntheticCapture.outgoingCallRequest(5)),
                SyntheticCapture.encode(SyntheticCapture.outgoingCallReply(6, 5, OutgoingCallResult.CONNECTED), new CallClearRequest(5)));
        List<Object> delivered = new ArrayList<>();
        ControlStreamFramer.Listener listener = new ControlStreamFramer.Listener() {
            @Override
            public void message(net.pptpgw.protocol.pptp.ControlMessage message, long frame, Instant timestamp) {
                delivered.add(Describe.detail(message));
            }

            @Override
            public void malformed(MalformedPacketException e, long frame, Instant timestamp) {}

            @Override
            public void resynchronised(long skipped, long frame, Instant timestamp) {}

            @Override
            public void unfinished(int octets, long frame, Instant timestamp) {}
        };
        Fuzz.run("control stream framer", seeds, bytes -> {
            ControlStreamFramer framer = new ControlStreamFramer(listener);
            int half = bytes.readableBytes() / 2;
            framer.bytes(bytes.slice(bytes.readerIndex(), half), 1, Instant.EPOCH);
            framer.gap();
            framer.bytes(bytes.slice(bytes.readerIndex() + half, bytes.readableBytes() - half), 2, Instant.EPOCH);
            framer.end();
        });
        assertThat(delivered).isNotEmpty();
    }

    @Test
    void pppDecodingAndDescriptionsTakeAnyFrame() {
        List<byte[]> seeds = List.of(
                lcp(new ConfigureRequest(1, List.of(new LcpOption.MaximumReceiveUnit(1400), new LcpOption.MagicNumber(7),
                        LcpOption.AuthenticationProtocol.chap(ChapAlgorithm.MS_CHAP_V2)))),
                ipcp(new ConfigureRequest(2, List.of(new IpcpOption.IpAddress((java.net.Inet4Address) java.net.Inet4Address.ofLiteral("10.0.0.1"))))),
                ccp(new ConfigureRequest(3, List.of(new CcpOption.Mppe(new MppeSupportedBits(0x01000040))))),
                chap(new ChapPacket.Failure(1, MsChapFailure.msChapV2(MsChapError.AUTHENTICATION_FAILURE, false, new byte[16], "x").format())),
                mppe(MppeHeader.ENCRYPTED, 5, 10));
        PppHeader header = new PppHeader();
        Findings findings = new Findings();
        PppTracker tracker = new PppTracker(findings, "fuzz");
        Fuzz.run("ppp in gre", seeds, frame -> {
            PppUnit unit = PppUnit.decode(frame, header);
            Describe.unit(unit);
            tracker.unit(ControlFlow.Direction.SERVER_TO_CLIENT, 1, Instant.EPOCH, unit);
        });
        tracker.report(new CaptureClock(), Instant.EPOCH);
    }
}
