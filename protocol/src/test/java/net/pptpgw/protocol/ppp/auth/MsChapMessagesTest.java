package net.pptpgw.protocol.ppp.auth;

import net.pptpgw.protocol.Octets;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.pptpgw.protocol.MalformedPacketException;
import net.pptpgw.protocol.testing.Fuzz;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** MS-CHAP Failure (RFC 2759 §6, RFC 2433) and Success (RFC 2759 §5) messages. */
class MsChapMessagesTest {

    static final String V2_FAILURE = "E=691 R=1 C=000102030405060708090A0B0C0D0E0F V=3 M=Authentication failed";

    @Test
    void parsesAnMsChapV2Failure() {
        MsChapFailure failure = MsChapFailure.parse(Octets.utf8(V2_FAILURE));
        assertThat(failure.error()).contains(MsChapError.AUTHENTICATION_FAILURE);
        assertThat(failure.error().orElseThrow().windowsName()).isEqualTo("ERROR_AUTHENTICATION_FAILURE");
        assertThat(failure.retry()).isTrue();
        assertThat(failure.challenge()).contains(Octets.fromHex("000102030405060708090A0B0C0D0E0F"));
        assertThat(failure.version()).hasValue(3);
        assertThat(failure.message()).isEqualTo("Authentication failed");
    }

    @Test
    void formatsAnMsChapV2Failure() {
        MsChapFailure failure = MsChapFailure.msChapV2(MsChapError.AUTHENTICATION_FAILURE, true,
                Octets.fromHex("000102030405060708090A0B0C0D0E0F").toByteArray(), "Authentication failed");
        assertThat(failure.format().utf8()).isEqualTo(V2_FAILURE);
    }

    /** A message with only some parts, and a challenge in lower-case hexadecimal. */
    @Test
    void toleratesMissingPartsAndLowerCaseHex() {
        MsChapFailure failure = MsChapFailure.parse(Octets.utf8("E=649 R=0"));
        assertThat(failure.error()).contains(MsChapError.NO_DIALIN_PERMISSION);
        assertThat(failure.retry()).isFalse();
        assertThat(failure.challenge()).isEmpty();
        assertThat(failure.version()).isEmpty();
        assertThat(failure.message()).isEmpty();
        assertThat(failure.format().utf8()).isEqualTo("E=649 R=0");

        assertThat(MsChapFailure.parse(Octets.utf8("E=691 R=1 C=0123456789abcdef V=2")).challenge())
                .contains(Octets.fromHex("0123456789ABCDEF"));
        assertThat(MsChapFailure.parse(Octets.EMPTY))
                .isEqualTo(new MsChapFailure(Optional.empty(), false, Optional.empty(), OptionalLong.empty(), ""));
    }

    @Test
    void keepsUnknownErrorCodesAndSkipsUnknownFields() {
        MsChapFailure failure = MsChapFailure.parse(Octets.utf8("E=4294967295 X=9 garbage R=0 M=x y  z"));
        assertThat(failure.error()).contains(new MsChapError(4294967295L));
        assertThat(failure.error().orElseThrow().windowsName()).isEqualTo("unknown");
        assertThat(failure.message()).isEqualTo("x y  z");
    }

    @ParameterizedTest
    @ValueSource(strings = {"E=", "E=69a", "E=99999999999", "E=4294967296", "R=2", "R=", "C=123", "C=zz", "C=", "V=x"})
    void rejectsBadFieldValues(String message) {
        assertThatThrownBy(() -> MsChapFailure.parse(Octets.utf8(message)))
                .isInstanceOfSatisfying(MalformedPacketException.class,
                        e -> assertThat(e.reason()).isEqualTo("bad-ms-chap-failure"));
    }

