package net.pptpgw.protocol.ppp.session;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.OptionalLong;
import net.pptpgw.protocol.MalformedPacketException;
import net.pptpgw.protocol.Octets;
import net.pptpgw.protocol.ppp.auth.ChapMd5;
import net.pptpgw.protocol.ppp.auth.ChapPacket;
import net.pptpgw.protocol.ppp.auth.ChapPacket.Challenge;
import net.pptpgw.protocol.ppp.auth.ChapPacket.Failure;
import net.pptpgw.protocol.ppp.auth.ChapPacket.Response;
import net.pptpgw.protocol.ppp.auth.ChapPacket.Success;
import net.pptpgw.protocol.ppp.auth.MsChapError;
import net.pptpgw.protocol.ppp.auth.MsChapFailure;
import net.pptpgw.protocol.ppp.auth.MsChapSuccess;
import net.pptpgw.protocol.ppp.auth.MsChapV1;
import net.pptpgw.protocol.ppp.auth.MsChapV1Response;
import net.pptpgw.protocol.ppp.auth.MsChapV2;
import net.pptpgw.protocol.ppp.auth.MsChapV2Response;
import net.pptpgw.protocol.ppp.fsm.Termination;
import net.pptpgw.protocol.ppp.mppe.MppeKeyDerivation;
import net.pptpgw.protocol.ppp.mppe.MppeKeyDerivation.StartKeys;

/**
 * CHAP, authenticator side, for MD5 (RFC 1994 §4), MS-CHAP (RFC 2433) and MS-CHAPv2 (RFC 2759).
 *
 * <p>States: CHALLENGE_SENT (the Challenge is repeated on the Restart timer, at most
 * Max-Configure times, RFC 1994 §4.1), then SUCCEEDED or FAILED. A Response must carry the
 * Challenge's Identifier. A repeated Response after the verdict gets the same Success or
 * Failure again (RFC 1994 §4.2: the first may have been lost).
 *
 * <p>A wrong password or unknown user is answered as Windows expects (RFC 2759 §6):
 * {@code E=691 R=0 C=<new challenge> V=3 M=Authentication failed}. With more attempts allowed
 * the Failure sets {@code R=1} and the next Response, with the Failure's Identifier + 1, is
 * judged against the new challenge: for MS-CHAPv2 the one in {@code C=}, repeated with the
 * Failure on the Restart timer until the retry arrives (the peer does not retransmit, and the
 * Failure may be lost); for MS-CHAP the same new challenge both in {@code C=} (RFC 2433) and in
 * a new Challenge packet with that Identifier (RFC 1994 peers); for MD5 a new Challenge packet.
 * A repeated Response to an earlier challenge gets its verdict again.
 */
final class ChapAuthenticator implements Authenticator<ChapPacket> {

    private enum State { CHALLENGE_SENT, SUCCEEDED, FAILED, STOPPED }

    private final AuthContext context;
    private final ChapVariant variant;
    private final String localName;
    private final SecretsLookup secrets;
    private final int attemptsAllowed;

    private State state = State.CHALLENGE_SENT;
    private int identifier;
    private byte[] challenge;
    private int attempts;
    /** The Challenge, or the MS-CHAPv2 Failure that allows a retry, repeated until answered. */
    private final Retransmission retransmission;
    /** The Success or Failure sent, repeated for a duplicate Response. */
    private ChapPacket verdict;

    ChapAuthenticator(AuthContext context, ChapVariant variant, String localName, SecretsLookup secrets,
            int attemptsAllowed) {
        this.context = context;
        this.variant = variant;
        this.localName = localName;
        this.secrets = secrets;
        this.attemptsAllowed = attemptsAllowed;
        this.retransmission = new Retransmission(context);
    }

    @Override
    public void start() {
        newChallenge(context.random().nextInt(256), randomChallenge());
    }

    private byte[] randomChallenge() {
        byte[] value = new byte[variant.challengeLength];
        context.random().nextBytes(value);
        return value;
    }

    private void newChallenge(int nextIdentifier, byte[] value) {
        identifier = nextIdentifier & 0xff;
        challenge = value;
        state = State.CHALLENGE_SENT;
        retransmission.start(
                () -> context.send(new Challenge(identifier, Octets.of(challenge), Octets.utf8(localName))),
                sent -> timedOut("no " + variant + " Response to " + sent + " Challenges"));
    }

    private void timedOut(String detail) {
        finish(State.FAILED);
        context.failed(Termination.of(AuthContext.AUTHENTICATION_TIMEOUT, detail));
    }

