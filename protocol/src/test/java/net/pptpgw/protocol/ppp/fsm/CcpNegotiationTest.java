package net.pptpgw.protocol.ppp.fsm;

import static net.pptpgw.protocol.ppp.fsm.IpcpNegotiationTest.answer;
import static net.pptpgw.protocol.ppp.fsm.MppeStrength.BITS_128;
import static net.pptpgw.protocol.ppp.fsm.MppeStrength.BITS_40;
import static net.pptpgw.protocol.ppp.fsm.MppeStrength.BITS_56;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import net.pptpgw.protocol.ppp.ccp.CcpOption.Mppe;
import net.pptpgw.protocol.ppp.ccp.MppeSupportedBits;
import net.pptpgw.protocol.ppp.cp.ControlPacket;
import net.pptpgw.protocol.ppp.cp.ControlPacket.ConfigureNak;
import net.pptpgw.protocol.ppp.cp.ControlPacket.ConfigureRequest;
import net.pptpgw.protocol.ppp.fsm.CcpSettings.Mode;
import org.junit.jupiter.api.Test;

/** CCP/MPPE server policy against client policy, back to back, and single answers octet for octet. */
class CcpNegotiationTest {

    static final CcpSettings SERVER_ALLOWS_ALL = new CcpSettings(CcpSettings.Mppe.REQUIRE,
            List.of(BITS_128, BITS_56, BITS_40), List.of(Mode.STATELESS, Mode.STATEFUL));

    static BackToBack link(CcpSettings server, boolean serverKeys, CcpSettings client, boolean clientKeys) {
        return new BackToBack("server", new CcpPolicy(server, serverKeys), "client", new CcpPolicy(client, clientKeys),
                AutomatonConfig.DEFAULTS).start();
    }

    static Optional<MppeAgreement> agreement(BackToBack.End end) {
        return ((CcpPolicy) end.automaton.policy()).agreement();
    }

    @Test
    void serverOffersAllItAllowsAndTheClientNaksWithExactlyOneStrength() {
        BackToBack link = link(SERVER_ALLOWS_ALL, true, CcpSettings.require128Stateless(), true);
        link.run(100);

        assertThat(link.a.state()).as(link::trace).isEqualTo(State.OPENED);
        assertThat(link.b.state()).isEqualTo(State.OPENED);
        List<ControlPacket> server = link.sentBy(link.a);
        List<ControlPacket> client = link.sentBy(link.b);
        assertThat(server.getFirst()).isEqualTo(new ConfigureRequest(1, List.of(mppe(0x010000e0)))); // H M S L
        assertThat(client).contains(new ConfigureNak(1, List.of(mppe(0x01000040)))); // H S
        assertThat(agreement(link.a)).contains(new MppeAgreement(BITS_128, true));
        assertThat(agreement(link.b)).contains(new MppeAgreement(BITS_128, true));
    }

    @Test
    void bothAllowing40And128Settle128() {
        CcpSettings allow = new CcpSettings(CcpSettings.Mppe.ALLOW, List.of(BITS_128, BITS_40), List.of(Mode.STATELESS));
        BackToBack link = link(allow, true, allow, true);
        link.run(100);

        assertThat(agreement(link.a)).as(link::trace).contains(new MppeAgreement(BITS_128, true));
        assertThat(agreement(link.b)).contains(new MppeAgreement(BITS_128, true));
    }

    @Test
    void statefulWhenTheClientOnlyDoesStateful() {
        CcpSettings client = new CcpSettings(CcpSettings.Mppe.REQUIRE, List.of(BITS_40), List.of(Mode.STATEFUL));
        BackToBack link = link(SERVER_ALLOWS_ALL, true, client, true);
        link.run(100);

        assertThat(agreement(link.a)).as(link::trace).contains(new MppeAgreement(BITS_40, false));
        assertThat(agreement(link.b)).contains(new MppeAgreement(BITS_40, false));
    }

