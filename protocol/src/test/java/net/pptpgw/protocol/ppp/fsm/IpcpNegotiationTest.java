package net.pptpgw.protocol.ppp.fsm;

import static net.pptpgw.protocol.ppp.cp.ControlPacketVectors.address;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.net.Inet4Address;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import net.pptpgw.protocol.ppp.cp.ControlPacket;
import net.pptpgw.protocol.ppp.cp.ControlPacket.ConfigureRequest;
import net.pptpgw.protocol.ppp.cp.ControlPacketCodec;
import org.junit.jupiter.api.Test;

/** IPCP server policy against client policy, back to back, and the server's answers octet for octet. */
class IpcpNegotiationTest {

    static final Inet4Address SERVER = address("10.0.0.1");
    static final Inet4Address CLIENT = address("10.0.0.2");
    static final Inet4Address DNS1 = address("192.0.2.53");
    static final Inet4Address DNS2 = address("192.0.2.54");
    static final Inet4Address WINS = address("192.0.2.137");

    static final IpcpSettings SERVER_SETTINGS = IpcpSettings.server(SERVER, CLIENT, List.of(DNS1, DNS2), List.of(WINS));

    static IpcpAgreement agreement(BackToBack.End end) {
        return ((IpcpPolicy) end.automaton.policy()).agreement();
    }

    @Test
    void serverAssignsTheAddressAndHandsOutNameServers() {
        BackToBack link = new BackToBack("server", new IpcpPolicy(SERVER_SETTINGS),
                "client", new IpcpPolicy(IpcpSettings.client(true, true)), AutomatonConfig.DEFAULTS).start();
        link.run(100);

        assertThat(link.a.state()).as(link::trace).isEqualTo(State.OPENED);
        assertThat(link.b.state()).isEqualTo(State.OPENED);
        assertThat(agreement(link.b)).isEqualTo(new IpcpAgreement(CLIENT, Optional.of(SERVER),
                Optional.of(DNS1), Optional.of(DNS2), Optional.of(WINS), Optional.empty()));
        assertThat(agreement(link.a)).isEqualTo(new IpcpAgreement(SERVER, Optional.of(CLIENT),
                Optional.of(DNS1), Optional.of(DNS2), Optional.of(WINS), Optional.empty()));
    }

    @Test
    void clientWithoutNameServersGetsJustTheAddress() {
        BackToBack link = new BackToBack("server", new IpcpPolicy(SERVER_SETTINGS),
                "client", new IpcpPolicy(IpcpSettings.client(false, false)), AutomatonConfig.DEFAULTS).start();
        link.run(100);

        assertThat(agreement(link.b)).isEqualTo(new IpcpAgreement(CLIENT, Optional.of(SERVER),
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty()));
    }

    @Test
    void aPeerThatWillNotAssignAnAddressFailsTheClient() {
        IpcpSettings noPool = new IpcpSettings(Optional.of(SERVER), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), false, false);
        BackToBack link = new BackToBack("server", new IpcpPolicy(noPool),
                "client", new IpcpPolicy(IpcpSettings.client(true, false)), AutomatonConfig.DEFAULTS).start();
        link.run(200);

        assertThat(link.b.finished).as(link::trace).extracting(Termination::cause).containsExactly(IpcpPolicy.NO_IP_ADDRESS);
        assertThat(link.a.ups + link.b.ups).isZero();
    }

    /**
     * A Windows client's first IPCP request (VJ compression, address and the four RFC 1877 servers,
     * all 0.0.0.0) against a server offering two DNS and one WINS server: RFC 1661 §5.4 has the
     * Reject go first (VJ, and the secondary WINS we do not have), then the Nak with the values.
     */
    @Test
    void windowsStyleRequestIsRejectedThenNakedThenAcked() {
        IpcpPolicy server = new IpcpPolicy(SERVER_SETTINGS);
        String windows = "0101" + "0028" + "0206002d0f01" + "030600000000" + "810600000000" + "820600000000"
                + "830600000000" + "840600000000";
        assertThat(answer(server, windows)).isEqualTo("0401" + "0010" + "0206002d0f01" + "840600000000");

        String second = "0102" + "001c" + "030600000000" + "810600000000" + "820600000000" + "830600000000";
        assertThat(answer(server, second)).isEqualTo("0302" + "001c" + "03060a000002" + "8106c0000235" + "8206c0000289"
                + "8306c0000236");

        String third = "0103" + "001c" + "03060a000002" + "8106c0000235" + "8206c0000289" + "8306c0000236";
        assertThat(answer(server, third)).isEqualTo("0203" + third.substring(4));
    }

    @Test
    void requestWithoutAnAddressGetsTheAssignedOneAsAHint() {
        IpcpPolicy server = new IpcpPolicy(SERVER_SETTINGS);
        assertThat(answer(server, "0107" + "000a" + "810600000000"))
                .isEqualTo("0307" + "0010" + "8106c0000235" + "03060a000002");
    }

    @Test
    void clientRequestsZeroAddressAndTheServersItWants() {
        IpcpPolicy client = new IpcpPolicy(IpcpSettings.client(true, false));
        client.startNegotiation();
        assertThat(hex(new ConfigureRequest(1, client.requestedOptions())))
                .isEqualTo("0101" + "0016" + "030600000000" + "810600000000" + "830600000000");
    }

    /** Decodes {@code requestHex}, lets {@code policy} judge it as the automaton would, and encodes the reply. */
    static String answer(NegotiationPolicy policy, String requestHex) {
        ConfigureRequest request = (ConfigureRequest) ControlPacketCodec.decode(policy.protocol(),
                Unpooled.wrappedBuffer(HexFormat.of().parseHex(requestHex)));
        return hex(policy.judgePeerRequest(request.options()).reply(request.identifier(), request.options(), false));
    }

    static String hex(ControlPacket packet) {
        ByteBuf out = Unpooled.buffer();
        ControlPacketCodec.encode(packet, out);
        String hex = ByteBufUtil.hexDump(out);
        out.release();
        return hex;
    }
}
