package net.pptpgw.protocol.ppp.cp;

import net.pptpgw.protocol.Octets;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.pptpgw.protocol.ppp.ccp.CcpOption;
import net.pptpgw.protocol.ppp.ccp.MppeSupportedBits;
import net.pptpgw.protocol.ppp.cp.ControlPacket.CodeReject;
import net.pptpgw.protocol.ppp.cp.ControlPacket.ConfigureAck;
import net.pptpgw.protocol.ppp.cp.ControlPacket.ConfigureNak;
import net.pptpgw.protocol.ppp.cp.ControlPacket.ConfigureReject;
import net.pptpgw.protocol.ppp.cp.ControlPacket.ConfigureRequest;
import net.pptpgw.protocol.ppp.cp.ControlPacket.DiscardRequest;
import net.pptpgw.protocol.ppp.cp.ControlPacket.EchoReply;
import net.pptpgw.protocol.ppp.cp.ControlPacket.EchoRequest;
import net.pptpgw.protocol.ppp.cp.ControlPacket.Identification;
import net.pptpgw.protocol.ppp.cp.ControlPacket.ProtocolReject;
import net.pptpgw.protocol.ppp.cp.ControlPacket.ResetAck;
import net.pptpgw.protocol.ppp.cp.ControlPacket.ResetRequest;
import net.pptpgw.protocol.ppp.cp.ControlPacket.TerminateAck;
import net.pptpgw.protocol.ppp.cp.ControlPacket.TerminateRequest;
import net.pptpgw.protocol.ppp.cp.ControlPacket.TimeRemaining;
import net.pptpgw.protocol.ppp.cp.ControlPacket.UnknownCode;
import net.pptpgw.protocol.ppp.ipcp.IpcpOption;
import net.pptpgw.protocol.ppp.ipcp.IpcpOptionType;
import net.pptpgw.protocol.ppp.lcp.LcpOption;
import net.pptpgw.protocol.ppp.lcp.LcpOptionType;

/**
 * Round trips: every packet kind and every option, built from arbitrary field values, encodes
 * to octets that decode back to an equal value and re-encode to the same octets.
 */
class ControlPacketPropertiesTest {

    /** Option types that decode to a typed record when their Data has the RFC form. */
    private static final Set<Integer> TYPED_LCP = Set.of(1, 2, 3, 4, 5, 7, 8, 13, 17, 19);
    private static final Set<Integer> TYPED_IPCP = Set.of(1, 2, 3, 129, 130, 131, 132);

    // ---- packets -------------------------------------------------------------------------

    @Property
    void configureRequest(@ForAll("kindAndOptions") KindAndOptions ko, @ForAll @IntRange(max = 255) int id) {
        roundTrip(ko.kind(), new ConfigureRequest(id, ko.options()));
    }

    @Property
    void configureAck(@ForAll("kindAndOptions") KindAndOptions ko, @ForAll @IntRange(max = 255) int id) {
        roundTrip(ko.kind(), new ConfigureAck(id, ko.options()));
    }

    @Property
    void configureNak(@ForAll("kindAndOptions") KindAndOptions ko, @ForAll @IntRange(max = 255) int id) {
        roundTrip(ko.kind(), new ConfigureNak(id, ko.options()));
    }

    @Property
    void configureReject(@ForAll("kindAndOptions") KindAndOptions ko, @ForAll @IntRange(max = 255) int id) {
        roundTrip(ko.kind(), new ConfigureReject(id, ko.options()));
    }

    @Property
    void terminateRequest(@ForAll ProtocolKind kind, @ForAll @IntRange(max = 255) int id, @ForAll("data") Octets data) {
        roundTrip(kind, new TerminateRequest(id, data));
    }

    @Property
    void terminateAck(@ForAll ProtocolKind kind, @ForAll @IntRange(max = 255) int id, @ForAll("data") Octets data) {
        roundTrip(kind, new TerminateAck(id, data));
    }

    @Property
    void codeReject(@ForAll ProtocolKind kind, @ForAll @IntRange(max = 255) int id, @ForAll("data") Octets rejected) {
        roundTrip(kind, new CodeReject(id, rejected));
    }

    @Property
    void protocolReject(@ForAll @IntRange(max = 255) int id, @ForAll @IntRange(max = 0xffff) int protocol,
            @ForAll("data") Octets information) {
        roundTrip(ProtocolKind.LCP, new ProtocolReject(id, protocol, information));
    }

