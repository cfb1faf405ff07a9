package net.pptpgw.protocol.ppp.session;

import static net.pptpgw.protocol.ppp.session.SessionLink.PASSWORD;
import static net.pptpgw.protocol.ppp.session.SessionLink.USER;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import java.util.stream.Stream;
import net.pptpgw.protocol.Octets;
import net.pptpgw.protocol.ppp.PppProtocol;
import net.pptpgw.protocol.ppp.auth.ChapCodec;
import net.pptpgw.protocol.ppp.auth.ChapMd5;
import net.pptpgw.protocol.ppp.auth.ChapPacket;
import net.pptpgw.protocol.ppp.auth.ChapPacket.Challenge;
import net.pptpgw.protocol.ppp.auth.ChapPacket.Failure;
import net.pptpgw.protocol.ppp.auth.ChapPacket.Response;
import net.pptpgw.protocol.ppp.auth.ChapPacket.Success;
import net.pptpgw.protocol.ppp.auth.MsChapFailure;
import net.pptpgw.protocol.ppp.auth.MsChapSuccess;
import net.pptpgw.protocol.ppp.auth.MsChapV1;
import net.pptpgw.protocol.ppp.auth.MsChapV1Response;
import net.pptpgw.protocol.ppp.auth.MsChapV2;
import net.pptpgw.protocol.ppp.auth.MsChapV2Response;
import net.pptpgw.protocol.ppp.auth.PapPacket;
import net.pptpgw.protocol.ppp.auth.PapPacket.AuthenticateNak;
import net.pptpgw.protocol.ppp.auth.PapPacket.AuthenticateRequest;
import net.pptpgw.protocol.ppp.fsm.AuthenticationMethod;
import net.pptpgw.protocol.ppp.fsm.CcpSettings;
import net.pptpgw.protocol.ppp.fsm.CcpSettings.Mode;
import net.pptpgw.protocol.ppp.fsm.MppeAgreement;
import net.pptpgw.protocol.ppp.fsm.MppeStrength;
import net.pptpgw.protocol.ppp.fsm.Termination;
import net.pptpgw.protocol.ppp.mppe.MppeKeyDerivation.StartKeys;
import net.pptpgw.protocol.ppp.session.PppSessionConfig.Credentials;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Authentication retries: the server allows a second attempt (RFC 2759 §6 {@code R=1}, RFC 2433,
 * a new CHAP-MD5 Challenge, a second PAP Authenticate-Request) and the client, refused with a
 * wrong password, succeeds with its retry password. Each side alone against scripted packets,
 * then engine against engine for every method.
 */
class AuthenticationRetryTest {

    private static final byte[] RETRY_CHALLENGE = Octets.fromHex("0123456789abcdeffedcba9876543210").toByteArray();

    /** An AuthContext that records what the state machine does; timers run when the test says. */
    static final class Recorder implements AuthContext {
        final List<Object> sent = new ArrayList<>();
        final List<Runnable> timers = new ArrayList<>();
        final List<String> events = new ArrayList<>();
        final RandomGenerator random = new SplittableRandom(7);
        Optional<StartKeys> keys;
        Optional<String> peerName;
        Termination failed;

        @Override
        public void send(PapPacket packet) {
            sent.add(packet);
        }

        @Override
        public void send(ChapPacket packet) {
            sent.add(packet);
        }

        @Override
        public PppTimers.Timer schedule(Duration delay, Runnable task) {
            Runnable[] slot = {task};
            timers.add(() -> {
                if (slot[0] != null) {
                    slot[0].run();
                }
            });
            return () -> slot[0] = null;
        }

        /** Fires the timers due so far (each scheduled one once). */
        void expireTimers() {
            List<Runnable> due = new ArrayList<>(timers);
            timers.clear();
            due.forEach(Runnable::run);
        }

        @Override
        public RandomGenerator random() {
            return random;
        }

        @Override
        public Duration restartTimer() {
            return Duration.ofSeconds(3);
        }

