package net.pptpgw.nathelper;

/** Which way a control message or GRE packet crosses the gateway; {@link #tag()} is its metric label. */
public enum Direction {
    /** From a LAN client toward its server. */
    LAN_TO_WAN("lan-to-wan"),
    /** From a server toward a LAN client. */
    WAN_TO_LAN("wan-to-lan");

    private final String tag;

    Direction(String tag) {
        this.tag = tag;
    }

    public String tag() {
        return tag;
    }
}
