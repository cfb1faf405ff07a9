package net.pptpgw.protocol.ppp.auth;

import net.pptpgw.protocol.Octets;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import net.pptpgw.protocol.MalformedPacketException;

/**
 * The Value of an MS-CHAPv2 Response packet (RFC 2759 §4):
 *
 * <pre>
 *  Peer-Challenge (16) | Reserved (8, zero) | NT-Response (24) | Flags (1, zero)
 * </pre>
 *
 * Reserved and Flags are kept as received, so that a relay passes them on unchanged.
 */
public record MsChapV2Response(Octets peerChallenge, Octets reserved, Octets ntResponse, int flags) {

    /** Octets in the Value of an MS-CHAPv2 Response. */
    public static final int VALUE_SIZE = 49;

    /** Octets in the Value of an MS-CHAPv2 Challenge, the Authenticator Challenge (RFC 2759 §3). */
    public static final int CHALLENGE_SIZE = 16;

    private static final int PEER_CHALLENGE_SIZE = 16;
    private static final int RESERVED_SIZE = 8;
    private static final int NT_RESPONSE_SIZE = 24;

    public MsChapV2Response {
        Checks.exactSize("Peer-Challenge", peerChallenge, PEER_CHALLENGE_SIZE);
        Checks.exactSize("Reserved", reserved, RESERVED_SIZE);
        Checks.exactSize("NT-Response", ntResponse, NT_RESPONSE_SIZE);
        if (flags < 0 || flags > 0xFF) {
            throw new IllegalArgumentException("flags " + flags + " is not an octet");
        }
    }

    /** A response with Reserved and Flags zero, as RFC 2759 §4 requires of a sender. */
    public static MsChapV2Response of(byte[] peerChallenge, byte[] ntResponse) {
        return new MsChapV2Response(Octets.of(peerChallenge), Octets.of(new byte[RESERVED_SIZE]),
                Octets.of(ntResponse), 0);
    }

    /**
     * Reads the Value of a Response.
     *
     * @throws MalformedPacketException if the Value is not 49 octets
     */
    public static MsChapV2Response parse(Octets value) {
        if (value.length() != VALUE_SIZE) {
            throw new MalformedPacketException("chap", "bad-ms-chap-v2-response",
                    "Value of " + value.length() + " octets, MS-CHAPv2 needs " + VALUE_SIZE);
        }
        ByteBuf in = Unpooled.wrappedBuffer(value.toByteArray());
        return new MsChapV2Response(Octets.read(in, PEER_CHALLENGE_SIZE), Octets.read(in, RESERVED_SIZE),
                Octets.read(in, NT_RESPONSE_SIZE), in.readUnsignedByte());
    }

    /** The 49-octet Value of a Response packet. */
    public Octets toValue() {
        ByteBuf out = Unpooled.buffer(VALUE_SIZE);
        peerChallenge.writeTo(out);
        reserved.writeTo(out);
        ntResponse.writeTo(out);
        out.writeByte(flags);
        return Octets.of(out.array());
    }
}
