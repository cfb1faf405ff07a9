package net.pptpgw.protocol.ppp.auth;

import net.pptpgw.protocol.Octets;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/** jqwik generators for PAP and CHAP packets and MS-CHAP values. */
final class AuthArbitraries {

    private AuthArbitraries() {}

    static Arbitrary<Integer> octet() {
        return Arbitraries.integers().between(0, 255);
    }

    static Arbitrary<Octets> octets(int minLength, int maxLength) {
        return Arbitraries.bytes().array(byte[].class).ofMinSize(minLength).ofMaxSize(maxLength).map(Octets::of);
    }

    static Arbitrary<PapPacket> papPackets() {
        return Arbitraries.oneOf(
                Combinators.combine(octet(), octets(0, 255), octets(0, 255)).as(PapPacket.AuthenticateRequest::new),
                Combinators.combine(octet(), octets(0, 255)).as(PapPacket.AuthenticateAck::new),
                Combinators.combine(octet(), octets(0, 255)).as(PapPacket.AuthenticateNak::new),
                Combinators.combine(octet().filter(code -> code == 0 || code > 3), octet(), octets(0, 300))
                        .as(PapPacket.Unknown::new));
    }

    static Arbitrary<ChapPacket> chapPackets() {
        return Arbitraries.oneOf(
                Combinators.combine(octet(), octets(1, 255), octets(0, 300)).as(ChapPacket.Challenge::new),
                Combinators.combine(octet(), octets(1, 255), octets(0, 300)).as(ChapPacket.Response::new),
                Combinators.combine(octet(), octets(0, 300)).as(ChapPacket.Success::new),
                Combinators.combine(octet(), octets(0, 300)).as(ChapPacket.Failure::new),
                Combinators.combine(octet().filter(code -> code == 0 || code > 4), octet(), octets(0, 300))
                        .as(ChapPacket.Unknown::new));
    }

    /** Text of ISO-8859-1 characters, as MS-CHAP messages carry. */
    static Arbitrary<String> latin1Text() {
        return Arbitraries.strings().withCharRange('\u0000', '\u00ff').ofMaxLength(80);
    }
}
