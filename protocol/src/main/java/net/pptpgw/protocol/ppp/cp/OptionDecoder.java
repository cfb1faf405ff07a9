package net.pptpgw.protocol.ppp.cp;

import io.netty.buffer.ByteBuf;

/**
 * Turns one option's Type and Data into a typed option of a protocol (LCP, IPCP, CCP).
 *
 * <p>{@link ControlPacketCodec} has already checked the option's Length against the packet,
 * so an implementation sees exactly the Data field. It never throws: an unknown type, or a
 * known type whose Data does not have the form its RFC gives, becomes the protocol's
 * {@code Raw} option so that the engine can Configure-Reject it verbatim (as pppd does).
 */
@FunctionalInterface
public interface OptionDecoder {

    /**
     * @param type the Type octet
     * @param data exactly the Data field of the option (may be empty); the decoder may read it
     */
    ConfigurationOption decode(int type, ByteBuf data);
}