    @Override
    public void receive(ChapPacket packet) {
        if (!(packet instanceof Response response)) {
            context.event("CHAP authenticator ignores " + packet);
            return;
        }
        if (verdict != null && response.identifier() == verdict.identifier() && state != State.STOPPED
                && (state != State.CHALLENGE_SENT || response.identifier() != identifier)) {
            context.send(verdict); // RFC 1994 §4.2: our Success or Failure may have been lost
            return;
        }
        if (state != State.CHALLENGE_SENT || response.identifier() != identifier) {
            context.event("CHAP Response Identifier " + response.identifier() + " does not answer Challenge "
                    + identifier + " (state " + state + ")");
            return;
        }
        retransmission.stop();
        String user = new String(response.name().toByteArray(), StandardCharsets.UTF_8);
        Optional<Verified> verified;
        try {
            verified = secrets.lookup(user).flatMap(secret -> verify(response, secret));
        } catch (MalformedPacketException e) {
            context.event("bad " + variant + " Response from '" + user + "': " + e.getMessage());
            verified = Optional.empty();
        }
        if (verified.isPresent()) {
            verdict = new Success(identifier, verified.get().message());
            context.send(verdict);
            finish(State.SUCCEEDED);
            context.succeeded(Optional.of(user), verified.get().keys());
            return;
        }
        attempts++;
        boolean retry = attempts < attemptsAllowed;
        failure(retry);
        if (!retry) {
            finish(State.FAILED);
            context.failed(Termination.of(AuthContext.AUTHENTICATION_FAILED, variant + ": wrong password or unknown user '"
                    + user + "' (attempt " + attempts + " of " + attemptsAllowed + ")"));
        }
    }

    private void failure(boolean retry) {
        byte[] next = randomChallenge();
        Octets message = switch (variant) {
            case MS_CHAP_V2 -> MsChapFailure.msChapV2(MsChapError.AUTHENTICATION_FAILURE, retry, next,
                    "Authentication failed").format();
            case MS_CHAP -> new MsChapFailure(Optional.of(MsChapError.AUTHENTICATION_FAILURE), retry,
                    retry ? Optional.of(Octets.of(next)) : Optional.empty(), OptionalLong.empty(),
                    "Authentication failed").format();
            case MD5 -> Octets.utf8("Authentication failed");
        };
        verdict = new Failure(identifier, message);
        context.send(verdict);
        if (!retry) {
            return;
        }
        if (variant == ChapVariant.MS_CHAP_V2) {
            // RFC 2759 §6: the peer answers the Failure's C= with Identifier + 1; no Challenge packet.
            // Until the retry arrives, the Failure that asked for it goes out again on the Restart timer.
            challenge = next;
            identifier = (identifier + 1) & 0xff;
            retransmission.startAfterFirst(() -> context.send(verdict),
                    sent -> timedOut("no MS-CHAPv2 Response to " + sent + " Failures that allowed a retry"));
        } else {
            newChallenge(identifier + 1, next);
        }
    }

    private record Verified(Octets message, Optional<StartKeys> keys) {}

    private Optional<Verified> verify(Response response, Secret secret) {
        return switch (variant) {
            case MD5 -> {
                if (!(secret instanceof Secret.Password password)) {
                    context.event("CHAP-MD5 needs the clear-text password; only an NT hash is known");
                    yield Optional.empty();
                }
                boolean good = ChapMd5.verify(identifier, password.password().getBytes(StandardCharsets.UTF_8),
                        challenge, response.value());
                yield good ? Optional.of(new Verified(Octets.utf8("Access granted"), Optional.empty())) : Optional.empty();
            }
            case MS_CHAP -> {
                MsChapV1Response value = MsChapV1Response.parse(response.value());
                byte[] hash = secret.ntPasswordHash();
                if (!value.useNtResponse()
                        || !value.ntResponse().equalsConstantTime(MsChapV1.challengeResponse(challenge, hash))) {
                    yield Optional.empty();
                }
                // RFC 3079 §2.4: one start key for both directions, from the authenticator's challenge.
                byte[] key = MppeKeyDerivation.getStartKey(challenge, MsChapV2.hashNtPasswordHash(hash));
                yield Optional.of(new Verified(Octets.utf8("Access granted"), Optional.of(new StartKeys(key, key))));
            }
            case MS_CHAP_V2 -> {
                MsChapV2Response value = MsChapV2Response.parse(response.value());
                byte[] hash = secret.ntPasswordHash();
                byte[] userName = response.name().toByteArray();
                byte[] peerChallenge = value.peerChallenge().toByteArray();
                byte[] expected = MsChapV2.generateNtResponse(challenge, peerChallenge, userName, hash);
                if (!value.ntResponse().equalsConstantTime(expected)) {
                    yield Optional.empty();
                }
                byte[] authenticatorResponse = MsChapV2.generateAuthenticatorResponse(hash, expected, peerChallenge,
                        challenge, userName);
                // RFC 3079 §3.4: the master key from the password hash's hash and the NT-Response.
                byte[] master = MppeKeyDerivation.getMasterKey(MsChapV2.hashNtPasswordHash(hash), expected);
                StartKeys keys = new StartKeys(
                        MppeKeyDerivation.getAsymmetricStartKey(master, MppeKeyDerivation.START_KEY_LENGTH, true, true),
                        MppeKeyDerivation.getAsymmetricStartKey(master, MppeKeyDerivation.START_KEY_LENGTH, false, true));
                yield Optional.of(new Verified(MsChapSuccess.of(authenticatorResponse, "Access granted").format(),
                        Optional.of(keys)));
            }
        };
    }

    @Override
    public void stop() {
        finish(State.STOPPED);
    }

    private void finish(State next) {
        state = next;
        retransmission.stop();
    }
}