        @Override
        public int maxTransmissions() {
            return 10;
        }

        @Override
        public void event(String message) {
            events.add(message);
        }

        @Override
        public void succeeded(Optional<String> peerName, Optional<StartKeys> keys) {
            this.peerName = peerName;
            this.keys = keys;
        }

        @Override
        public void failed(Termination reason) {
            failed = reason;
        }

        <T> T last(Class<T> type) {
            return sent.reversed().stream().filter(type::isInstance).map(type::cast).findFirst().orElseThrow();
        }
    }

    private static final SecretsLookup SECRETS =
            user -> Optional.ofNullable(Map.<String, Secret>of(USER, new Secret.Password(PASSWORD)).get(user));

    private static Response msChapV2Response(int identifier, byte[] challenge, String password) {
        byte[] peerChallenge = new byte[16];
        peerChallenge[0] = (byte) identifier;
        byte[] user = USER.getBytes(StandardCharsets.UTF_8);
        byte[] nt = MsChapV2.generateNtResponse(challenge, peerChallenge, user, password);
        return new Response(identifier, MsChapV2Response.of(peerChallenge, nt).toValue(), Octets.of(user));
    }

    // ---- the authenticator (server) -------------------------------------------------------

    @Test
    void msChapV2ServerAllowsARetryOnTheFailuresChallenge() {
        Recorder context = new Recorder();
        ChapAuthenticator server = new ChapAuthenticator(context, ChapVariant.MS_CHAP_V2, "gw", SECRETS, 2);
        server.start();
        Challenge challenge = context.last(Challenge.class);

        server.receive(msChapV2Response(challenge.identifier(), challenge.value().toByteArray(), "wrong"));
        Failure failure = context.last(Failure.class);
        MsChapFailure parsed = MsChapFailure.parse(failure.message());
        assertThat(failure.identifier()).isEqualTo(challenge.identifier());
        assertThat(failure.message().utf8()).matches("E=691 R=1 C=[0-9A-F]{32} V=3 M=Authentication failed");
        assertThat(context.failed).isNull();

        // The Failure may be lost and the peer does not retransmit: it is repeated on the Restart timer.
        context.sent.clear();
        context.expireTimers();
        assertThat(context.sent).containsExactly(failure);

        int retryIdentifier = (failure.identifier() + 1) & 0xff;
        server.receive(msChapV2Response(retryIdentifier, parsed.challenge().orElseThrow().toByteArray(), PASSWORD));
        Success success = context.last(Success.class);
        assertThat(success.identifier()).isEqualTo(retryIdentifier);
        assertThat(MsChapSuccess.parse(success.message()).authenticatorResponse()).isPresent();
        assertThat(context.peerName).contains(USER);
        assertThat(context.keys).isPresent();
        assertThat(context.failed).isNull();
    }

    @Test
    void msChapV2ServerGivesUpAfterTheLastAttemptWithR0() {
        Recorder context = new Recorder();
        ChapAuthenticator server = new ChapAuthenticator(context, ChapVariant.MS_CHAP_V2, "gw", SECRETS, 2);
        server.start();
        Challenge challenge = context.last(Challenge.class);
        server.receive(msChapV2Response(challenge.identifier(), challenge.value().toByteArray(), "wrong"));
        MsChapFailure first = MsChapFailure.parse(context.last(Failure.class).message());
        server.receive(msChapV2Response(challenge.identifier() + 1, first.challenge().orElseThrow().toByteArray(),
                "still wrong"));

        assertThat(MsChapFailure.parse(context.last(Failure.class).message()).retry()).isFalse();
        assertThat(context.failed.cause()).isEqualTo(AuthContext.AUTHENTICATION_FAILED);
        assertThat(context.failed.detail()).contains("attempt 2 of 2");
    }

