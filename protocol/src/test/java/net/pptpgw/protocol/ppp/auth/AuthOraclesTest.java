package net.pptpgw.protocol.ppp.auth;

import net.pptpgw.protocol.Octets;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import net.pptpgw.protocol.ppp.auth.ChapPacket.Challenge;
import net.pptpgw.protocol.ppp.auth.ChapPacket.Failure;
import net.pptpgw.protocol.ppp.auth.ChapPacket.Response;
import net.pptpgw.protocol.ppp.auth.ChapPacket.Success;
import net.pptpgw.protocol.ppp.auth.PapPacket.AuthenticateAck;
import net.pptpgw.protocol.ppp.auth.PapPacket.AuthenticateNak;
import net.pptpgw.protocol.ppp.auth.PapPacket.AuthenticateRequest;
import net.pptpgw.protocol.testing.Packets;
import net.pptpgw.protocol.testing.Scapy;
import net.pptpgw.protocol.testing.Tshark;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Independent judges: tshark decodes the PAP and CHAP packets the codecs write (inside PPP,
 * enhanced GRE and IPv4, as on the wire), and the codecs decode what scapy builds.
 */
class AuthOraclesTest {

    static final byte[] CLIENT = Packets.address(192, 0, 2, 10);
    static final byte[] SERVER = Packets.address(192, 0, 2, 1);
    static final byte[] AUTHENTICATOR_CHALLENGE = MsChapV2Test.AUTHENTICATOR_CHALLENGE;

    @TempDir
    Path dir;

    @Test
    void tsharkDecodesEveryPapPacket() {
        List<PapPacket> packets = List.of(
                new AuthenticateRequest(1, Octets.utf8("bob"), Octets.utf8("s3cret")),
                new AuthenticateAck(1, Octets.utf8("Login ok")),
                new AuthenticateNak(2, Octets.utf8("Login incorrect")));
        Path pcap = writePcap(PapPacket.PPP_PROTOCOL, packets, PapCodec::encode);

        var rows = Tshark.fields(pcap, "ppp.protocol", "pap.code", "pap.identifier", "pap.length",
                "pap.peer_id", "pap.password", "pap.message");
        assertThat(rows).as(Tshark.verbose(pcap)).hasSize(3);
        assertThat(rows.get(0)).containsEntry("ppp.protocol", "0xc023").containsEntry("pap.code", "1")
                .containsEntry("pap.identifier", "1").containsEntry("pap.length", "15")
                .containsEntry("pap.peer_id", "bob").containsEntry("pap.password", "s3cret");
        assertThat(rows.get(1)).containsEntry("pap.code", "2").containsEntry("pap.message", "Login ok");
        assertThat(rows.get(2)).containsEntry("pap.code", "3").containsEntry("pap.identifier", "2")
                .containsEntry("pap.message", "Login incorrect");
        assertThat(Tshark.problems(pcap)).as(Tshark.verbose(pcap)).isEmpty();
    }

    @Test
    void tsharkDecodesChapMd5AndMsChapV2Packets() {
        byte[] md5Challenge = HexFormat.of().parseHex("00112233445566778899aabbccddeeff");
        byte[] md5Response = ChapMd5.response(7, "secret".getBytes(StandardCharsets.US_ASCII), md5Challenge);
        byte[] userName = MsChapV2Test.USER_NAME;
        byte[] ntResponse = MsChapV2.generateNtResponse(AUTHENTICATOR_CHALLENGE, MsChapV2Test.PEER_CHALLENGE,
                userName, MsChapV2Test.PASSWORD);
        byte[] authenticatorResponse = MsChapV2.generateAuthenticatorResponse(MsChapV2Test.PASSWORD, ntResponse,
                MsChapV2Test.PEER_CHALLENGE, AUTHENTICATOR_CHALLENGE, userName);
        List<ChapPacket> packets = List.of(
                new Challenge(7, Octets.of(md5Challenge), Octets.utf8("gateway")),
                new Response(7, Octets.of(md5Response), Octets.utf8("bob")),
                new Success(7, Octets.utf8("Welcome")),
                new Failure(7, Octets.utf8("Access denied")),
                new Challenge(8, Octets.of(AUTHENTICATOR_CHALLENGE), Octets.utf8("gateway")),
                new Response(8, MsChapV2Response.of(MsChapV2Test.PEER_CHALLENGE, ntResponse).toValue(),
                        Octets.of(userName)),
                new Success(8, MsChapSuccess.of(authenticatorResponse, "Access granted").format()),
                new Failure(9, MsChapFailure.msChapV2(MsChapError.AUTHENTICATION_FAILURE, true,
                        AUTHENTICATOR_CHALLENGE, "Authentication failed").format()));
        Path pcap = writePcap(ChapPacket.PPP_PROTOCOL, packets, ChapCodec::encode);

        var rows = Tshark.fields(pcap, "ppp.protocol", "chap.code", "chap.identifier", "chap.length",
                "chap.value_size", "chap.value", "chap.name", "chap.message");
        assertThat(rows).as(Tshark.verbose(pcap)).hasSize(8);
        assertThat(rows.get(0)).containsEntry("ppp.protocol", "0xc223").containsEntry("chap.code", "1")
                .containsEntry("chap.identifier", "7").containsEntry("chap.value_size", "16")
                .containsEntry("chap.value", "00112233445566778899aabbccddeeff").containsEntry("chap.name", "gateway");
        assertThat(rows.get(1)).containsEntry("chap.code", "2").containsEntry("chap.value", hex(md5Response))
                .containsEntry("chap.name", "bob");
        assertThat(rows.get(2)).containsEntry("chap.code", "3").containsEntry("chap.message", "Welcome");
        assertThat(rows.get(3)).containsEntry("chap.code", "4").containsEntry("chap.message", "Access denied");
        assertThat(rows.get(4)).containsEntry("chap.code", "1").containsEntry("chap.value_size", "16")
                .containsEntry("chap.value", hex(AUTHENTICATOR_CHALLENGE));
        assertThat(rows.get(5)).containsEntry("chap.code", "2").containsEntry("chap.length", "58")
                .containsEntry("chap.value_size", "49").containsEntry("chap.name", "User");
        assertThat(rows.get(5).get("chap.value")).contains(hex(ntResponse));
        assertThat(rows.get(6)).containsEntry("chap.code", "3")
                .containsEntry("chap.message", "S=407A5589115FD0D6209F510FE9C04566932CDA56 M=Access granted");
        assertThat(rows.get(7)).containsEntry("chap.code", "4").containsEntry("chap.message",
                "E=691 R=1 C=5B5D7C7D7B3F2F3E3C2C602132262628 V=3 M=Authentication failed");
        assertThat(Tshark.problems(pcap)).as(Tshark.verbose(pcap)).isEmpty();
    }