    @Property
    void echoRequest(@ForAll @IntRange(max = 255) int id, @ForAll int magic, @ForAll("data") Octets data) {
        roundTrip(ProtocolKind.LCP, new EchoRequest(id, magic, data));
    }

    @Property
    void echoReply(@ForAll @IntRange(max = 255) int id, @ForAll int magic, @ForAll("data") Octets data) {
        roundTrip(ProtocolKind.LCP, new EchoReply(id, magic, data));
    }

    @Property
    void discardRequest(@ForAll @IntRange(max = 255) int id, @ForAll int magic, @ForAll("data") Octets data) {
        roundTrip(ProtocolKind.LCP, new DiscardRequest(id, magic, data));
    }

    @Property
    void identification(@ForAll @IntRange(max = 255) int id, @ForAll int magic, @ForAll("data") Octets message) {
        roundTrip(ProtocolKind.LCP, new Identification(id, magic, message));
    }

    @Property
    void timeRemaining(@ForAll @IntRange(max = 255) int id, @ForAll int magic,
            @ForAll @LongRange(max = 0xffff_ffffL) long seconds, @ForAll("data") Octets message) {
        roundTrip(ProtocolKind.LCP, new TimeRemaining(id, magic, seconds, message));
    }

    @Property
    void resetRequest(@ForAll @IntRange(max = 255) int id, @ForAll("data") Octets data) {
        roundTrip(ProtocolKind.CCP, new ResetRequest(id, data));
    }

    @Property
    void resetAck(@ForAll @IntRange(max = 255) int id, @ForAll("data") Octets data) {
        roundTrip(ProtocolKind.CCP, new ResetAck(id, data));
    }

    @Property
    void unknownCode(@ForAll ProtocolKind kind, @ForAll @IntRange(max = 255) int code,
            @ForAll @IntRange(max = 255) int id, @ForAll("data") Octets data) {
        if (!kind.usesCode(code)) {
            roundTrip(kind, new UnknownCode(code, id, data));
        }
    }

    /** Any well-formed option list, known types or not, right sizes or not, re-encodes octet for octet. */
    @Property
    void anyOptionOctetsReencodeUnchanged(@ForAll ProtocolKind kind, @ForAll("tlvs") List<byte[]> options) {
        ByteBuf packet = Unpooled.buffer();
        packet.writeByte(ControlCode.CONFIGURE_REJECT).writeByte(9).writeShort(0);
        options.forEach(packet::writeBytes);
        packet.setShort(2, packet.readableBytes());
        byte[] octets = ByteBufUtil.getBytes(packet);
        ByteBuf out = Unpooled.buffer();
        ControlPacketCodec.encode(ControlPacketCodec.decode(kind, packet), out);
        assertThat(ByteBufUtil.getBytes(out)).isEqualTo(octets);
    }

    // ---- LCP options ---------------------------------------------------------------------

    @Property
    void maximumReceiveUnit(@ForAll @IntRange(max = 0xffff) int mru) {
        optionRoundTrip(ProtocolKind.LCP, new LcpOption.MaximumReceiveUnit(mru));
    }

    @Property
    void asyncControlCharacterMap(@ForAll int map) {
        optionRoundTrip(ProtocolKind.LCP, new LcpOption.AsyncControlCharacterMap(map));
    }

    @Property
    void authenticationProtocol(@ForAll @IntRange(max = 0xffff) int protocol, @ForAll("optionData251") Octets data) {
        optionRoundTrip(ProtocolKind.LCP, new LcpOption.AuthenticationProtocol(protocol, data));
    }

    @Property
    void qualityProtocol(@ForAll @IntRange(max = 0xffff) int protocol, @ForAll("optionData251") Octets data) {
        optionRoundTrip(ProtocolKind.LCP, new LcpOption.QualityProtocol(protocol, data));
    }

    @Property
    void magicNumber(@ForAll int magic) {
        optionRoundTrip(ProtocolKind.LCP, new LcpOption.MagicNumber(magic));
    }

    @Example
    void fieldCompressions() {
        optionRoundTrip(ProtocolKind.LCP, new LcpOption.ProtocolFieldCompression());
        optionRoundTrip(ProtocolKind.LCP, new LcpOption.AddressControlFieldCompression());
    }

    @Property
    void callback(@ForAll @IntRange(max = 255) int operation, @ForAll("optionData252") Octets message) {
        optionRoundTrip(ProtocolKind.LCP, new LcpOption.Callback(operation, message));
    }