    @Test
    void parsesAndFormatsASuccess() {
        String text = "S=407A5589115FD0D6209F510FE9C04566932CDA56 M=Access granted";
        MsChapSuccess success = MsChapSuccess.parse(Octets.utf8(text));
        assertThat(success.authenticatorResponse()).contains(Octets.fromHex("407A5589115FD0D6209F510FE9C04566932CDA56"));
        assertThat(success.message()).isEqualTo("Access granted");
        assertThat(success.format().utf8()).isEqualTo(text);
    }

    @Test
    void successWithoutMessageOrWithoutAuthenticatorResponse() {
        MsChapSuccess bare = MsChapSuccess.parse(Octets.utf8("S=407a5589115fd0d6209f510fe9c04566932cda56"));
        assertThat(bare.authenticatorResponse()).isPresent();
        assertThat(bare.message()).isEmpty();
        MsChapSuccess v1 = MsChapSuccess.parse(Octets.utf8("Welcome to the network"));
        assertThat(v1.authenticatorResponse()).isEmpty();
        assertThat(v1.message()).isEqualTo("Welcome to the network");
    }

    @ParameterizedTest
    @ValueSource(strings = {"S=", "S=407A5589115FD0D6209F510FE9C04566932CDA5", "S=407A5589115FD0D6209F510FE9C04566932CDA5G",
        "S=407A5589115FD0D6209F510FE9C04566932CDA561 M=x"})
    void rejectsABadAuthenticatorResponse(String message) {
        assertThatThrownBy(() -> MsChapSuccess.parse(Octets.utf8(message)))
                .isInstanceOfSatisfying(MalformedPacketException.class,
                        e -> assertThat(e.reason()).isEqualTo("bad-ms-chap-success"));
    }

    @Property
    void failuresRoundTrip(@ForAll("failures") MsChapFailure failure) {
        assertThat(MsChapFailure.parse(failure.format())).isEqualTo(failure);
    }

    @Property
    void successesRoundTrip(@ForAll("successes") MsChapSuccess success) {
        assertThat(MsChapSuccess.parse(success.format())).isEqualTo(success);
    }

    @Provide
    Arbitrary<MsChapFailure> failures() {
        return Combinators.combine(
                Arbitraries.longs().between(0, 0xFFFF_FFFFL).map(MsChapError::new).optional(),
                Arbitraries.of(true, false),
                AuthArbitraries.octets(1, 16).optional(),
                Arbitraries.longs().between(0, 0xFFFF_FFFFL).optional(),
                AuthArbitraries.latin1Text())
                .as((error, retry, challenge, version, text) -> new MsChapFailure(error, retry, challenge,
                        version.map(OptionalLong::of).orElse(OptionalLong.empty()), text));
    }

    @Provide
    Arbitrary<MsChapSuccess> successes() {
        return Combinators.combine(AuthArbitraries.octets(20, 20).optional(), AuthArbitraries.latin1Text())
                .as(MsChapSuccess::new);
    }

    @Test
    void fuzzFailureParser() {
        Fuzz.run("ms-chap-failure", seeds(V2_FAILURE, "E=691 R=0", "E=646 R=0 C=0123456789abcdef V=2 M=no"), in -> {
            MsChapFailure failure = MsChapFailure.parse(octets(in));
            assertThat(MsChapFailure.parse(failure.format())).isEqualTo(failure);
        });
    }

    @Test
    void fuzzSuccessParser() {
        Fuzz.run("ms-chap-success", seeds("S=407A5589115FD0D6209F510FE9C04566932CDA56 M=Access granted", "Welcome"), in -> {
            MsChapSuccess success = MsChapSuccess.parse(octets(in));
            assertThat(MsChapSuccess.parse(success.format())).isEqualTo(success);
        });
    }

    private static List<byte[]> seeds(String... messages) {
        return List.of(messages).stream().map(m -> m.getBytes(StandardCharsets.ISO_8859_1)).toList();
    }

    private static Octets octets(io.netty.buffer.ByteBuf in) {
        byte[] bytes = new byte[in.readableBytes()];
        in.readBytes(bytes);
        return Octets.of(bytes);
    }
}
