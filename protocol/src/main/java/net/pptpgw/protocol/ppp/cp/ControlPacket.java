package net.pptpgw.protocol.ppp.cp;

import net.pptpgw.protocol.Octets;
import java.util.List;
import java.util.Objects;

/**
 * One LCP, IPCP or CCP packet: the PPP Information field of a frame whose Protocol field is
 * c021, 8021 or 80fd (RFC 1661 §5). Every packet has a Code, an Identifier and a Length; the
 * Length is implied by the content and written by {@link ControlPacketCodec#encode}.
 *
 * <p>A packet does not know which protocol carries it: the engine that sends it puts it in a
 * frame with the right Protocol field, and {@link ControlPacketCodec#decode} is told the
 * protocol because it decides which codes exist and what the options mean.
 */
public sealed interface ControlPacket {

    /** The Code octet, see {@link ControlCode}. */
    int code();

    /** The Identifier octet, 0..255, that matches a reply to its request. */
    int identifier();

    /** Configure-Request, -Ack, -Nak and -Reject carry a list of options (RFC 1661 §5.1-5.4). */
    sealed interface ConfigurePacket extends ControlPacket
            permits ConfigureRequest, ConfigureAck, ConfigureNak, ConfigureReject {
        /** The options in the order they appear on the wire, which RFC 1661 §5.2/§5.4 ask replies to keep. */
        List<ConfigurationOption> options();
    }

    /** Configure-Request (code 1, RFC 1661 §5.1): the options the sender wants to use for its receive side. */
    record ConfigureRequest(int identifier, List<ConfigurationOption> options) implements ConfigurePacket {
        public ConfigureRequest {
            checkOctet("identifier", identifier);
            options = List.copyOf(options);
        }

        @Override
        public int code() {
            return ControlCode.CONFIGURE_REQUEST;
        }
    }

    /** Configure-Ack (code 2, RFC 1661 §5.2): every option of the request, exactly as received. */
    record ConfigureAck(int identifier, List<ConfigurationOption> options) implements ConfigurePacket {
        public ConfigureAck {
            checkOctet("identifier", identifier);
            options = List.copyOf(options);
        }

        @Override
        public int code() {
            return ControlCode.CONFIGURE_ACK;
        }
    }

    /** Configure-Nak (code 3, RFC 1661 §5.3): acceptable values for options whose requested value was not. */
    record ConfigureNak(int identifier, List<ConfigurationOption> options) implements ConfigurePacket {
        public ConfigureNak {
            checkOctet("identifier", identifier);
            options = List.copyOf(options);
        }

        @Override
        public int code() {
            return ControlCode.CONFIGURE_NAK;
        }
    }

    /** Configure-Reject (code 4, RFC 1661 §5.4): the unrecognizable or unacceptable options, unmodified. */
    record ConfigureReject(int identifier, List<ConfigurationOption> options) implements ConfigurePacket {
        public ConfigureReject {
            checkOctet("identifier", identifier);
            options = List.copyOf(options);
        }

        @Override
        public int code() {
            return ControlCode.CONFIGURE_REJECT;
        }
    }

    /** Terminate-Request (code 5, RFC 1661 §5.5); the data is for the sender's own use. */
    record TerminateRequest(int identifier, Octets data) implements ControlPacket {
        public TerminateRequest {
            checkOctet("identifier", identifier);
            Objects.requireNonNull(data, "data");
        }

        @Override
        public int code() {
            return ControlCode.TERMINATE_REQUEST;
        }
    }

    /** Terminate-Ack (code 6, RFC 1661 §5.5). */
    record TerminateAck(int identifier, Octets data) implements ControlPacket {
        public TerminateAck {
            checkOctet("identifier", identifier);
            Objects.requireNonNull(data, "data");
        }

        @Override
        public int code() {
            return ControlCode.TERMINATE_ACK;
        }
    }

    /**
     * Code-Reject (code 7, RFC 1661 §5.6): the Information field of the packet whose code was not
     * understood, starting with its Code octet, truncated by the sender to fit its peer's MRU.
     */
    record CodeReject(int identifier, Octets rejectedPacket) implements ControlPacket {
        public CodeReject {
            checkOctet("identifier", identifier);
            Objects.requireNonNull(rejectedPacket, "rejectedPacket");
        }

        @Override
        public int code() {
            return ControlCode.CODE_REJECT;
        }
    }

