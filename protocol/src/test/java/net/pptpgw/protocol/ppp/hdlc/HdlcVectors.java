package net.pptpgw.protocol.ppp.hdlc;

/**
 * Frames and their octet-stuffed forms, computed by a separate bitwise CRC and escaper (a few
 * lines of Python written from RFC 1662 §4.2 and §C, not from this code).
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
