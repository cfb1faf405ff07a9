package net.pptpgw.protocol.ppp.cp;

import net.pptpgw.protocol.ppp.PppProtocol;
import net.pptpgw.protocol.ppp.ccp.CcpOptionCodec;
import net.pptpgw.protocol.ppp.ipcp.IpcpOptionCodec;
import net.pptpgw.protocol.ppp.lcp.LcpOptionCodec;

/**
 * The control protocols that share the RFC 1661 §5 packet format, with what differs between
 * them: which codes they use and which options they define.
 *
 * <p>The decoder must be told the protocol because the same code means different things: code 9
 * is an Echo-Request on LCP but an unknown code on IPCP (RFC 1332 §2 uses codes 1 to 7 only),
 * and must then be answered with a Code-Reject.
 */
public enum ProtocolKind {

    /** Link Control Protocol: codes 1-11 (RFC 1661 §5), 12 and 13 (RFC 1570 §1). */
    LCP("lcp", PppProtocol.LCP, LcpOptionCodec::decode),
    /** IP Control Protocol: codes 1-7 (RFC 1332 §2). */
    IPCP("ipcp", PppProtocol.IPCP, IpcpOptionCodec::decode),
    /** Compression Control Protocol: codes 1-7, and 14/15 Reset-Request/Reset-Ack (RFC 1962 §2, §5). */
    CCP("ccp", PppProtocol.CCP, CcpOptionCodec::decode);

    private final String label;
    private final PppProtocol protocol;
    private final OptionDecoder optionDecoder;

    ProtocolKind(String label, PppProtocol protocol, OptionDecoder optionDecoder) {
        this.label = label;
        this.protocol = protocol;
        this.optionDecoder = optionDecoder;
    }

    /** The layer name used in {@link net.pptpgw.protocol.MalformedPacketException}: "lcp", "ipcp", "ccp". */
    public String label() {
        return label;
    }

    /** The PPP Protocol field value that carries this protocol (RFC 1661 §2, RFC 1332 §2, RFC 1962 §2). */
    public PppProtocol protocol() {
        return protocol;
    }

    /** The control protocol carried under this PPP protocol number, or {@code null} for any other. */
    public static ProtocolKind of(PppProtocol protocol) {
        for (ProtocolKind kind : values()) {
            if (kind.protocol.equals(protocol)) {
                return kind;
            }
        }
        return null;
    }

    public OptionDecoder optionDecoder() {
        return optionDecoder;
    }

    /** Whether {@code code} is one this protocol defines; any other code is answered with a Code-Reject. */
    public boolean usesCode(int code) {
        return switch (this) {
            case LCP -> code >= ControlCode.CONFIGURE_REQUEST && code <= ControlCode.TIME_REMAINING;
            case IPCP -> code >= ControlCode.CONFIGURE_REQUEST && code <= ControlCode.CODE_REJECT;
            case CCP -> (code >= ControlCode.CONFIGURE_REQUEST && code <= ControlCode.CODE_REJECT)
                    || code == ControlCode.RESET_REQUEST || code == ControlCode.RESET_ACK;
        };
    }
}
