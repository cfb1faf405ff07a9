package net.pptpgw.protocol.ppp.auth;

import net.pptpgw.protocol.Octets;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import net.pptpgw.protocol.MalformedPacketException;

/**
 * The Value of an MS-CHAP (version 1) Response packet (RFC 2433 §5):
 *
 * <pre>
 *  LM-Response (24) | NT-Response (24) | Use-NT flag (1)
 * </pre>
 *
 * The flag is 1 when the NT-Response is to be used in preference to the LM-Response.
 */
public record MsChapV1Response(Octets lmResponse, Octets ntResponse, int useNtFlag) {

    /** Octets in the Value of an MS-CHAP Response. */
    public static final int VALUE_SIZE = 49;

    /** Octets in the Value of an MS-CHAP Challenge (RFC 2433 §4). */
    public static final int CHALLENGE_SIZE = 8;

    private static final int RESPONSE_SIZE = 24;

    public MsChapV1Response {
        Checks.exactSize("LM-Response", lmResponse, RESPONSE_SIZE);
        Checks.exactSize("NT-Response", ntResponse, RESPONSE_SIZE);
        if (useNtFlag < 0 || useNtFlag > 0xFF) {
            throw new IllegalArgumentException("flag " + useNtFlag + " is not an octet");
        }
    }

    /** A response with only the NT-Response filled in and the flag set, as current peers send. */
    public static MsChapV1Response ofNtResponse(byte[] ntResponse) {
        return new MsChapV1Response(Octets.of(new byte[RESPONSE_SIZE]), Octets.of(ntResponse), 1);
    }

    /**
     * Reads the Value of a Response.
     *
     * @throws MalformedPacketException if the Value is not 49 octets
     */
    public static MsChapV1Response parse(Octets value) {
        if (value.length() != VALUE_SIZE) {
            throw new MalformedPacketException("chap", "bad-ms-chap-v1-response",
                    "Value of " + value.length() + " octets, MS-CHAP needs " + VALUE_SIZE);
        }
        ByteBuf in = Unpooled.wrappedBuffer(value.toByteArray());
        return new MsChapV1Response(Octets.read(in, RESPONSE_SIZE), Octets.read(in, RESPONSE_SIZE),
                in.readUnsignedByte());
    }

    public boolean useNtResponse() {
        return useNtFlag == 1;
    }

    /** The 49-octet Value of a Response packet. */
    public Octets toValue() {
        ByteBuf out = Unpooled.buffer(VALUE_SIZE);
        lmResponse.writeTo(out);
        ntResponse.writeTo(out);
        out.writeByte(useNtFlag);
        return Octets.of(out.array());
    }
}
