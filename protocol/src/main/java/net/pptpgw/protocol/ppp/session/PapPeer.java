package net.pptpgw.protocol.ppp.session;

import java.util.Optional;
import net.pptpgw.protocol.Octets;
import net.pptpgw.protocol.ppp.auth.PapPacket;
import net.pptpgw.protocol.ppp.auth.PapPacket.AuthenticateAck;
import net.pptpgw.protocol.ppp.auth.PapPacket.AuthenticateNak;
import net.pptpgw.protocol.ppp.auth.PapPacket.AuthenticateRequest;
import net.pptpgw.protocol.ppp.fsm.Termination;
import net.pptpgw.protocol.ppp.session.PppSessionConfig.Credentials;

/**
 * PAP, peer side (RFC 1334 §2.2): sends the Authenticate-Request and repeats it on the Restart
 * timer until an Ack or Nak for its Identifier arrives, at most Max-Configure times. After a Nak,
 * if {@link Credentials#retryPasswords} has another password, a new Authenticate-Request (new
 * Identifier, RFC 1334 §2.2.1) carries it; the server decides whether it still listens. Otherwise
 * the Nak ends the link.
 */
final class PapPeer implements Authenticator<PapPacket> {

    private enum State { REQUEST_SENT, SUCCEEDED, FAILED, STOPPED }

    private final AuthContext context;
    private final Credentials credentials;
    private State state = State.REQUEST_SENT;
    private AuthenticateRequest request;
    private final Retransmission retransmission;
    private int retriesUsed;

    PapPeer(AuthContext context, Credentials credentials) {
        this.context = context;
        this.credentials = credentials;
        this.retransmission = new Retransmission(context);
    }

    @Override
    public void start() {
        transmit(new AuthenticateRequest(context.random().nextInt(256), Octets.utf8(credentials.user()),
                Octets.utf8(credentials.password())));
    }

    /** Sends {@code next} and repeats it on the Restart timer until an Ack or Nak for it arrives. */
    private void transmit(AuthenticateRequest next) {
        request = next;
        retransmission.start(() -> context.send(next), sent -> {
            finish(State.FAILED);
            context.failed(Termination.of(AuthContext.AUTHENTICATION_TIMEOUT,
                    "no answer to " + sent + " PAP Authenticate-Requests"));
        });
    }

    @Override
    public void receive(PapPacket packet) {
        if (state != State.REQUEST_SENT) {
            return;
        }
        switch (packet) {
            case AuthenticateAck ack when ack.identifier() == request.identifier() -> {
                finish(State.SUCCEEDED);
                context.succeeded(Optional.empty(), Optional.empty());
            }
            case AuthenticateNak nak when nak.identifier() == request.identifier()
                    && retriesUsed < credentials.retryPasswords().size() -> {
                context.event("PAP Authenticate-Nak (" + nak.message().utf8() + "): retrying with the next password");
                transmit(new AuthenticateRequest((request.identifier() + 1) & 0xff, Octets.utf8(credentials.user()),
                        Octets.utf8(credentials.retryPasswords().get(retriesUsed++))));
            }
            case AuthenticateNak nak when nak.identifier() == request.identifier() -> {
                finish(State.FAILED);
                context.failed(Termination.of(AuthContext.AUTHENTICATION_FAILED,
                        "the peer refused our PAP credentials: " + nak.message().utf8()));
            }
            default -> context.event("PAP peer ignores " + packet);
        }
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