    /**
     * Protocol-Reject (code 8, LCP only, RFC 1661 §5.7): the PPP Protocol field of the frame that
     * was not understood, and the start of that frame's Information field.
     */
    record ProtocolReject(int identifier, int rejectedProtocol, Octets rejectedInformation) implements ControlPacket {
        public ProtocolReject {
            checkOctet("identifier", identifier);
            FieldChecks.checkUnsigned("rejectedProtocol", rejectedProtocol, 0xffff);
            Objects.requireNonNull(rejectedInformation, "rejectedInformation");
        }

        @Override
        public int code() {
            return ControlCode.PROTOCOL_REJECT;
        }
    }

    /** Echo-Request, Echo-Reply and Discard-Request (LCP only, RFC 1661 §5.8) carry a Magic-Number and data. */
    sealed interface MagicNumberPacket extends ControlPacket permits EchoRequest, EchoReply, DiscardRequest {
        /** The sender's Magic-Number, or 0 when none was negotiated; detects looped-back links. */
        int magicNumber();

        Octets data();
    }

    /** Echo-Request (code 9, LCP only, RFC 1661 §5.8): the link keep-alive. */
    record EchoRequest(int identifier, int magicNumber, Octets data) implements MagicNumberPacket {
        public EchoRequest {
            checkOctet("identifier", identifier);
            Objects.requireNonNull(data, "data");
        }

        @Override
        public int code() {
            return ControlCode.ECHO_REQUEST;
        }
    }

    /** Echo-Reply (code 10, LCP only, RFC 1661 §5.8): the request's data, with the replier's own Magic-Number. */
    record EchoReply(int identifier, int magicNumber, Octets data) implements MagicNumberPacket {
        public EchoReply {
            checkOctet("identifier", identifier);
            Objects.requireNonNull(data, "data");
        }

        @Override
        public int code() {
            return ControlCode.ECHO_REPLY;
        }
    }

    /** Discard-Request (code 11, LCP only, RFC 1661 §5.9): silently discarded by the receiver. */
    record DiscardRequest(int identifier, int magicNumber, Octets data) implements MagicNumberPacket {
        public DiscardRequest {
            checkOctet("identifier", identifier);
            Objects.requireNonNull(data, "data");
        }

        @Override
        public int code() {
            return ControlCode.DISCARD_REQUEST;
        }
    }

    /**
     * Identification (code 12, LCP only, RFC 1570 §1.1): a human-readable message about the
     * sender; Windows sends its name and version here. The message must not affect the protocol.
     */
    record Identification(int identifier, int magicNumber, Octets message) implements ControlPacket {
        public Identification {
            checkOctet("identifier", identifier);
            Objects.requireNonNull(message, "message");
        }

        @Override
        public int code() {
            return ControlCode.IDENTIFICATION;
        }
    }

    /**
     * Time-Remaining (code 13, LCP only, RFC 1570 §1.2): how long the link may stay up, as an
     * unsigned 32-bit count of seconds, plus an optional human-readable message.
     */
    record TimeRemaining(int identifier, int magicNumber, long secondsRemaining, Octets message)
            implements ControlPacket {
        public TimeRemaining {
            checkOctet("identifier", identifier);
            FieldChecks.checkUnsigned("secondsRemaining", secondsRemaining, 0xffff_ffffL);
            Objects.requireNonNull(message, "message");
        }

        @Override
        public int code() {
            return ControlCode.TIME_REMAINING;
        }
    }

    /**
     * Reset-Request (code 14, CCP only, RFC 1962 §5): the receiver lost decompression or
     * decryption sync; with MPPE it makes the peer set the flushed bit (RFC 3078).
     */
    record ResetRequest(int identifier, Octets data) implements ControlPacket {
        public ResetRequest {
            checkOctet("identifier", identifier);
            Objects.requireNonNull(data, "data");
        }

        @Override
        public int code() {
            return ControlCode.RESET_REQUEST;
        }
    }

    /** Reset-Ack (code 15, CCP only, RFC 1962 §5). */
    record ResetAck(int identifier, Octets data) implements ControlPacket {
        public ResetAck {
            checkOctet("identifier", identifier);
            Objects.requireNonNull(data, "data");
        }

        @Override
        public int code() {
            return ControlCode.RESET_ACK;
        }
    }

    /**
     * A packet whose code its protocol does not define, kept intact: RFC 1661 §5.6 has the
     * receiver answer with a Code-Reject that quotes it, starting at its Code octet.
     */
    record UnknownCode(int code, int identifier, Octets data) implements ControlPacket {
        public UnknownCode {
            checkOctet("code", code);
            checkOctet("identifier", identifier);
            Objects.requireNonNull(data, "data");
        }
    }

    private static void checkOctet(String field, int value) {
        FieldChecks.checkUnsigned(field, value, 0xff);
    }
}
