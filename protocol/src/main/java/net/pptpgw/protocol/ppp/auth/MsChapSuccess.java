package net.pptpgw.protocol.ppp.auth;

import net.pptpgw.protocol.Octets;
import java.util.Optional;
import net.pptpgw.protocol.MalformedPacketException;

/**
 * The Message of an MS-CHAPv2 Success packet (RFC 2759 §5):
 *
 * <pre>
 *  S=&lt;auth_string&gt; M=&lt;message&gt;
 * </pre>
 *
 * {@code auth_string} is the 20-octet Authenticator Response in 40 hexadecimal digits, which the
 * peer checks to authenticate the server ({@link MsChapV2#checkAuthenticatorResponse}).
 *
 * <p>An MS-CHAP (version 1) Success message is free text: it reads as a message without an
 * authenticator response.
 */
public record MsChapSuccess(Optional<Octets> authenticatorResponse, String message) {

    /** Octets of the Authenticator Response (RFC 2759 §8.7). */
    public static final int AUTHENTICATOR_RESPONSE_SIZE = 20;

    private static final String REASON = "bad-ms-chap-success";

    public MsChapSuccess {
        authenticatorResponse.ifPresent(response -> {
            if (response.length() != AUTHENTICATOR_RESPONSE_SIZE) {
                throw new IllegalArgumentException("the Authenticator Response has 20 octets, not " + response.length());
            }
        });
    }

    public static MsChapSuccess of(byte[] authenticatorResponse, String message) {
        return new MsChapSuccess(Optional.of(Octets.of(authenticatorResponse)), message);
    }

    /**
     * Reads a Success Message.
     *
     * @throws MalformedPacketException if {@code S=} is not followed by 40 hexadecimal digits
     */
    public static MsChapSuccess parse(Octets octets) {
        String text = MsChapMessages.text(octets);
        if (!text.startsWith("S=")) {
            return new MsChapSuccess(Optional.empty(), text.startsWith("M=") ? text.substring(2) : text);
        }
        int digitsEnd = 2 + 2 * AUTHENTICATOR_RESPONSE_SIZE;
        if (text.length() < digitsEnd || (text.length() > digitsEnd && text.charAt(digitsEnd) != ' ')) {
            throw MsChapMessages.malformed(REASON, "S= needs 40 hexadecimal digits: '" + text + "'");
        }
        Octets response = MsChapMessages.parseHex(text.substring(2, digitsEnd), "S", REASON);
        String rest = text.substring(digitsEnd).stripLeading();
        return new MsChapSuccess(Optional.of(response), rest.startsWith("M=") ? rest.substring(2) : rest);
    }

    /** The Message octets: {@code S=<40 upper-case hex digits> M=<message>}, absent parts left out. */
    public Octets format() {
        StringBuilder text = new StringBuilder();
        authenticatorResponse.ifPresent(response -> text.append("S=").append(MsChapMessages.hex(response)));
        if (!message.isEmpty()) {
            text.append(text.isEmpty() ? "" : " ").append("M=").append(message);
        }
        return MsChapMessages.octets(text.toString());
    }
}
