package net.pptpgw.protocol.ppp.ccp;

import io.netty.buffer.ByteBuf;
import java.util.Objects;
import net.pptpgw.protocol.ppp.cp.ConfigurationOption;
import net.pptpgw.protocol.ppp.cp.RawOption;
import net.pptpgw.protocol.Octets;

/**
 * CCP configuration options (RFC 1962 §4). A PPTP concentrator speaks only Microsoft's option
 * 18 (MPPE/MPPC); every other method (Deflate, BSD-Compress, Predictor, Stac...) is kept as
 * {@link Raw} with its registered name, to be Configure-Rejected verbatim.
 */
public sealed interface CcpOption extends ConfigurationOption {

    @Override
    default String typeName() {
        return CcpOptionType.name(type());
    }

    /**
     * Microsoft Point-to-Point Compression/Encryption (type 18, length 6, RFC 3078 §2, RFC
     * 2118): the 4-octet Supported Bits. A PPTP client asking for 128-bit stateless MPPE sends
     * {@code 12 06 01 00 00 40}.
     */
    record Mppe(MppeSupportedBits supportedBits) implements CcpOption {
        public Mppe {
            Objects.requireNonNull(supportedBits, "supportedBits");
        }

        @Override
        public int type() {
            return CcpOptionType.MICROSOFT_PPC;
        }

        @Override
        public void encodeData(ByteBuf out) {
            out.writeInt(supportedBits.bits());
        }
    }

    /**
     * Any other compression method, or option 18 with a Data size other than 4, kept octet for
     * octet so that it can be Configure-Rejected verbatim (RFC 1661 §5.4, RFC 1962 §4).
     */
    record Raw(int type, Octets data) implements CcpOption, RawOption {
        public Raw {
            RawOption.check(type, data);
        }

        @Override
        public String toString() {
            return RawOption.toString(this);
        }
    }
}
