package net.pptpgw.protocol.ppp.ccp;

/**
 * CCP configuration option types, each a compression (or, for 18, encryption) method (RFC 1962
 * §4 and the IANA "PPP Compression Control Protocol Option Types" registry), with names for logs.
 */
public final class CcpOptionType {

    /** RFC 1962 §4.1: vendor-specific, identified by an OUI. */
    public static final int OUI = 0;
    public static final int PREDICTOR_TYPE_1 = 1;
    public static final int PREDICTOR_TYPE_2 = 2;
    public static final int PUDDLE_JUMPER = 3;
    public static final int HEWLETT_PACKARD_PPC = 16;
    /** RFC 1974. */
    public static final int STAC_LZS = 17;
    /** RFC 2118 (MPPC) and RFC 3078 §2 (MPPE): Microsoft Point-to-Point Compression/Encryption. */
    public static final int MICROSOFT_PPC = 18;
    public static final int GANDALF_FZA = 19;
    public static final int V42BIS = 20;
    /** RFC 1977. */
    public static final int BSD_COMPRESS = 21;
    /** RFC 1967. */
    public static final int LZS_DCP = 23;
    /** RFC 1975; pppd's draft Deflate also used this number. */
    public static final int MAGNALINK_MVRCA = 24;
    /** RFC 1976. */
    public static final int DCE = 25;
    /** RFC 1979. */
    public static final int DEFLATE = 26;
    /** RFC 3468. */
    public static final int V44_LZJH = 27;

    private CcpOptionType() {}

    /** The registered name of {@code type}, or {@code "CCP-Option-<n>"} for an unassigned one. */
    public static String name(int type) {
        return switch (type) {
            case OUI -> "OUI";
            case PREDICTOR_TYPE_1 -> "Predictor-type-1";
            case PREDICTOR_TYPE_2 -> "Predictor-type-2";
            case PUDDLE_JUMPER -> "Puddle-Jumper";
            case HEWLETT_PACKARD_PPC -> "Hewlett-Packard-PPC";
            case STAC_LZS -> "Stac-Electronics-LZS";
            case MICROSOFT_PPC -> "Microsoft-PPC (MPPC/MPPE)";
            case GANDALF_FZA -> "Gandalf-FZA";
            case V42BIS -> "V.42bis";
            case BSD_COMPRESS -> "BSD-Compress";
            case LZS_DCP -> "LZS-DCP";
            case MAGNALINK_MVRCA -> "Magnalink-MVRCA";
            case DCE -> "DCE";
            case DEFLATE -> "Deflate";
            case V44_LZJH -> "V.44/LZJH";
            default -> "CCP-Option-" + type;
        };
    }
}