    @Test
    void oneAttemptMeansR0AsPppdDoes() {
        Recorder context = new Recorder();
        ChapAuthenticator server = new ChapAuthenticator(context, ChapVariant.MS_CHAP_V2, "gw", SECRETS, 1);
        server.start();
        Challenge challenge = context.last(Challenge.class);
        server.receive(msChapV2Response(challenge.identifier(), challenge.value().toByteArray(), "wrong"));

        assertThat(context.last(Failure.class).message().utf8()).startsWith("E=691 R=0 C=");
        assertThat(context.failed.cause()).isEqualTo(AuthContext.AUTHENTICATION_FAILED);
    }

    @Test
    void msChapV1ServerPutsTheNextChallengeInCAndInANewChallengePacket() {
        Recorder context = new Recorder();
        ChapAuthenticator server = new ChapAuthenticator(context, ChapVariant.MS_CHAP, "gw", SECRETS, 2);
        server.start();
        Challenge first = context.last(Challenge.class);
        server.receive(new Response(first.identifier(), MsChapV1Response
                .ofNtResponse(MsChapV1.ntChallengeResponse(first.value().toByteArray(), "wrong")).toValue(),
                Octets.utf8(USER)));

        MsChapFailure failure = MsChapFailure.parse(context.last(Failure.class).message());
        Challenge next = context.last(Challenge.class);
        assertThat(failure.retry()).isTrue();
        assertThat(next.identifier()).isEqualTo((first.identifier() + 1) & 0xff);
        assertThat(failure.challenge()).contains(next.value());
        assertThat(next.value().length()).isEqualTo(8);
    }

    @Test
    void papServerJudgesANewRequestAfterANakButNotARetransmission() {
        Recorder context = new Recorder();
        PapAuthenticator server = new PapAuthenticator(context, SECRETS, 2);
        server.start();
        AuthenticateRequest wrong = new AuthenticateRequest(5, Octets.utf8(USER), Octets.utf8("wrong"));
        server.receive(wrong);
        server.receive(wrong); // a retransmission: the Nak again, not a second attempt
        assertThat(context.sent).containsExactly(new AuthenticateNak(5, Octets.utf8("Login incorrect")),
                new AuthenticateNak(5, Octets.utf8("Login incorrect")));
        assertThat(context.failed).isNull();

        server.receive(new AuthenticateRequest(6, Octets.utf8(USER), Octets.utf8(PASSWORD)));
        assertThat(context.sent.getLast()).isInstanceOf(PapPacket.AuthenticateAck.class);
        assertThat(context.peerName).contains(USER);
    }

    // ---- the peer (client) ----------------------------------------------------------------

    private static Credentials retrying() {
        return new Credentials(USER, "wrong").withRetryPasswords(PASSWORD);
    }

    @Test
    void msChapV2ClientAnswersTheFailuresChallengeWithIdentifierPlusOne() {
        Recorder context = new Recorder();
        ChapPeer client = new ChapPeer(context, ChapVariant.MS_CHAP_V2, retrying());
        client.start();
        byte[] challenge = new byte[16];
        client.receive(new Challenge(7, Octets.of(challenge), Octets.utf8("gw")));
        assertThat(context.last(Response.class).identifier()).isEqualTo(7);

        Failure failure = new Failure(7, Octets.utf8("E=691 R=1 C=" + Octets.of(RETRY_CHALLENGE).toUpperHex()
                + " V=3 M=Authentication failed"));
        client.receive(failure);
        Response retry = context.last(Response.class);
        MsChapV2Response value = MsChapV2Response.parse(retry.value());
        assertThat(retry.identifier()).isEqualTo(8);
        assertThat(value.ntResponse().toByteArray()).isEqualTo(MsChapV2.generateNtResponse(RETRY_CHALLENGE,
                value.peerChallenge().toByteArray(), USER.getBytes(StandardCharsets.UTF_8), PASSWORD));
        assertThat(context.failed).isNull();

        // The server repeats the Failure (our retry was lost): the same retry again.
        context.sent.clear();
        client.receive(failure);
        assertThat(context.sent).containsExactly(retry);

        // The server accepts it: Success with the authenticator response for the retry password.
        byte[] authenticator = MsChapV2.generateAuthenticatorResponse(PASSWORD, value.ntResponse().toByteArray(),
                value.peerChallenge().toByteArray(), RETRY_CHALLENGE, USER.getBytes(StandardCharsets.UTF_8));
        client.receive(new Success(8, MsChapSuccess.of(authenticator, "ok").format()));
        assertThat(context.failed).isNull();
        assertThat(context.keys).isPresent();
    }

