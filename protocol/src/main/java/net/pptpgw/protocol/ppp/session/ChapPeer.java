package net.pptpgw.protocol.ppp.session;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import net.pptpgw.protocol.MalformedPacketException;
import net.pptpgw.protocol.Octets;
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
import net.pptpgw.protocol.ppp.fsm.Termination;
import net.pptpgw.protocol.ppp.mppe.MppeKeyDerivation;
import net.pptpgw.protocol.ppp.mppe.MppeKeyDerivation.StartKeys;
import net.pptpgw.protocol.ppp.session.PppSessionConfig.Credentials;

/**
 * CHAP, peer side, for MD5, MS-CHAP and MS-CHAPv2.
 *
 * <p>States: WAITING (for a Challenge), RESPONDED, then SUCCEEDED or FAILED. A repeated
 * Challenge (same Identifier: our Response was lost) gets the same Response; a new Identifier
 * a new one. After MS-CHAPv2 Success the client checks the authenticator response {@code S=}
 * (RFC 2759 §8.8, mutual authentication) and fails the link when it is missing or wrong: the
 * server does not know our password. The whole exchange is bounded by Restart timer ×
 * Max-Configure, counted again from each retry.
 *
 * <p>A Failure ends the link (the same password cannot succeed) unless the server allows a retry
 * and {@link Credentials#retryPasswords} has another password. Then, as RFC 2759 §6 and RFC 2433
 * describe it: for MS-CHAPv2 and MS-CHAP with {@code R=1}, a new Response with the Failure's
 * Identifier + 1, answering the challenge in the Failure's {@code C=}; if {@code C=} is absent,
 * or for CHAP-MD5 (whose Failure says nothing about retries, RFC 1994 §4.2), the server's next
 * Challenge is answered instead. A repeated Failure (our retry was lost) gets the retry again.
 */
final class ChapPeer implements Authenticator<ChapPacket> {

    private enum State { WAITING, RESPONDED, SUCCEEDED, FAILED, STOPPED }

    private final AuthContext context;
    private final ChapVariant variant;
    private final Credentials credentials;
    private final byte[] userName;

    private State state = State.WAITING;
    private PppTimers.Timer deadline;
    /** The password of the current attempt, and how many of the retry passwords were used. */
    private String password;
    private int retriesUsed;
    /** The Failure we retried after, repeated by the server if our retry was lost. */
    private Failure retriedFailure;
    private Response response;
    private byte[] challenge;
    private byte[] peerChallenge;
    private byte[] ntResponse;

    ChapPeer(AuthContext context, ChapVariant variant, Credentials credentials) {
        this.context = context;
        this.variant = variant;
        this.credentials = credentials;
        this.userName = credentials.user().getBytes(StandardCharsets.UTF_8);
        this.password = credentials.password();
    }

    @Override
    public void start() {
        startDeadline();
    }

    private void startDeadline() {
        if (deadline != null) {
            deadline.cancel();
        }
        deadline = context.schedule(context.restartTimer().multipliedBy(context.maxTransmissions()), () -> {
            if (state == State.WAITING || state == State.RESPONDED) {
                fail(AuthContext.AUTHENTICATION_TIMEOUT, variant + " authentication did not finish within "
                        + context.restartTimer().multipliedBy(context.maxTransmissions()).toSeconds() + " s");
            }
        });
    }

    @Override
    public void receive(ChapPacket packet) {
        if (state != State.WAITING && state != State.RESPONDED) {
            return;
        }
        switch (packet) {
            case Challenge c -> challenge(c);
            case Success s when response != null && s.identifier() == response.identifier() -> success(s);
            case Failure f when response != null && f.identifier() == response.identifier() -> failure(f);
            case Failure f when retriedFailure != null && response != null && f.identifier() == retriedFailure.identifier()
                    && f.message().equals(retriedFailure.message()) -> context.send(response); // our retry was lost
            default -> context.event("CHAP peer ignores " + packet);
        }
    }

    private void challenge(Challenge c) {
        if (response != null && c.identifier() == response.identifier()) {
            context.send(response); // RFC 1994 §4.1: the Challenge was retransmitted, our Response lost
            return;
        }
        byte[] value = c.value().toByteArray();
        if (variant != ChapVariant.MD5 && value.length != variant.challengeLength) {
            fail(AuthContext.AUTHENTICATION_FAILED, variant + " Challenge of " + value.length + " octets, not "
                    + variant.challengeLength);
            return;
        }
        respond(c.identifier(), value);
    }