    @Property
    void multilinkMrru(@ForAll @IntRange(max = 0xffff) int mrru) {
        optionRoundTrip(ProtocolKind.LCP, new LcpOption.MultilinkMrru(mrru));
    }

    @Property
    void endpointDiscriminator(@ForAll @IntRange(max = 255) int endpointClass, @ForAll("optionData252") Octets address) {
        optionRoundTrip(ProtocolKind.LCP, new LcpOption.EndpointDiscriminator(endpointClass, address));
    }

    @Property
    void lcpRaw(@ForAll @IntRange(max = 255) int type, @ForAll("optionData253") Octets data) {
        if (!TYPED_LCP.contains(type)) {
            optionRoundTrip(ProtocolKind.LCP, new LcpOption.Raw(type, data));
        }
    }

    // ---- IPCP options --------------------------------------------------------------------

    @Property
    void ipAddresses(@ForAll("addresses") Inet4Address source, @ForAll("addresses") Inet4Address destination) {
        optionRoundTrip(ProtocolKind.IPCP, new IpcpOption.IpAddresses(source, destination));
    }

    @Property
    void vanJacobsonCompression(@ForAll @IntRange(max = 255) int maxSlotId, @ForAll boolean compressSlotId) {
        optionRoundTrip(ProtocolKind.IPCP, new IpcpOption.VanJacobsonCompression(maxSlotId, compressSlotId));
    }

    @Property
    void ipCompressionProtocol(@ForAll @IntRange(max = 0xffff) int protocol, @ForAll("optionData251") Octets data) {
        boolean vanJacobsonForm = protocol == 0x002d && data.length() == 2 && data.get(1) <= 1;
        if (!vanJacobsonForm) {
            optionRoundTrip(ProtocolKind.IPCP, new IpcpOption.IpCompressionProtocol(protocol, data));
        }
    }

    @Property
    void ipAddress(@ForAll("addresses") Inet4Address address) {
        optionRoundTrip(ProtocolKind.IPCP, new IpcpOption.IpAddress(address));
    }

    @Property
    void nameServers(@ForAll("addresses") Inet4Address address) {
        optionRoundTrip(ProtocolKind.IPCP, new IpcpOption.PrimaryDnsServer(address));
        optionRoundTrip(ProtocolKind.IPCP, new IpcpOption.PrimaryNbnsServer(address));
        optionRoundTrip(ProtocolKind.IPCP, new IpcpOption.SecondaryDnsServer(address));
        optionRoundTrip(ProtocolKind.IPCP, new IpcpOption.SecondaryNbnsServer(address));
    }

    @Property
    void ipcpRaw(@ForAll @IntRange(max = 255) int type, @ForAll("optionData253") Octets data) {
        if (!TYPED_IPCP.contains(type)) {
            optionRoundTrip(ProtocolKind.IPCP, new IpcpOption.Raw(type, data));
        }
    }

    // ---- CCP options ---------------------------------------------------------------------

    @Property
    void mppe(@ForAll int bits) {
        optionRoundTrip(ProtocolKind.CCP, new CcpOption.Mppe(new MppeSupportedBits(bits)));
    }

    @Property
    void ccpRaw(@ForAll @IntRange(max = 255) int type, @ForAll("optionData253") Octets data) {
        if (type != 18 || data.length() != 4) {
            optionRoundTrip(ProtocolKind.CCP, new CcpOption.Raw(type, data));
        }
    }

    // ---- helpers and generators ----------------------------------------------------------

    private static void roundTrip(ProtocolKind kind, ControlPacket packet) {
        ByteBuf out = Unpooled.buffer();
        ControlPacketCodec.encode(packet, out);
        byte[] octets = ByteBufUtil.getBytes(out);
        ControlPacket decoded = ControlPacketCodec.decode(kind, out);
        assertThat(decoded).isEqualTo(packet);
        ByteBuf again = Unpooled.buffer();
        ControlPacketCodec.encode(decoded, again);
        assertThat(ByteBufUtil.getBytes(again)).isEqualTo(octets);
    }

    private static void optionRoundTrip(ProtocolKind kind, ConfigurationOption option) {
        roundTrip(kind, new ConfigureRequest(1, List.of(option)));
    }

    record KindAndOptions(ProtocolKind kind, List<ConfigurationOption> options) {}