    @Test
    void decodesPapPacketsScapyBuilds() {
        List<byte[]> built = Scapy.build(List.of(
                "PPP_PAP_Request(id=3, username=b'alice', password=b'pa ss')",
                "PPP_PAP_Response(code=2, id=3, message=b'Welcome')",
                "PPP_PAP_Response(code=3, id=4, message=b'')"));
        assertThat(PapCodec.decode(Unpooled.wrappedBuffer(built.get(0))))
                .isEqualTo(new AuthenticateRequest(3, Octets.utf8("alice"), Octets.utf8("pa ss")));
        assertThat(PapCodec.decode(Unpooled.wrappedBuffer(built.get(1))))
                .isEqualTo(new AuthenticateAck(3, Octets.utf8("Welcome")));
        assertThat(PapCodec.decode(Unpooled.wrappedBuffer(built.get(2))))
                .isEqualTo(new AuthenticateNak(4, Octets.EMPTY));
    }

    @Test
    void decodesChapPacketsScapyBuilds() {
        String peerChallenge = hex(MsChapV2Test.PEER_CHALLENGE);
        String ntResponse = hex(MsChapV2Test.NT_RESPONSE);
        List<byte[]> built = Scapy.build(List.of(
                "PPP_CHAP_ChallengeResponse(code=1, id=5, value=bytes.fromhex('" + hex(AUTHENTICATOR_CHALLENGE)
                        + "'), optional_name=b'gateway')",
                "PPP_CHAP_ChallengeResponse(code=2, id=5, value=bytes.fromhex('" + peerChallenge + "' + '00'*8 + '"
                        + ntResponse + "' + '00'), optional_name=b'User')",
                "PPP_CHAP(code=3, id=5, data=b'S=407A5589115FD0D6209F510FE9C04566932CDA56 M=Access granted')",
                "PPP_CHAP(code=4, id=6, data=b'E=691 R=0')"));

        assertThat(ChapCodec.decode(Unpooled.wrappedBuffer(built.get(0))))
                .isEqualTo(new Challenge(5, Octets.of(AUTHENTICATOR_CHALLENGE), Octets.utf8("gateway")));
        Response response = (Response) ChapCodec.decode(Unpooled.wrappedBuffer(built.get(1)));
        assertThat(response.identifier()).isEqualTo(5);
        assertThat(response.name()).isEqualTo(Octets.utf8("User"));
        assertThat(MsChapV2Response.parse(response.value()))
                .isEqualTo(MsChapV2Response.of(MsChapV2Test.PEER_CHALLENGE, MsChapV2Test.NT_RESPONSE));
        Success success = (Success) ChapCodec.decode(Unpooled.wrappedBuffer(built.get(2)));
        assertThat(MsChapSuccess.parse(success.message()))
                .isEqualTo(MsChapSuccess.of(HexFormat.of().parseHex("407A5589115FD0D6209F510FE9C04566932CDA56"),
                        "Access granted"));
        Failure failure = (Failure) ChapCodec.decode(Unpooled.wrappedBuffer(built.get(3)));
        assertThat(failure.identifier()).isEqualTo(6);
        assertThat(MsChapFailure.parse(failure.message()).error()).contains(MsChapError.AUTHENTICATION_FAILURE);
    }

    /** Each packet in a PPP frame with address and control (ff 03), in enhanced GRE, in IPv4. */
    private <P> Path writePcap(int pppProtocol, List<P> packets, java.util.function.BiConsumer<P, ByteBuf> encoder) {
        List<byte[]> frames = new ArrayList<>();
        long sequence = 0;
        for (P packet : packets) {
            ByteBuf ppp = Unpooled.buffer().writeByte(0xff).writeByte(0x03).writeShort(pppProtocol);
            encoder.accept(packet, ppp);
            byte[] gre = Packets.enhancedGre(0x1234, sequence++, null, ByteBufUtil.getBytes(ppp));
            frames.add(Packets.ipv4Gre(CLIENT, SERVER, gre));
        }
        return Tshark.writePcap(dir, frames);
    }

    private static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }
}
