package net.pptpgw.protocol.ppp.auth;

import net.pptpgw.protocol.Octets;

/**
 * A Challenge-Handshake Authentication Protocol packet (RFC 1994 §4), carried in PPP protocol
 * {@code 0xC223}. The same packets carry CHAP-MD5 (algorithm 5), MS-CHAP (0x80, RFC 2433) and
 * MS-CHAPv2 (0x81, RFC 2759); the algorithm negotiated in LCP decides what the Value and
 * Message mean ({@link MsChapV1Response}, {@link MsChapV2Response}, {@link MsChapSuccess},
 * {@link MsChapFailure}).
 *
 * <pre>
 *  Code (1) | Identifier (1) | Length (2) | Data ...
 * </pre>
 *
 * Codes other than 1 to 4 (such as MS-CHAPv2's Change-Password, code 7) are kept as
 * {@link Unknown}.
 */
public sealed interface ChapPacket {

    int CHALLENGE = 1;
    int RESPONSE = 2;
    int SUCCESS = 3;
    int FAILURE = 4;

    /** PPP protocol number of CHAP (RFC 1994 §4). */
    int PPP_PROTOCOL = 0xC223;

    int code();

    /** Matches a Response to its Challenge, and Success or Failure to the Response (RFC 1994 §4.1). */
    int identifier();

    /**
     * Challenge (RFC 1994 §4.1): the authenticator's challenge Value (1 to 255 octets) and
     * its Name (the rest of the packet).
     */
    record Challenge(int identifier, Octets value, Octets name) implements ChapPacket {
        public Challenge {
            Checks.identifier(identifier);
            checkValueAndName(value, name);
        }

        @Override
        public int code() {
            return CHALLENGE;
        }
    }

    /**
     * Response (RFC 1994 §4.1): the peer's response Value (16 octets for MD5, 49 for MS-CHAP
     * and MS-CHAPv2) and its Name, the identity the authenticator looks the secret up by.
     */
    record Response(int identifier, Octets value, Octets name) implements ChapPacket {
        public Response {
            Checks.identifier(identifier);
            checkValueAndName(value, name);
        }

        @Override
        public int code() {
            return RESPONSE;
        }
    }

    /** Success (RFC 1994 §4.2): the Message is free for CHAP-MD5, structured for MS-CHAPv2. */
    record Success(int identifier, Octets message) implements ChapPacket {
        public Success {
            Checks.identifier(identifier);
            Checks.data(message);
        }

        @Override
        public int code() {
            return SUCCESS;
        }
    }

    /** Failure (RFC 1994 §4.2): the Message is free for CHAP-MD5, structured for MS-CHAP. */
    record Failure(int identifier, Octets message) implements ChapPacket {
        public Failure {
            Checks.identifier(identifier);
            Checks.data(message);
        }

        @Override
        public int code() {
            return FAILURE;
        }
    }

    /** A packet with a code RFC 1994 does not define, its data kept intact. */
    record Unknown(int code, int identifier, Octets data) implements ChapPacket {
        public Unknown {
            if (code >= CHALLENGE && code <= FAILURE) {
                throw new IllegalArgumentException("code " + code + " is a known CHAP code");
            }
            Checks.code(code);
            Checks.identifier(identifier);
            Checks.data(data);
        }
    }

    private static void checkValueAndName(Octets value, Octets name) {
        if (value.isEmpty()) {
            throw new IllegalArgumentException("the Value is one or more octets (RFC 1994 §4.1)");
        }
        Checks.shortField("Value", value);
        if (1 + value.length() + name.length() > Checks.MAX_DATA_LENGTH) {
            throw new IllegalArgumentException("Name of " + name.length() + " octets does not fit the Length field");
        }
    }
}