    @Test
    void mppeRequiredAgainstAPeerThatDeniesItFailsWithAReason() {
        BackToBack link = link(CcpSettings.require128Stateless(), true, CcpSettings.deny(), true);
        link.run(200);

        assertThat(link.a.finished).as(link::trace).singleElement().satisfies(reason -> {
            assertThat(reason.cause()).isEqualTo(CcpPolicy.MPPE_REQUIRED);
            assertThat(reason.detail()).contains("rejected MPPE");
        });
        assertThat(link.a.ups + link.b.ups).isZero();
        assertThat(link.b.finished).hasSize(1);
    }

    @Test
    void mppeRequiredWithoutMsChapKeysFailsWithAReason() {
        CcpSettings allow = new CcpSettings(CcpSettings.Mppe.ALLOW, List.of(BITS_128), List.of(Mode.STATELESS));
        BackToBack link = link(CcpSettings.require128Stateless(), false, allow, true);
        link.run(200);

        assertThat(link.a.finished).as(link::trace).singleElement().satisfies(reason -> {
            assertThat(reason.cause()).isEqualTo(CcpPolicy.MPPE_REQUIRED);
            assertThat(reason.detail()).contains("MS-CHAP");
        });
        assertThat(link.a.ups).isZero();
    }

    @Test
    void noCommonStrengthFailsTheSideThatRequiresIt() {
        CcpSettings only40 = new CcpSettings(CcpSettings.Mppe.REQUIRE, List.of(BITS_40), List.of(Mode.STATELESS));
        BackToBack link = link(CcpSettings.require128Stateless(), true, only40, true);
        link.run(200);

        assertThat(link.a.finished).as(link::trace).extracting(Termination::cause).containsOnly(CcpPolicy.MPPE_REQUIRED);
        assertThat(link.b.finished).extracting(Termination::cause).containsOnly(CcpPolicy.MPPE_REQUIRED);
        assertThat(link.a.ups + link.b.ups).isZero();
    }

    @Test
    void bothDenyingOpensWithoutEncryption() {
        BackToBack link = link(CcpSettings.deny(), true, CcpSettings.deny(), true);
        link.run(100);

        assertThat(link.a.state()).isEqualTo(State.OPENED);
        assertThat(agreement(link.a)).isEmpty();
        assertThat(link.sentBy(link.a).getFirst()).isEqualTo(new ConfigureRequest(1, List.of()));
    }

    @Test
    void answersToSingleRequests() {
        CcpPolicy server = new CcpPolicy(SERVER_ALLOWS_ALL, true);
        // 128-bit stateless, exactly one strength: acknowledged as is.
        assertThat(answer(server, "0105000a" + "120601000040")).isEqualTo("0205000a" + "120601000040");
        // H S L: Nak with the strongest, S.
        assertThat(answer(server, "0106000a" + "120601000060")).isEqualTo("0306000a" + "120601000040");
        // MPPC compression (C) and the obsolete D bit are Nak'ed away.
        assertThat(answer(server, "0107000a" + "120601000051")).isEqualTo("0307000a" + "120601000040");
        // No strength at all: show every strength we allow.
        assertThat(answer(server, "0108000a" + "120601000000")).isEqualTo("0308000a" + "1206010000e0");
        // Deflate and BSD-Compress rejected, MPPE left for the next round (Reject before Nak).
        assertThat(answer(server, "01090011" + "1a047800" + "15032f" + "120601000060"))
                .isEqualTo("0409000b" + "1a047800" + "15032f");
        // No option 18 while MPPE is required: a Nak hint with our offer.
        assertThat(answer(server, "010a0004")).isEqualTo("030a000a" + "1206010000e0");
    }

    @Test
    void answersOfAServerThatRefusesMppe() {
        CcpPolicy server = new CcpPolicy(CcpSettings.deny(), true);
        assertThat(answer(server, "0101000a" + "120601000040")).isEqualTo("0401000a" + "120601000040");
        assertThat(answer(server, "01020004")).isEqualTo("02020004");
    }

    private static Mppe mppe(int bits) {
        return new Mppe(new MppeSupportedBits(bits));
    }
}
