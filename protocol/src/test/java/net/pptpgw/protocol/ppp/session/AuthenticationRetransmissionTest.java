package net.pptpgw.protocol.ppp.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import net.pptpgw.protocol.Octets;
import net.pptpgw.protocol.ppp.auth.ChapMd5;
import net.pptpgw.protocol.ppp.auth.ChapPacket;
import net.pptpgw.protocol.ppp.auth.ChapPacket.Challenge;
import net.pptpgw.protocol.ppp.auth.ChapPacket.Failure;
import net.pptpgw.protocol.ppp.auth.ChapPacket.Response;
import net.pptpgw.protocol.ppp.auth.PapPacket;
import net.pptpgw.protocol.ppp.auth.PapPacket.AuthenticateNak;
import net.pptpgw.protocol.ppp.auth.PapPacket.AuthenticateRequest;
import net.pptpgw.protocol.ppp.fsm.Termination;
import net.pptpgw.protocol.ppp.mppe.MppeKeyDerivation.StartKeys;
import net.pptpgw.protocol.ppp.session.PppSessionConfig.Credentials;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The packets authentication repeats on the Restart timer until answered ({@link
 * Retransmission}): the CHAP Challenge, the PAP Authenticate-Request and the MS-CHAPv2 Failure
 * that allows a retry. Each goes out Max-Configure times, one Restart timer apart, and the
 * exchange fails with {@code authentication-timeout} one Restart timer after the last; an answer
 * stops the repeats. Driven on a virtual clock (Restart timer 3 s, Max-Configure 4).
 */
class AuthenticationRetransmissionTest {

    private static final Duration RESTART = Duration.ofSeconds(3);
    private static final int MAX = 4;

    /** An AuthContext on a virtual clock that records what is sent, and when. */
    private static final class Context implements AuthContext {
        record Sent(long at, Object packet) {}

        record Timer(long deadline, long order, Runnable task, boolean[] cancelled) {}

        final List<Sent> sent = new ArrayList<>();
        final List<Termination> failures = new ArrayList<>();
        final PriorityQueue<Timer> timers = new PriorityQueue<>((a, b) -> a.deadline != b.deadline
                ? Long.compare(a.deadline, b.deadline) : Long.compare(a.order, b.order));
        final SplittableRandom random = new SplittableRandom(7);
        long now;
        long order;
        int successes;

        /** Fires the timers due up to {@code millis} from now, in order. */
        void runFor(long millis) {
            long until = now + millis;
            for (Timer timer = timers.peek(); timer != null && timer.deadline <= until; timer = timers.peek()) {
                timers.poll();
                now = timer.deadline;
                if (!timer.cancelled[0]) {
                    timer.task.run();
                }
            }
            now = until;
        }

        List<Long> sentAt(Class<?> type) {
            return sent.stream().filter(s -> type.isInstance(s.packet)).map(Sent::at).toList();
        }

        <T> List<T> sent(Class<T> type) {
            return sent.stream().map(Sent::packet).filter(type::isInstance).map(type::cast).toList();
        }

        @Override
        public void send(PapPacket packet) {
            sent.add(new Sent(now, packet));
        }

        @Override
        public void send(ChapPacket packet) {
            sent.add(new Sent(now, packet));
        }

        @Override
        public PppTimers.Timer schedule(Duration delay, Runnable task) {
            boolean[] cancelled = {false};
            timers.add(new Timer(now + delay.toMillis(), order++, task, cancelled));
            return () -> cancelled[0] = true;
        }

        @Override
        public RandomGenerator random() {
            return random;
        }

        @Override
        public Duration restartTimer() {
            return RESTART;
        }

        @Override
        public int maxTransmissions() {
            return MAX;
        }

        @Override
        public void event(String message) {}

        @Override
        public void succeeded(Optional<String> peerName, Optional<StartKeys> keys) {
            successes++;
        }

        @Override
        public void failed(Termination reason) {
            failures.add(reason);
        }
    }

    private static final SecretsLookup SECRETS = user -> Optional.of(new Secret.Password("secret"));

    @ParameterizedTest
    @EnumSource(ChapVariant.class)
    void anUnansweredChallengeGoesOutMaxConfigureTimesThenTheExchangeTimesOut(ChapVariant variant) {
        Context context = new Context();
        ChapAuthenticator authenticator = new ChapAuthenticator(context, variant, "gw", SECRETS, 1);
        authenticator.start();
        context.runFor(60_000);

        assertThat(context.sentAt(Challenge.class)).containsExactly(0L, 3_000L, 6_000L, 9_000L);
        assertThat(context.sent(Challenge.class)).as("the same Challenge each time").containsOnly(
                context.sent(Challenge.class).getFirst());
        assertThat(context.failures).singleElement().satisfies(reason -> {
            assertThat(reason.cause()).isEqualTo(AuthContext.AUTHENTICATION_TIMEOUT);
            assertThat(reason.detail()).isEqualTo("no " + variant + " Response to 4 Challenges");
        });
        assertThat(context.now).isEqualTo(60_000L);
        assertThat(context.timers.stream().filter(t -> !t.cancelled()[0])).as("no timer left running").isEmpty();
    }

