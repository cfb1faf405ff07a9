package net.pptpgw.protocol.ppp.session;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import net.pptpgw.protocol.Octets;
import net.pptpgw.protocol.ppp.auth.PapPacket;
import net.pptpgw.protocol.ppp.auth.PapPacket.AuthenticateAck;
import net.pptpgw.protocol.ppp.auth.PapPacket.AuthenticateNak;
import net.pptpgw.protocol.ppp.auth.PapPacket.AuthenticateRequest;
import net.pptpgw.protocol.ppp.fsm.Termination;

/**
 * PAP, authenticator side (RFC 1334 §2): waits for an Authenticate-Request, checks the password
 * and answers Ack or Nak. The peer retransmits; a duplicate Request after our Ack or Nak gets the
 * same answer again (the first may have been lost), without counting as another attempt. With
 * more than one attempt allowed, a new Request (a new Identifier, RFC 1334 §2.2.1) after a Nak is
 * judged again. The wait is bounded by Restart timer × Max-Configure.
 */
final class PapAuthenticator implements Authenticator<PapPacket> {

    private enum State { WAITING, SUCCEEDED, FAILED, STOPPED }

    private final AuthContext context;
    private final SecretsLookup secrets;
    private final int attemptsAllowed;
    private State state = State.WAITING;
    private int attempts;
    private PppTimers.Timer deadline;
    private AuthenticateAck ack;
    private AuthenticateNak nak;

    PapAuthenticator(AuthContext context, SecretsLookup secrets, int attemptsAllowed) {
        this.context = context;
        this.secrets = secrets;
        this.attemptsAllowed = attemptsAllowed;
    }

    @Override
    public void start() {
        deadline = context.schedule(context.restartTimer().multipliedBy(context.maxTransmissions()), () -> {
            if (state == State.WAITING) {
                finish(State.FAILED);
                context.failed(Termination.of(AuthContext.AUTHENTICATION_TIMEOUT, "no PAP Authenticate-Request within "
                        + context.restartTimer().multipliedBy(context.maxTransmissions()).toSeconds() + " s"));
            }
        });
    }

    @Override
    public void receive(PapPacket packet) {
        if (!(packet instanceof AuthenticateRequest request)) {
            context.event("PAP authenticator ignores " + packet);
            return;
        }
        if (state == State.SUCCEEDED && request.identifier() == ack.identifier()) {
            context.send(ack);
            return;
        }
        if ((state == State.WAITING || state == State.FAILED) && nak != null && request.identifier() == nak.identifier()) {
            context.send(nak);
            return;
        }
        if (state != State.WAITING) {
            return;
        }
        String user = new String(request.peerId().toByteArray(), StandardCharsets.UTF_8);
        boolean good = secrets.lookup(user)
                .filter(secret -> secret instanceof Secret.Password)
                .map(secret -> request.password().equalsConstantTime(
                        ((Secret.Password) secret).password().getBytes(StandardCharsets.UTF_8)))
                .orElse(false);
        if (good) {
            ack = new AuthenticateAck(request.identifier(), Octets.utf8("Login ok"));
            context.send(ack);
            finish(State.SUCCEEDED);
            context.succeeded(Optional.of(user), Optional.empty());
            return;
        }
        nak = new AuthenticateNak(request.identifier(), Octets.utf8("Login incorrect"));
        context.send(nak);
        attempts++;
        if (attempts >= attemptsAllowed) {
            finish(State.FAILED);
            context.failed(Termination.of(AuthContext.AUTHENTICATION_FAILED,
                    "PAP: wrong password or unknown user '" + user + "'"));
        }
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