    @Provide
    Arbitrary<KindAndOptions> kindAndOptions() {
        return Arbitraries.of(ProtocolKind.class).flatMap(kind -> options(kind).list().ofMaxSize(8)
                .map(options -> new KindAndOptions(kind, options)));
    }

    private Arbitrary<ConfigurationOption> options(ProtocolKind kind) {
        Arbitrary<Integer> u8 = Arbitraries.integers().between(0, 255);
        Arbitrary<Integer> u16 = Arbitraries.integers().between(0, 0xffff);
        Arbitrary<Integer> u32 = Arbitraries.integers();
        return switch (kind) {
            case LCP -> Arbitraries.oneOf(
                    u16.map(LcpOption.MaximumReceiveUnit::new),
                    u32.map(LcpOption.AsyncControlCharacterMap::new),
                    Combinators.combine(u16, optionData(251)).as(LcpOption.AuthenticationProtocol::new),
                    Combinators.combine(u16, optionData(251)).as(LcpOption.QualityProtocol::new),
                    u32.map(LcpOption.MagicNumber::new),
                    Arbitraries.just(new LcpOption.ProtocolFieldCompression()),
                    Arbitraries.just(new LcpOption.AddressControlFieldCompression()),
                    Combinators.combine(u8, optionData(252)).as(LcpOption.Callback::new),
                    u16.map(LcpOption.MultilinkMrru::new),
                    Combinators.combine(u8, optionData(252)).as(LcpOption.EndpointDiscriminator::new),
                    Combinators.combine(u8.filter(t -> !TYPED_LCP.contains(t)), optionData(253)).as(LcpOption.Raw::new));
            case IPCP -> Arbitraries.oneOf(
                    Combinators.combine(addresses(), addresses()).as(IpcpOption.IpAddresses::new),
                    Combinators.combine(u8, Arbitraries.of(true, false)).as(IpcpOption.VanJacobsonCompression::new),
                    Combinators.combine(u16.filter(p -> p != 0x002d), optionData(251)).as(IpcpOption.IpCompressionProtocol::new),
                    addresses().map(IpcpOption.IpAddress::new),
                    addresses().map(IpcpOption.PrimaryDnsServer::new),
                    addresses().map(IpcpOption.PrimaryNbnsServer::new),
                    addresses().map(IpcpOption.SecondaryDnsServer::new),
                    addresses().map(IpcpOption.SecondaryNbnsServer::new),
                    Combinators.combine(u8.filter(t -> !TYPED_IPCP.contains(t)), optionData(253)).as(IpcpOption.Raw::new));
            case CCP -> Arbitraries.oneOf(
                    u32.map(bits -> new CcpOption.Mppe(new MppeSupportedBits(bits))),
                    Combinators.combine(u8.filter(t -> t != 18), optionData(253)).as(CcpOption.Raw::new));
        };
    }

    @Provide
    Arbitrary<Inet4Address> addresses() {
        return Arbitraries.integers().map(ControlPacketPropertiesTest::toAddress);
    }

    private static Inet4Address toAddress(int value) {
        try {
            return (Inet4Address) InetAddress.getByAddress(
                    new byte[] {(byte) (value >>> 24), (byte) (value >>> 16), (byte) (value >>> 8), (byte) value});
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    @Provide
    Arbitrary<Octets> data() {
        return Arbitraries.bytes().array(byte[].class).ofMaxSize(600).map(Octets::of);
    }

    @Provide
    Arbitrary<Octets> optionData251() {
        return optionData(251);
    }

    @Provide
    Arbitrary<Octets> optionData252() {
        return optionData(252);
    }

    @Provide
    Arbitrary<Octets> optionData253() {
        return optionData(253);
    }

    private static Arbitrary<Octets> optionData(int maxLength) {
        return Arbitraries.bytes().array(byte[].class).ofMaxSize(maxLength).map(Octets::of);
    }

    /** Well-formed option TLVs with any type and any data, so also known types with the wrong size. */
    @Provide
    Arbitrary<List<byte[]>> tlvs() {
        Arbitrary<byte[]> tlv = Combinators.combine(Arbitraries.integers().between(0, 255),
                Arbitraries.bytes().array(byte[].class).ofMaxSize(12)).as((type, data) -> {
                    byte[] option = new byte[data.length + 2];
                    option[0] = (byte) (int) type;
                    option[1] = (byte) option.length;
                    System.arraycopy(data, 0, option, 2, data.length);
                    return option;
                });
        return tlv.list().ofMaxSize(10);
    }
}