    @Test
    void aResponseStopsTheChallenges() {
        Context context = new Context();
        ChapAuthenticator authenticator = new ChapAuthenticator(context, ChapVariant.MD5, "gw", SECRETS, 1);
        authenticator.start();
        context.runFor(4_000);
        Challenge challenge = context.sent(Challenge.class).getFirst();
        authenticator.receive(new Response(challenge.identifier(), Octets.of(ChapMd5.response(challenge.identifier(),
                "secret".getBytes(), challenge.value().toByteArray())), Octets.utf8("alice")));
        context.runFor(60_000);

        assertThat(context.sentAt(Challenge.class)).containsExactly(0L, 3_000L);
        assertThat(context.successes).isOne();
        assertThat(context.failures).isEmpty();
    }

    /** RFC 2759 §6: the Failure with R=1 is the retry's challenge; it is repeated until the retry arrives. */
    @Test
    void anMsChapV2FailureThatAllowsARetryIsRepeatedUntilTheRetryArrives() {
        Context context = new Context();
        ChapAuthenticator authenticator = new ChapAuthenticator(context, ChapVariant.MS_CHAP_V2, "gw", SECRETS, 2);
        authenticator.start();
        context.runFor(1_000);
        Challenge challenge = context.sent(Challenge.class).getFirst();
        authenticator.receive(new Response(challenge.identifier(), Octets.of(new byte[49]), Octets.utf8("alice")));
        context.runFor(60_000);

        assertThat(context.sentAt(Challenge.class)).containsExactly(0L);
        assertThat(context.sentAt(Failure.class)).containsExactly(1_000L, 4_000L, 7_000L, 10_000L);
        assertThat(context.sent(Failure.class)).containsOnly(context.sent(Failure.class).getFirst());
        assertThat(context.failures).singleElement().satisfies(reason -> {
            assertThat(reason.cause()).isEqualTo(AuthContext.AUTHENTICATION_TIMEOUT);
            assertThat(reason.detail()).isEqualTo("no MS-CHAPv2 Response to 4 Failures that allowed a retry");
        });
    }

    /** MS-CHAP and MD5 retry with a new Challenge (Identifier + 1), counted from one again. */
    @ParameterizedTest
    @EnumSource(value = ChapVariant.class, names = {"MD5", "MS_CHAP"})
    void aRetryChallengeIsCountedAfresh(ChapVariant variant) {
        Context context = new Context();
        ChapAuthenticator authenticator = new ChapAuthenticator(context, variant, "gw", SECRETS, 2);
        authenticator.start();
        context.runFor(4_000);
        Challenge first = context.sent(Challenge.class).getFirst();
        authenticator.receive(new Response(first.identifier(), Octets.of(new byte[variant == ChapVariant.MD5 ? 16 : 49]),
                Octets.utf8("alice")));
        context.runFor(60_000);

        assertThat(context.sentAt(Failure.class)).containsExactly(4_000L);
        assertThat(context.sentAt(Challenge.class)).containsExactly(0L, 3_000L, 4_000L, 7_000L, 10_000L, 13_000L);
        assertThat(context.sent(Challenge.class).getLast().identifier()).isEqualTo((first.identifier() + 1) & 0xff);
        assertThat(context.failures).singleElement().extracting(Termination::detail)
                .isEqualTo("no " + variant + " Response to 4 Challenges");
    }

    @Test
    void anUnansweredPapRequestGoesOutMaxConfigureTimesThenTheExchangeTimesOut() {
        Context context = new Context();
        PapPeer peer = new PapPeer(context, new Credentials("alice", "secret"));
        peer.start();
        context.runFor(60_000);

        assertThat(context.sentAt(AuthenticateRequest.class)).containsExactly(0L, 3_000L, 6_000L, 9_000L);
        assertThat(context.sent(AuthenticateRequest.class)).containsOnly(context.sent(AuthenticateRequest.class).getFirst());
        assertThat(context.failures).singleElement().satisfies(reason -> {
            assertThat(reason.cause()).isEqualTo(AuthContext.AUTHENTICATION_TIMEOUT);
            assertThat(reason.detail()).isEqualTo("no answer to 4 PAP Authenticate-Requests");
        });
    }

    /** After a Nak, the next password goes in a new request (Identifier + 1), repeated and counted afresh. */
    @Test
    void aPapRetryRequestIsCountedAfresh() {
        Context context = new Context();
        PapPeer peer = new PapPeer(context, new Credentials("alice", "wrong").withRetryPasswords("secret"));
        peer.start();
        context.runFor(4_000);
        AuthenticateRequest first = context.sent(AuthenticateRequest.class).getFirst();
        peer.receive(new AuthenticateNak(first.identifier(), Octets.utf8("Login incorrect")));
        context.runFor(60_000);

        assertThat(context.sentAt(AuthenticateRequest.class)).containsExactly(0L, 3_000L, 4_000L, 7_000L, 10_000L, 13_000L);
        AuthenticateRequest retry = context.sent(AuthenticateRequest.class).getLast();
        assertThat(retry.identifier()).isEqualTo((first.identifier() + 1) & 0xff);
        assertThat(retry.password().utf8()).isEqualTo("secret");
        assertThat(context.failures).singleElement().extracting(Termination::detail)
                .isEqualTo("no answer to 4 PAP Authenticate-Requests");
    }

    @Test
    void stopEndsTheRepeats() {
        Context context = new Context();
        PapPeer peer = new PapPeer(context, new Credentials("alice", "secret"));
        peer.start();
        context.runFor(4_000);
        peer.stop();
        context.runFor(60_000);

        assertThat(context.sentAt(AuthenticateRequest.class)).containsExactly(0L, 3_000L);
        assertThat(context.failures).isEmpty();
    }
}
