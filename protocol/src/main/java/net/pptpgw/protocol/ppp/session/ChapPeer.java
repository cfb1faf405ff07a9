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
 * server does not know our password. Any Failure ends the link: retrying the same password
 * cannot succeed. The whole exchange is bounded by Restart timer × Max-Configure.
 */
final class ChapPeer implements Authenticator<ChapPacket> {

    private enum State { WAITING, RESPONDED, SUCCEEDED, FAILED, STOPPED }

    private final AuthContext context;
    private final ChapVariant variant;
    private final Credentials credentials;
    private final byte[] userName;

    private State state = State.WAITING;
    private PppTimers.Timer deadline;
    private Response response;
    private byte[] challenge;
    private byte[] peerChallenge;
    private byte[] ntResponse;

    ChapPeer(AuthContext context, ChapVariant variant, Credentials credentials) {
        this.context = context;
        this.variant = variant;
        this.credentials = credentials;
        this.userName = credentials.user().getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void start() {
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
        challenge = value;
        Octets answer = switch (variant) {
            case MD5 -> Octets.of(ChapMd5.response(c.identifier(),
                    credentials.password().getBytes(StandardCharsets.UTF_8), challenge));
            case MS_CHAP -> {
                ntResponse = MsChapV1.ntChallengeResponse(challenge, credentials.password());
                yield MsChapV1Response.ofNtResponse(ntResponse).toValue();
            }
            case MS_CHAP_V2 -> {
                peerChallenge = new byte[16];
                context.random().nextBytes(peerChallenge);
                ntResponse = MsChapV2.generateNtResponse(challenge, peerChallenge, userName, credentials.password());
                yield MsChapV2Response.of(peerChallenge, ntResponse).toValue();
            }
        };
        response = new Response(c.identifier(), answer, Octets.of(userName));
        state = State.RESPONDED;
        context.send(response);
    }

    private void success(Success s) {
        Optional<StartKeys> keys = Optional.empty();
        switch (variant) {
            case MD5 -> {}
            case MS_CHAP -> {
                byte[] key = MppeKeyDerivation.msChapV1StartKey(challenge, credentials.password());
                keys = Optional.of(new StartKeys(key, key));
            }
            case MS_CHAP_V2 -> {
                Optional<Octets> proof;
                try {
                    proof = MsChapSuccess.parse(s.message()).authenticatorResponse();
                } catch (MalformedPacketException e) {
                    proof = Optional.empty();
                }
                if (proof.isEmpty() || !MsChapV2.checkAuthenticatorResponse(credentials.password(), ntResponse,
                        peerChallenge, challenge, userName, proof.get())) {
                    fail(AuthContext.MUTUAL_AUTHENTICATION_FAILED, "the server's MS-CHAPv2 authenticator response is "
                            + (proof.isEmpty() ? "missing" : "wrong") + " (RFC 2759 §8.8): it does not know our password;"
                            + " message '" + s.message().utf8() + "'");
                    return;
                }
                keys = Optional.of(MppeKeyDerivation.msChapV2StartKeys(credentials.password(), ntResponse, false));
            }
        }
        finish(State.SUCCEEDED);
        context.succeeded(Optional.empty(), keys);
    }

    private void failure(Failure f) {
        String detail = f.message().utf8();
        if (variant != ChapVariant.MD5) {
            try {
                MsChapFailure parsed = MsChapFailure.parse(f.message());
                detail = parsed.error().map(Object::toString).orElse("no error code") + ": " + parsed.message()
                        + " (" + detail + ")";
            } catch (MalformedPacketException e) {
                // keep the raw text
            }
        }
        fail(AuthContext.AUTHENTICATION_FAILED, "the server refused our " + variant + " credentials: " + detail);
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
