package net.pptpgw.protocol.ppp.fsm;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.pptpgw.protocol.ppp.cp.ConfigurationOption;
import net.pptpgw.protocol.ppp.cp.ControlPacket;
import net.pptpgw.protocol.ppp.cp.ControlPacket.ConfigureAck;
import net.pptpgw.protocol.ppp.cp.ControlPacket.ConfigureNak;
import net.pptpgw.protocol.ppp.cp.ControlPacket.ConfigurePacket;
import net.pptpgw.protocol.ppp.cp.ControlPacket.ConfigureReject;
import net.pptpgw.protocol.ppp.cp.ControlPacketCodec;
import net.pptpgw.protocol.ppp.cp.ProtocolKind;

/**
 * Every policy is total over whatever a peer may send: any list of options (typed or not,
 * known or not) is judged without an exception into a reply that obeys RFC 1661 §5.2-5.4, and
 * any Nak or Reject of our request is processed without an exception.
 */
class PolicyPropertiesTest {

    enum Side {
        LCP_SERVER(ProtocolKind.LCP),
        LCP_CLIENT(ProtocolKind.LCP),
        IPCP_SERVER(ProtocolKind.IPCP),
        IPCP_CLIENT(ProtocolKind.IPCP),
        CCP_SERVER(ProtocolKind.CCP),
        CCP_CLIENT(ProtocolKind.CCP);

        final ProtocolKind kind;

        Side(ProtocolKind kind) {
            this.kind = kind;
        }

        NegotiationPolicy policy() {
            NegotiationPolicy policy = switch (this) {
                case LCP_SERVER -> new LcpPolicy(LcpSettings.server(LcpNegotiationTest.ALL), new SplittableRandom(1));
                case LCP_CLIENT -> new LcpPolicy(LcpSettings.client(List.of(AuthenticationMethod.MS_CHAP_V2)),
                        new SplittableRandom(2));
                case IPCP_SERVER -> new IpcpPolicy(IpcpNegotiationTest.SERVER_SETTINGS);
                case IPCP_CLIENT -> new IpcpPolicy(IpcpSettings.client(true, true));
                case CCP_SERVER -> new CcpPolicy(CcpNegotiationTest.SERVER_ALLOWS_ALL, true);
                case CCP_CLIENT -> new CcpPolicy(CcpSettings.require128Stateless(), true);
            };
            policy.startNegotiation();
            return policy;
        }
    }

    record Case(Side side, List<ConfigurationOption> options) {}

    @Property(tries = 2000)
    void judgementAlwaysGivesAnRfcReply(@ForAll("cases") Case c, @ForAll boolean notConverging) {
        NegotiationPolicy policy = c.side().policy();
        ConfigurePacket reply = policy.judgePeerRequest(c.options()).reply(7, c.options(), notConverging);

        assertThat(reply.identifier()).isEqualTo(7);
        switch (reply) {
            // §5.2: an Ack repeats the request exactly.
            case ConfigureAck ack -> assertThat(ack.options()).isEqualTo(c.options());
            // §5.4: a Reject lists options of the request, unmodified and in order.
            case ConfigureReject reject -> {
                assertThat(reject.options()).isNotEmpty();
                assertThat(isSubsequence(reject.options(), c.options())).as("Reject ⊆ request in order").isTrue();
            }
            // §5.3: a Nak proposes acceptable values.
            case ConfigureNak nak -> assertThat(nak.options()).isNotEmpty();
            default -> throw new AssertionError(reply);
        }
        // The reply encodes and decodes to itself: what goes on the wire is what was decided.
        ByteBuf wire = Unpooled.buffer();
        ControlPacketCodec.encode(reply, wire);
        ControlPacket decoded = ControlPacketCodec.decode(c.side().kind, wire);
        assertThat(decoded).isEqualTo(reply);
        wire.release();
    }

    @Property(tries = 2000)
    void naksAndRejectsOfOurRequestNeverThrow(@ForAll("cases") Case c) {
        NegotiationPolicy policy = c.side().policy();
        assertThat(policy.nakReceived(c.options())).isNotNull();
        List<ConfigurationOption> ours = policy.requestedOptions();
        assertThat(policy.rejectReceived(ours)).isNotNull();
        // Whatever happened, the next request is still encodable.
        ByteBuf wire = Unpooled.buffer();
        ControlPacketCodec.encode(new ControlPacket.ConfigureRequest(1, policy.requestedOptions()), wire);
        wire.release();
    }

    @Provide
    Arbitrary<Case> cases() {
        return Arbitraries.of(Side.class).flatMap(side -> option(side.kind).list().ofMaxSize(8)
                .map(options -> new Case(side, options)));
    }

    /** An option as the codec decodes it from arbitrary Type and Data: typed when the Data has the RFC's size. */
    private static Arbitrary<ConfigurationOption> option(ProtocolKind kind) {
        Arbitrary<Integer> types = Arbitraries.frequencyOf(
                Tuple.of(4, Arbitraries.of(1, 2, 3, 4, 5, 7, 8, 13, 17, 18, 19, 129, 130, 131, 132)),
                Tuple.of(1, Arbitraries.integers().between(0, 255)));
        Arbitrary<byte[]> data = Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.of(0, 2, 3, 4, 8).flatMap(n -> Arbitraries.bytes().array(byte[].class).ofSize(n))),
                Tuple.of(2, Arbitraries.of(new byte[] {0, 0, 0, 0}, new byte[] {(byte) 0xc2, 0x23, (byte) 0x81},
                        new byte[] {(byte) 0xc0, 0x23}, new byte[] {1, 0, 0, 0x60}, new byte[] {0, 0x2d, 0x0f, 1})),
                Tuple.of(1, Arbitraries.bytes().array(byte[].class).ofMaxSize(12)));
        return Combinators.combine(types, data).as((type, octets) ->
                kind.optionDecoder().decode(type, Unpooled.wrappedBuffer(octets)));
    }

    private static boolean isSubsequence(List<ConfigurationOption> part, List<ConfigurationOption> whole) {
        List<ConfigurationOption> rest = new ArrayList<>(whole);
        for (ConfigurationOption option : part) {
            int at = rest.indexOf(option);
            if (at < 0) {
                return false;
            }
            rest = rest.subList(at + 1, rest.size());
        }
        return true;
    }
}