    @Test
    void msChapV2ClientWithoutCWaitsForTheServersNextChallenge() {
        Recorder context = new Recorder();
        ChapPeer client = new ChapPeer(context, ChapVariant.MS_CHAP_V2, retrying());
        client.start();
        client.receive(new Challenge(7, Octets.of(new byte[16]), Octets.utf8("gw")));
        context.sent.clear();

        client.receive(new Failure(7, Octets.utf8("E=691 R=1 M=try again")));
        assertThat(context.sent).isEmpty();
        client.receive(new Challenge(30, Octets.of(RETRY_CHALLENGE), Octets.utf8("gw")));

        Response retry = context.last(Response.class);
        MsChapV2Response value = MsChapV2Response.parse(retry.value());
        assertThat(retry.identifier()).isEqualTo(30);
        assertThat(value.ntResponse().toByteArray()).isEqualTo(MsChapV2.generateNtResponse(RETRY_CHALLENGE,
                value.peerChallenge().toByteArray(), USER.getBytes(StandardCharsets.UTF_8), PASSWORD));
    }

    @Test
    void aClientEndsTheLinkOnR0OrWhenItHasNoOtherPassword() {
        Recorder refused = new Recorder();
        ChapPeer client = new ChapPeer(refused, ChapVariant.MS_CHAP_V2, retrying());
        client.start();
        client.receive(new Challenge(7, Octets.of(new byte[16]), Octets.utf8("gw")));
        client.receive(new Failure(7, Octets.utf8("E=691 R=0 C=" + Octets.of(RETRY_CHALLENGE).toUpperHex() + " V=3 M=no")));
        assertThat(refused.failed.cause()).isEqualTo(AuthContext.AUTHENTICATION_FAILED);

        Recorder noPassword = new Recorder();
        ChapPeer single = new ChapPeer(noPassword, ChapVariant.MS_CHAP_V2, new Credentials(USER, "wrong"));
        single.start();
        single.receive(new Challenge(7, Octets.of(new byte[16]), Octets.utf8("gw")));
        single.receive(new Failure(7, Octets.utf8("E=691 R=1 C=" + Octets.of(RETRY_CHALLENGE).toUpperHex() + " V=3 M=again")));
        assertThat(noPassword.failed.cause()).isEqualTo(AuthContext.AUTHENTICATION_FAILED);
        assertThat(noPassword.sent).hasSize(1);
    }

    @Test
    void chapMd5ClientAnswersTheNextChallengeWithTheRetryPassword() {
        Recorder context = new Recorder();
        ChapPeer client = new ChapPeer(context, ChapVariant.MD5, retrying());
        client.start();
        client.receive(new Challenge(1, Octets.fromHex("00112233"), Octets.utf8("gw")));
        client.receive(new Failure(1, Octets.utf8("Authentication failed")));
        assertThat(context.failed).isNull();
        client.receive(new Challenge(2, Octets.fromHex("44556677"), Octets.utf8("gw")));

        Response retry = context.last(Response.class);
        assertThat(retry.identifier()).isEqualTo(2);
        assertThat(ChapMd5.verify(2, PASSWORD.getBytes(StandardCharsets.UTF_8),
                Octets.fromHex("44556677").toByteArray(), retry.value())).isTrue();
    }

