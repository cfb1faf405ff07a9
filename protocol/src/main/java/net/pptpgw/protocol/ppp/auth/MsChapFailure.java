package net.pptpgw.protocol.ppp.auth;

import net.pptpgw.protocol.Octets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import net.pptpgw.protocol.MalformedPacketException;

/**
 * The Message of an MS-CHAP or MS-CHAPv2 Failure packet (RFC 2433 Failure Packet, RFC 2759 §6):
 *
 * <pre>
 *  E=eeeeeeeeee R=r C=cccccccccccccccccccccccccccccccc V=vvvvvvvvvv M=&lt;msg&gt;
 * </pre>
 *
 * {@code E} is the error code, {@code R=1} allows a retry, {@code C} is the next challenge in
 * hexadecimal (16 octets for MS-CHAPv2, 8 for MS-CHAP), {@code V} the password-change protocol
 * version (3 for MS-CHAPv2), {@code M} text for the user, running to the end of the message.
 *
 * <p>Any part may be missing from a received message: an absent part is empty here and is not
 * written, except {@code R}, which reads as 0 and is always written. Fields with other letters
 * are skipped.
 */
public record MsChapFailure(
        Optional<MsChapError> error,
        boolean retry,
        Optional<Octets> challenge,
        OptionalLong version,
        String message) {

    private static final String REASON = "bad-ms-chap-failure";

    public MsChapFailure {
        if (challenge.isPresent() && challenge.get().isEmpty()) {
            throw new IllegalArgumentException("a present challenge has at least one octet");
        }
        if (version.isPresent() && (version.getAsLong() < 0 || version.getAsLong() > 0xFFFF_FFFFL)) {
            throw new IllegalArgumentException("version " + version.getAsLong() + " is not an unsigned 32-bit number");
        }
    }

    /** A complete MS-CHAPv2 failure: error, retry flag, new 16-octet challenge, {@code V=3}, text. */
    public static MsChapFailure msChapV2(MsChapError error, boolean retry, byte[] nextChallenge, String message) {
        return new MsChapFailure(Optional.of(error), retry, Optional.of(Octets.of(nextChallenge)),
                OptionalLong.of(3), message);
    }

    /**
     * Reads a Failure Message.
     *
     * @throws MalformedPacketException if a field it knows has a value that is not a number or hexadecimal
     */
    public static MsChapFailure parse(Octets message) {
        String text = MsChapMessages.text(message);
        Optional<MsChapError> error = Optional.empty();
        boolean retry = false;
        Optional<Octets> challenge = Optional.empty();
        OptionalLong version = OptionalLong.empty();
        String userText = "";
        int at = 0;
        while (at < text.length()) {
            if (text.charAt(at) == ' ') {
                at++;
                continue;
            }
            if (text.startsWith("M=", at)) {
                userText = text.substring(at + 2); // M runs to the end, spaces included
                break;
            }
            int end = text.indexOf(' ', at);
            if (end < 0) {
                end = text.length();
            }
            String field = text.substring(at, end);
            at = end;
            if (field.length() < 2 || field.charAt(1) != '=') {
                continue; // not a K=value field: skipped, as are unknown letters
            }
            String value = field.substring(2);
            switch (field.charAt(0)) {
                case 'E' -> error = Optional.of(new MsChapError(MsChapMessages.parseDecimal(value, "E", REASON)));
                case 'R' -> retry = switch (value) {
                    case "0" -> false;
                    case "1" -> true;
                    default -> throw MsChapMessages.malformed(REASON, "R must be 0 or 1: '" + value + "'");
                };
                case 'C' -> challenge = Optional.of(MsChapMessages.parseHex(value, "C", REASON));
                case 'V' -> version = OptionalLong.of(MsChapMessages.parseDecimal(value, "V", REASON));
                default -> { } // a field this version of the RFCs does not define
            }
        }
        return new MsChapFailure(error, retry, challenge, version, userText);
    }

    /** The Message octets, parts in the RFC's order, absent parts and an empty text left out. */
    public Octets format() {
        List<String> parts = new ArrayList<>();
        error.ifPresent(e -> parts.add("E=" + e.code()));
        parts.add("R=" + (retry ? 1 : 0));
        challenge.ifPresent(c -> parts.add("C=" + MsChapMessages.hex(c)));
        version.ifPresent(v -> parts.add("V=" + v));
        if (!message.isEmpty()) {
            parts.add("M=" + message);
        }
        return MsChapMessages.octets(String.join(" ", parts));
    }
}
