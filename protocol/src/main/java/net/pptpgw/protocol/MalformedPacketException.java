package net.pptpgw.protocol;

import io.netty.handler.codec.CorruptedFrameException;

/**
 * The one error every decoder in this module throws for bad input.
 *
 * <p>A PPTP port on the internet receives garbage; decoders must reject it with a typed error
 * that names the protocol layer and a short, stable reason (used as a metric label and in log
 * lines), never with an {@code IndexOutOfBoundsException} or similar. The stack trace is not
 * filled in: a flood of bad packets must not become a flood of stack walks.
 */
public final class MalformedPacketException extends CorruptedFrameException {

    private final String protocol;
    private final String reason;

    /**
     * @param protocol the layer that rejected the input, e.g. {@code "pptp"}, {@code "gre"}, {@code "lcp"}
     * @param reason a short kebab-case token, stable across releases, e.g. {@code "bad-magic-cookie"}
     * @param detail a human-readable explanation with the offending values
     */
    public MalformedPacketException(String protocol, String reason, String detail) {
        super(protocol + " " + reason + ": " + detail);
        this.protocol = protocol;
        this.reason = reason;
    }

    public String protocol() {
        return protocol;
    }

    public String reason() {
        return reason;
    }

    @Override
    public synchronized Throwable fillInStackTrace() {
        return this;
    }
}
