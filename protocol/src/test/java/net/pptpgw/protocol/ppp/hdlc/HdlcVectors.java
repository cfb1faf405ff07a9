package net.pptpgw.protocol.ppp.hdlc;

/**
 * Frames and their octet-stuffed forms, computed by a separate bitwise CRC and escaper written
 * from RFC 1662 §4.2 and §C, not from this code:
 *
 * <pre>
 * def crc(data, poly=0x8408, init=0xffff):      # FCS-32: poly=0xedb88320, init=0xffffffff
 *     fcs = init
 *     for b in data:
 *         fcs ^= b
 *         for _ in range(8):
 *             fcs = (fcs >> 1) ^ poly if fcs & 1 else fcs >> 1
 *     return fcs
 * def stuff(frame, accm, width=2, **kw):
 *     full = frame + (crc(frame, **kw) ^ (2 ** (8 * width) - 1)).to_bytes(width, 'little')
 *     out = bytearray([0x7e])
 *     for b in full:
 *         out += bytes([0x7d, b ^ 0x20]) if b in (0x7e, 0x7d) or (b < 0x20 and accm >> b & 1) else bytes([b])
 *     return (out + b'\x7e').hex()
 * </pre>
 */
final class HdlcVectors {

    /**
     * LCP Configure-Request, identifier 1: ACCM 0, magic number 0xcafebabe, PFC, ACFC: what
     * pppd sends first. With the default ACCM every control character is escaped, giving the
     * familiar {@code 7e ff 7d 23 c0 21 7d 21 ...}.
     */
    static final String LCP_CONFIGURE_REQUEST = "ff03c021010100140206000000000506cafebabe07020802";
    static final String LCP_CONFIGURE_REQUEST_STUFFED =
            "7eff7d23c0217d217d217d207d347d227d267d207d207d207d207d257d26cafebabe7d277d227d287d22df5c7e";
    static final String LCP_CONFIGURE_REQUEST_STUFFED_FCS32 =
            "7eff7d23c0217d217d217d207d347d227d267d207d207d207d207d257d26cafebabe7d277d227d287d227d3f6fe8c47e";

    /** An IPv4 frame whose information holds a flag, a control escape, XON, XOFF and 0x01. */
    static final String IP_WITH_SPECIALS = "ff0300217e7d11130120";
    /** ... with ACCM 0: only flag and control escape are escaped. */
    static final String IP_WITH_SPECIALS_ACCM_0 = "7eff0300217d5e7d5d111301208a717e";
    /** ... with ACCM 0x000a0000 (XON and XOFF, bits 17 and 19). */
    static final String IP_WITH_SPECIALS_ACCM_XON_XOFF = "7eff0300217d5e7d5d7d317d3301208a717e";

    private HdlcVectors() {}
}