    @Test
    void papClientSendsANewRequestWithTheRetryPasswordAfterANak() {
        Recorder context = new Recorder();
        PapPeer client = new PapPeer(context, retrying());
        client.start();
        AuthenticateRequest first = context.last(AuthenticateRequest.class);
        client.receive(new AuthenticateNak(first.identifier(), Octets.utf8("Login incorrect")));

        AuthenticateRequest retry = context.last(AuthenticateRequest.class);
        assertThat(retry.identifier()).isEqualTo((first.identifier() + 1) & 0xff);
        assertThat(retry.password()).isEqualTo(Octets.utf8(PASSWORD));
        client.receive(new AuthenticateNak(retry.identifier(), Octets.utf8("Login incorrect")));
        assertThat(context.failed.cause()).isEqualTo(AuthContext.AUTHENTICATION_FAILED);
    }

    // ---- engine against engine ------------------------------------------------------------

    static Stream<AuthenticationMethod> methods() {
        return Stream.of(AuthenticationMethod.values());
    }

    @ParameterizedTest
    @MethodSource("methods")
    void aWrongPasswordThenTheRightOneBringsTheLinkUp(AuthenticationMethod method) {
        CcpSettings ccp = method.derivesMppeKeys()
                ? new CcpSettings(CcpSettings.Mppe.REQUIRE, List.of(MppeStrength.BITS_128), List.of(Mode.STATEFUL))
                : CcpSettings.deny();
        SessionLink link = new SessionLink(SessionLink.server(List.of(method), ccp).withAuthenticationAttempts(2),
                SessionLink.client(List.of(method), ccp, "wrong").withCredentials(retrying()), 5).start();
        link.runFor(10_000);

        assertThat(link.server.networkUp).as("%s %s", link.server, link.server.events).isTrue();
        assertThat(link.client.networkUp).as("%s %s", link.client, link.client.events).isTrue();
        assertThat(link.server.session.peerName()).contains(USER);
        if (method.derivesMppeKeys()) {
            // The keys come from the second, successful exchange: data decrypts at the other end.
            assertThat(link.client.mppe).contains(new MppeAgreement(MppeStrength.BITS_128, false));
            link.client.sendIp(PppSessionTest.packets(1, 1).getFirst());
            link.runFor(10);
            assertThat(link.server.ipReceived).containsExactly(PppSessionTest.packets(1, 1).getFirst());
        }
        if (method == AuthenticationMethod.MS_CHAP_V2) {
            List<ChapPacket> fromServer = chap(link.server);
            List<ChapPacket> fromClient = chap(link.client);
            assertThat(fromServer).hasSize(3);
            Failure failure = (Failure) fromServer.get(1);
            assertThat(failure.message().utf8()).startsWith("E=691 R=1 C=");
            assertThat(fromClient.getLast().identifier()).isEqualTo((failure.identifier() + 1) & 0xff);
            assertThat(fromServer.getLast()).isInstanceOf(Success.class);
        }
    }

    @Test
    void twoWrongPasswordsUseUpTheAttempts() {
        AuthenticationMethod method = AuthenticationMethod.MS_CHAP_V2;
        SessionLink link = new SessionLink(SessionLink.server(List.of(method), CcpSettings.deny()).withAuthenticationAttempts(2),
                SessionLink.client(List.of(method), CcpSettings.deny(), "wrong")
                        .withCredentials(new Credentials(USER, "wrong").withRetryPasswords("also wrong", PASSWORD)), 6)
                .start();
        link.runFor(60_000);

        assertThat(link.server.down.cause()).isEqualTo(AuthContext.AUTHENTICATION_FAILED);
        assertThat(link.client.networkUp || link.server.networkUp).isFalse();
        Failure last = (Failure) chap(link.server).getLast();
        assertThat(last.message().utf8()).startsWith("E=691 R=0 C=");
    }

    private static List<ChapPacket> chap(SessionLink.End end) {
        return end.sent(PppProtocol.CHAP.value()).stream()
                .map(bytes -> ChapCodec.decode(Unpooled.wrappedBuffer(bytes)))
                .toList();
    }
}
