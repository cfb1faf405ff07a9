package net.pptpgw.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Errors come out named: the call, its arguments, the description and the errno's name. */
class LibcTest {

    @Test
    void errnoIsDescribedWithItsName() {
        assertThat(Libc.describeErrno(Libc.EPERM)).isEqualTo("Operation not permitted (EPERM)");
        assertThat(Libc.describeErrno(Libc.EAGAIN)).isEqualTo("Resource temporarily unavailable (EAGAIN)");
        assertThat(Libc.describeErrno(4095)).isEqualTo("errno 4095");
    }

    @Test
    void failedCallsThrowWithCallArgumentsAndErrno() {
        assertThatThrownBy(() -> Libc.open("/nonexistent/pptpgw", Libc.O_RDONLY, "/nonexistent/pptpgw"))
                .isInstanceOf(ErrnoException.class)
                .hasMessage("open(/nonexistent/pptpgw): No such file or directory (ENOENT)")
                .satisfies(e -> assertThat(((ErrnoException) e).errno()).isEqualTo(Libc.ENOENT));
        assertThatThrownBy(() -> Libc.ifNameToIndex("pg-no-such0"))
                .isInstanceOf(ErrnoException.class)
                .hasMessage("if_nametoindex(pg-no-such0): No such device (ENODEV)");
        assertThatThrownBy(() -> Libc.close(-1, "fd -1"))
                .hasMessage("close(fd -1): Bad file descriptor (EBADF)");
    }

    @Test
    void loopbackHasAnIndex() throws Exception {
        assertThat(Libc.ifNameToIndex("lo")).isPositive();
    }

    @Test
    void readAndWriteReturnMinusErrnoInsteadOfThrowing() {
        try (var arena = java.lang.foreign.Arena.ofConfined()) {
            var state = Libc.newCallState(arena);
            var buffer = arena.allocate(16);
            assertThat(Libc.read(-1, buffer.address(), 16, state)).isEqualTo(-9); // EBADF
            assertThat(Libc.write(-1, buffer.address(), 16, state)).isEqualTo(-9);
        }
    }
}
