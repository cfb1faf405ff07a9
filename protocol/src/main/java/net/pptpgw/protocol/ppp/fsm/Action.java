package net.pptpgw.protocol.ppp.fsm;

/** The actions of the option negotiation automaton (RFC 1661 §4.4), as the §4.1 table abbreviates them. */
public enum Action {

    /** This-Layer-Up: the layer is Opened; tell the upper layers. */
    TLU("tlu"),
    /** This-Layer-Down: the layer leaves Opened. */
    TLD("tld"),
    /** This-Layer-Started: this layer needs the lower layer; ask for it to come up. */
    TLS("tls"),
    /** This-Layer-Finished: this layer no longer needs the lower layer. */
    TLF("tlf"),
    /** Initialize-Restart-Count: to Max-Configure, or Max-Terminate before a Terminate-Request. */
    IRC("irc"),
    /** Zero-Restart-Count: the counter to zero, the timer started to let a Terminate-Ack go out. */
    ZRC("zrc"),
    /** Send-Configure-Request. */
    SCR("scr"),
    /** Send-Configure-Ack. */
    SCA("sca"),
    /** Send-Configure-Nak or Send-Configure-Reject, as the received request deserves. */
    SCN("scn"),
    /** Send-Terminate-Request. */
    STR("str"),
    /** Send-Terminate-Ack. */
    STA("sta"),
    /** Send-Code-Reject. */
    SCJ("scj"),
    /** Send-Echo-Reply. */
    SER("ser");

    private final String rfcName;

    Action(String rfcName) {
        this.rfcName = rfcName;
    }

    /** The abbreviation the RFC's table uses, e.g. {@code "scr"}. */
    public String rfcName() {
        return rfcName;
    }

    @Override
    public String toString() {
        return rfcName;
    }
}
