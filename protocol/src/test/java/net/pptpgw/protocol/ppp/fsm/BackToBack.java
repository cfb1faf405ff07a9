package net.pptpgw.protocol.ppp.fsm;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.function.ToIntFunction;
import net.pptpgw.protocol.ppp.cp.ControlPacket;
import net.pptpgw.protocol.ppp.cp.ControlPacketCodec;
import net.pptpgw.protocol.ppp.cp.ProtocolKind;

/**
 * Two automata connected back to back through a simulated link: every packet is encoded with
 * {@link ControlPacketCodec}, carried as octets, and decoded again on the other side, so the
 * wire format is in the loop. Time is virtual: packets in flight are delivered first (the link
 * is fast compared with the 3-second Restart timer), and when none are left the earliest
 * Restart timer fires. A fault function decides per packet how many copies arrive (0 drops it,
 * 2 duplicates it).
 */
final class BackToBack {

    /** One packet on the wire. */
    record Flight(End from, End to, ProtocolKind kind, byte[] octets, int sequence) {
        ControlPacket decode() {
            return ControlPacketCodec.decode(kind, Unpooled.wrappedBuffer(octets));
        }

        @Override
        public String toString() {
            return from.name + " -> " + to.name + ": " + decode();
        }
    }

    /** One side: the automaton and what it reported. */
    final class End implements AutomatonActions {
        final String name;
        OptionNegotiationAutomaton automaton;
        End peer;
        long timerDeadline = -1;
        int timeouts;
        int ups;
        int downs;
        final List<Termination> finished = new ArrayList<>();
        final List<ControlPacket> sent = new ArrayList<>();
        final List<String> discarded = new ArrayList<>();

        End(String name) {
            this.name = name;
        }

        State state() {
            return automaton.state();
        }

        /** For a looped-back end: runs it alone until quiet. */
        int runLoop(int maxEvents) {
            return runEnds(List.of(this), inFlight, maxEvents);
        }

        @Override
        public void send(ControlPacket packet) {
            sent.add(packet);
            ByteBuf out = Unpooled.buffer();
            ControlPacketCodec.encode(packet, out);
            Flight flight = new Flight(this, peer, automaton.protocol(), ByteBufUtil.getBytes(out), flights++);
            out.release();
            inFlight.add(flight);
            wire.add(flight);
        }

        @Override
        public void thisLayerUp() {
            ups++;
        }

        @Override
        public void thisLayerDown() {
            downs++;
        }

        @Override
        public void thisLayerStarted() {}

        @Override
        public void thisLayerFinished(Termination reason) {
            finished.add(reason);
        }

        @Override
        public void startRestartTimer(Duration timeout) {
            timerDeadline = now + timeout.toMillis();
        }

        @Override
        public void stopRestartTimer() {
            timerDeadline = -1;
        }

        @Override
        public void discarded(ControlPacket packet, String reason) {
            discarded.add(reason);
        }

        @Override
        public String toString() {
            return name + "[" + automaton.state() + "]";
        }
    }

    final End a;
    final End b;
    final Deque<Flight> inFlight = new ArrayDeque<>();
    /** Every packet sent, in order, whatever became of it. */
    final List<Flight> wire = new ArrayList<>();
    private ToIntFunction<Flight> copies = flight -> 1;
    private long now;
    private int flights;

    BackToBack(String nameA, NegotiationPolicy policyA, String nameB, NegotiationPolicy policyB, AutomatonConfig config) {
        a = new End(nameA);
        b = new End(nameB);
        a.automaton = new OptionNegotiationAutomaton(policyA, a, config, 1);
        b.automaton = new OptionNegotiationAutomaton(policyB, b, config, 101);
        a.peer = b;
        b.peer = a;
    }

    /** A single automaton whose packets come back to itself: a looped-back line. */
    static End loop(NegotiationPolicy policy, AutomatonConfig config) {
        BackToBack link = new BackToBack("looped", policy, "unused", policy, config);
        link.a.peer = link.a;
        return link.a;
    }

    /** How many copies of each packet arrive: 0 drops it, 2 duplicates it. */
    BackToBack faults(ToIntFunction<Flight> copies) {
        this.copies = copies;
        return this;
    }

    /** Open and Up on both sides: both start negotiating. */
    BackToBack start() {
        for (End end : List.of(a, b)) {
            end.automaton.open();
            end.automaton.up();
        }
        return this;
    }

    /** Runs until nothing is in flight and no timer runs; returns the events processed. */
    int run(int maxEvents) {
        return runEnds(List.of(a, b), inFlight, maxEvents);
    }

    int runEnds(List<End> ends, Deque<Flight> queue, int maxEvents) {
        int events = 0;
        while (events < maxEvents) {
            Flight flight = queue.poll();
            if (flight != null) {
                int n = copies.applyAsInt(flight);
                for (int i = 0; i < n; i++) {
                    flight.to().automaton.receive(flight.decode());
                }
                events++;
                continue;
            }
            End next = null;
            for (End end : ends) {
                if (end.timerDeadline >= 0 && (next == null || end.timerDeadline < next.timerDeadline)) {
                    next = end;
                }
            }
            if (next == null) {
                return events;
            }
            now = next.timerDeadline;
            next.timerDeadline = -1;
            next.timeouts++;
            next.automaton.timeout();
            events++;
        }
        throw new AssertionError("still negotiating after " + maxEvents + " events: " + a + ", " + b + "\n" + trace());
    }

    long now() {
        return now;
    }

    /** The packets sent, readable, for assertion messages. */
    String trace() {
        StringBuilder text = new StringBuilder();
        for (Flight flight : wire) {
            text.append("  ").append(flight).append('\n');
        }
        return text.toString();
    }

    /** The packets {@code from} sent, decoded from the wire. */
    List<ControlPacket> sentBy(End from) {
        return wire.stream().filter(f -> f.from() == from).map(Flight::decode).toList();
    }
}
