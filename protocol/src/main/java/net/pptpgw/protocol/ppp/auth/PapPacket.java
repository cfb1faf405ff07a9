package net.pptpgw.protocol.ppp.auth;

import net.pptpgw.protocol.Octets;

/**
 * A Password Authentication Protocol packet (RFC 1334 §2.2), carried in PPP protocol
 * {@code 0xC023}.
 *
 * <pre>
 *  Code (1) | Identifier (1) | Length (2) | Data ...
 * </pre>
 *
 * Codes other than 1 to 3 are kept as {@link Unknown} so that a relay or a capture reader does
 * not lose them.
 */
public sealed interface PapPacket {

    int AUTHENTICATE_REQUEST = 1;
    int AUTHENTICATE_ACK = 2;
    int AUTHENTICATE_NAK = 3;

    /** PPP protocol number of PAP (RFC 1334 §2). */
    int PPP_PROTOCOL = 0xC023;

    int code();

    /** Matches an Ack or Nak to its Request (RFC 1334 §2.2.1). */
    int identifier();

    /**
     * Authenticate-Request (RFC 1334 §2.2.1): the peer's Peer-ID and Password, in clear text.
     * Each is at most 255 octets: its length travels in one octet.
     */
    record AuthenticateRequest(int identifier, Octets peerId, Octets password) implements PapPacket {
        public AuthenticateRequest {
            Checks.identifier(identifier);
            Checks.shortField("Peer-ID", peerId);
            Checks.shortField("Password", password);
        }

        @Override
        public int code() {
            return AUTHENTICATE_REQUEST;
        }

        /** The password is not printed: packets end up in logs. */
        @Override
        public String toString() {
            return "AuthenticateRequest[identifier=" + identifier + ", peerId=" + peerId
                    + ", password=(" + password.length() + " octets)]";
        }
    }

    /** Authenticate-Ack (RFC 1334 §2.2.2): the peer is authenticated; the message is for humans. */
    record AuthenticateAck(int identifier, Octets message) implements PapPacket {
        public AuthenticateAck {
            Checks.identifier(identifier);
            Checks.shortField("Message", message);
        }

        @Override
        public int code() {
            return AUTHENTICATE_ACK;
        }
    }

    /** Authenticate-Nak (RFC 1334 §2.2.2): authentication failed; the message is for humans. */
    record AuthenticateNak(int identifier, Octets message) implements PapPacket {
        public AuthenticateNak {
            Checks.identifier(identifier);
            Checks.shortField("Message", message);
        }

        @Override
        public int code() {
            return AUTHENTICATE_NAK;
        }
    }

    /** A packet with a code RFC 1334 does not define, its data kept intact. */
    record Unknown(int code, int identifier, Octets data) implements PapPacket {
        public Unknown {
            if (code >= AUTHENTICATE_REQUEST && code <= AUTHENTICATE_NAK) {
                throw new IllegalArgumentException("code " + code + " is a known PAP code");
            }
            Checks.code(code);
            Checks.identifier(identifier);
            Checks.data(data);
        }
    }
}
