package net.pptpgw.protocol.ppp.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import net.pptpgw.protocol.ppp.PppProtocol;
import net.pptpgw.protocol.ppp.fsm.AuthenticationMethod;
import net.pptpgw.protocol.ppp.fsm.CcpSettings;
import net.pptpgw.protocol.ppp.fsm.CcpSettings.Mode;
import net.pptpgw.protocol.ppp.fsm.IpcpSettings;
import net.pptpgw.protocol.ppp.fsm.LcpSettings;
import net.pptpgw.protocol.ppp.fsm.MppeStrength;
import net.pptpgw.protocol.ppp.mppe.Rc4;
import net.pptpgw.protocol.ppp.session.PppSessionConfig.Credentials;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * RFC 2759 §9.2 and RFC 3079 §3.5 / §2.5.3 sample values, reached through the real negotiation:
 * the challenges are injected through the sessions' random source, everything else (LCP, CHAP,
 * CCP, key derivation, the first encrypted frame) is the engine's own doing.
 */
class RfcVectorsThroughNegotiationTest {

    /** Random in everything but challenges, which are the given octets. */
    static RandomGenerator challenges(byte[] challenge, long seed) {
        SplittableRandom rest = new SplittableRandom(seed);
        return new RandomGenerator() {
            @Override
            public long nextLong() {
                return rest.nextLong();
            }

            @Override
            public void nextBytes(byte[] bytes) {
                if (bytes.length == challenge.length) {
                    System.arraycopy(challenge, 0, bytes, 0, bytes.length);
                } else {
                    rest.nextBytes(bytes);
                }
            }
        };
    }

    static PppSessionConfig server(AuthenticationMethod method, CcpSettings ccp, String user) {
        return new PppSessionConfig(Role.SERVER, LcpSettings.server(List.of(method)),
                IpcpSettings.server(SessionLink.SERVER_ADDRESS, SessionLink.CLIENT_ADDRESS, List.of(), List.of()), ccp,
                SessionLink.AUTOMATON, "gateway", Optional.empty(),
                Optional.of(name -> Optional.ofNullable(Map.<String, Secret>of(user, new Secret.Password("clientPass")).get(name))),
                1, Duration.ZERO, 3);
    }

    static PppSessionConfig client(AuthenticationMethod method, CcpSettings ccp, String user) {
        return new PppSessionConfig(Role.CLIENT, LcpSettings.client(List.of(method)), IpcpSettings.client(false, false),
                ccp, SessionLink.AUTOMATON, "client", Optional.of(new Credentials(user, "clientPass")), Optional.empty(),
                1, Duration.ZERO, 3);
    }

    @ParameterizedTest(name = "MS-CHAPv2 MPPE {0}")
    @CsvSource({
        "BITS_40, D1269EC49FA62E3E",
        "BITS_56, D15C00C49FA62E3E",
        "BITS_128, 405CB2247A7956E6E211007AE27B22D4"})
    void msChapV2(MppeStrength strength, String serverSendSessionKey) {
        CcpSettings ccp = new CcpSettings(CcpSettings.Mppe.REQUIRE, List.of(strength), List.of(Mode.STATEFUL));
        SessionLink link = new SessionLink(
                server(AuthenticationMethod.MS_CHAP_V2, ccp, "User"), challenges(hex("5B5D7C7D7B3F2F3E3C2C602132262628"), 1),
                client(AuthenticationMethod.MS_CHAP_V2, ccp, "User"), challenges(hex("21402324255E262A28295F2B3A337C7E"), 2));
        link.start().runFor(1_000);
        assertThat(link.server.networkUp).as("%s %s", link.server.events, link.client.events).isTrue();

        // RFC 2759 §9.2: the client's NT-Response and the server's Authenticator Response.
        byte[] response = link.client.sent(PppProtocol.CHAP.value()).getFirst();
        assertThat(response[0]).isEqualTo((byte) 2);
        assertThat(Arrays.copyOfRange(response, 5 + 24, 5 + 48)).isEqualTo(hex("82309ECD8D708B5EA08FAA3981CD83544233114A3D85D6DF"));
        byte[] success = link.server.sent(PppProtocol.CHAP.value()).getLast();
        assertThat(new String(success, 4, success.length - 4, StandardCharsets.US_ASCII))
                .startsWith("S=407A5589115FD0D6209F510FE9C04566932CDA56");

        // RFC 3079 §3.5: the server's first send session key, the client's first receive key.
        byte[] expected = hex(serverSendSessionKey);
        assertThat(link.server.session.mppeSessionKeys().orElseThrow()[0]).isEqualTo(expected);
        assertThat(link.client.session.mppeSessionKeys().orElseThrow()[1]).isEqualTo(expected);

        // The first stateful packet is encrypted under that key as it stands (RFC 3078 §7.2).
        byte[] ip = new byte[40];
        ip[0] = 0x45;
        link.server.sendIp(ip);
        byte[] frame = link.server.sent(PppProtocol.COMPRESSED_DATAGRAM.value()).getFirst();
        assertThat(frame[0] & 0xF0).isEqualTo(0x10); // D set, A clear
        byte[] clear = new byte[42];
        clear[1] = 0x21;
        clear[2] = 0x45;
        new Rc4(expected).process(clear, 0, clear.length);
        assertThat(Arrays.copyOfRange(frame, 2, frame.length)).isEqualTo(clear);
    }

    /** RFC 3079 §2.5.3: MS-CHAP 128-bit from the challenge 102DB5DF085D3041, both directions alike. */
    @ParameterizedTest(name = "MS-CHAP {0}")
    @CsvSource({"STATEFUL", "STATELESS"})
    void msChapV1(Mode mode) {
        CcpSettings ccp = new CcpSettings(CcpSettings.Mppe.REQUIRE, List.of(MppeStrength.BITS_128), List.of(mode));
        SessionLink link = new SessionLink(
                server(AuthenticationMethod.MS_CHAP, ccp, "User"), challenges(hex("102DB5DF085D3041"), 3),
                client(AuthenticationMethod.MS_CHAP, ccp, "User"), new SplittableRandom(5));
        link.start().runFor(1_000);
        assertThat(link.client.networkUp).isTrue();
        byte[] expected = hex("59D159BC09F76F1DA2A86A28FFEC0B1E");
        byte[][] serverKeys = link.server.session.mppeSessionKeys().orElseThrow();
        byte[][] clientKeys = link.client.session.mppeSessionKeys().orElseThrow();
        assertThat(serverKeys[0]).isEqualTo(expected);
        assertThat(serverKeys[1]).isEqualTo(expected);
        assertThat(clientKeys[0]).isEqualTo(expected);
        assertThat(clientKeys[1]).isEqualTo(expected);
    }

    static byte[] hex(String digits) {
        return HexFormat.of().parseHex(digits);
    }
}