    /** Answers {@code value}, the authenticator's challenge, with the current password. */
    private void respond(int identifier, byte[] value) {
        challenge = value;
        Octets answer = switch (variant) {
            case MD5 -> Octets.of(ChapMd5.response(identifier, password.getBytes(StandardCharsets.UTF_8), challenge));
            case MS_CHAP -> {
                ntResponse = MsChapV1.ntChallengeResponse(challenge, password);
                yield MsChapV1Response.ofNtResponse(ntResponse).toValue();
            }
            case MS_CHAP_V2 -> {
                peerChallenge = new byte[16];
                context.random().nextBytes(peerChallenge);
                ntResponse = MsChapV2.generateNtResponse(challenge, peerChallenge, userName, password);
                yield MsChapV2Response.of(peerChallenge, ntResponse).toValue();
            }
        };
        response = new Response(identifier, answer, Octets.of(userName));
        state = State.RESPONDED;
        context.send(response);
    }

    private void success(Success s) {
        Optional<StartKeys> keys = Optional.empty();
        switch (variant) {
            case MD5 -> {}
            case MS_CHAP -> {
                byte[] key = MppeKeyDerivation.msChapV1StartKey(challenge, password);
                keys = Optional.of(new StartKeys(key, key));
            }
            case MS_CHAP_V2 -> {
                Optional<Octets> proof;
                try {
                    proof = MsChapSuccess.parse(s.message()).authenticatorResponse();
                } catch (MalformedPacketException e) {
                    proof = Optional.empty();
                }
                if (proof.isEmpty() || !MsChapV2.checkAuthenticatorResponse(password, ntResponse,
                        peerChallenge, challenge, userName, proof.get())) {
                    fail(AuthContext.MUTUAL_AUTHENTICATION_FAILED, "the server's MS-CHAPv2 authenticator response is "
                            + (proof.isEmpty() ? "missing" : "wrong") + " (RFC 2759 §8.8): it does not know our password;"
                            + " message '" + s.message().utf8() + "'");
                    return;
                }
                keys = Optional.of(MppeKeyDerivation.msChapV2StartKeys(password, ntResponse, false));
            }
        }
        finish(State.SUCCEEDED);
        context.succeeded(Optional.empty(), keys);
    }

    private void failure(Failure f) {
        String detail = f.message().utf8();
        MsChapFailure parsed = null;
        if (variant != ChapVariant.MD5) {
            try {
                parsed = MsChapFailure.parse(f.message());
                detail = parsed.error().map(Object::toString).orElse("no error code") + ": " + parsed.message()
                        + " (" + detail + ")";
            } catch (MalformedPacketException e) {
                // keep the raw text; without a readable R=1 there is no retry
            }
        }
        boolean retryAllowed = variant == ChapVariant.MD5 || (parsed != null && parsed.retry());
        if (!retryAllowed || retriesUsed == credentials.retryPasswords().size()) {
            fail(AuthContext.AUTHENTICATION_FAILED, "the server refused our " + variant + " credentials: " + detail);
            return;
        }
        password = credentials.retryPasswords().get(retriesUsed++);
        retriedFailure = f;
        startDeadline();
        Optional<byte[]> next = parsed == null ? Optional.empty()
                : parsed.challenge().map(Octets::toByteArray).filter(c -> c.length == variant.challengeLength);
        if (next.isPresent()) {
            // RFC 2759 §6 / RFC 2433: the retry answers the Failure's C= with Identifier + 1.
            context.event(variant + " Failure allows a retry: answering its C= challenge with the next password ("
                    + detail + ")");
            respond((f.identifier() + 1) & 0xff, next.get());
        } else {
            context.event(variant + " Failure: waiting for the server's next Challenge to retry with the next password ("
                    + detail + ")");
            state = State.WAITING;
            response = null;
        }
    }

    private void fail(String cause, String detail) {
        finish(State.FAILED);
        context.failed(Termination.of(cause, detail));
    }

    @Override
    public void stop() {
        finish(State.STOPPED);
    }

    private void finish(State next) {
        state = next;
        if (deadline != null) {
            deadline.cancel();
        }
    }
}
