package net.pptpgw.linux;

import java.io.IOException;

/**
 * A Linux system call failed: the message names the call, its arguments and the error, for
 * example {@code ioctl(TUNSETIFF, tun0): Operation not permitted (EPERM)}.
 *
 * <p>{@link #errno()} keeps the number so that callers can react to one error (EBUSY, ENOENT)
 * without parsing text.
 */
public final class ErrnoException extends IOException {

    private final int errno;

    /** {@code call} is the call as the reader should see it, e.g. {@code "setns(/var/run/netns/a, CLONE_NEWNET)"}. */
    public ErrnoException(String call, int errno) {
        super(call + ": " + Libc.describeErrno(errno));
        this.errno = errno;
    }

    /** The {@code errno} value the call left, as defined in {@code <asm-generic/errno-base.h>}. */
    public int errno() {
        return errno;
    }
}
