package net.pptpgw.protocol.ppp.session;

import java.util.function.IntConsumer;

/**
 * The retransmission loop the authentication state machines share: a packet goes out, and
 * again each time the Restart timer expires without an answer, Max-Configure transmissions in
 * all (RFC 1661 §4.6's timer and counter, reused as pppd does); when the last one has gone
 * unanswered for a Restart timer, the caller is told how many were sent. Used for the CHAP
 * Challenge (RFC 1994 §4.1), the PAP Authenticate-Request (RFC 1334 §2.2.1) and the MS-CHAPv2
 * Failure that allows a retry (RFC 2759 §6), which are each repeated until answered.
 *
 * <p>One packet at a time: {@link #start} replaces what was being repeated. The caller
 * {@linkplain #stop stops} it when an answer arrives or the exchange ends; a stopped loop
 * neither sends nor reports anything, even if a timer expiry was already on its way.
 */
final class Retransmission {

    private final AuthContext context;
    /** Sends the packet once; null when stopped. */
    private Runnable send;
    private IntConsumer exhausted;
    private int transmissions;
    private PppTimers.Timer timer;

    Retransmission(AuthContext context) {
        this.context = context;
    }

    /**
     * Sends now with {@code send}, and again on every Restart timer until {@link #stop}.
     *
     * @param exhausted told the number of transmissions when the last went unanswered
     */
    void start(Runnable send, IntConsumer exhausted) {
        restart(send, exhausted, 0);
        expired();
    }

    /**
     * As {@link #start}, for a packet the caller has just sent itself (it counts as the first
     * transmission): the next goes out when the Restart timer expires.
     */
    void startAfterFirst(Runnable send, IntConsumer exhausted) {
        restart(send, exhausted, 1);
        timer = context.schedule(context.restartTimer(), this::expired);
    }

    /** An answer arrived or the exchange ended: nothing more is sent or reported. */
    void stop() {
        if (timer != null) {
            timer.cancel();
            timer = null;
        }
        send = null;
        exhausted = null;
    }

    private void restart(Runnable send, IntConsumer exhausted, int transmissions) {
        stop();
        this.send = send;
        this.exhausted = exhausted;
        this.transmissions = transmissions;
    }

    private void expired() {
        if (send == null) {
            return;
        }
        if (transmissions == context.maxTransmissions()) {
            IntConsumer report = exhausted;
            int sent = transmissions;
            stop();
            report.accept(sent);
            return;
        }
        transmissions++;
        send.run();
        timer = context.schedule(context.restartTimer(), this::expired);
    }
}
