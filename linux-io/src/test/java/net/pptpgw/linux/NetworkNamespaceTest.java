package net.pptpgw.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class NetworkNamespaceTest {

    private final TestNamespaces namespaces = new TestNamespaces();

    @BeforeEach
    void requireRoot() {
        TestNamespaces.requireRoot();
    }

    @AfterEach
    void tearDown() throws IOException {
        namespaces.close();
    }

    @Test
    void tasksRunInsideTheNamespace() throws Exception {
        String name = namespaces.create("ns");
        IpCommand.inNamespace(name).run("link", "add", "pg-only-here", "type", "veth", "peer", "name", "pg-peer");
        String outside = Files.readSymbolicLink(Path.of("/proc/thread-self/ns/net")).toString();
        try (NetworkNamespace inside = NetworkNamespace.enter(name)) {
            assertThat(inside.call(() -> Libc.ifNameToIndex("pg-only-here"))).isPositive();
            assertThat(inside.call(() -> Files.readSymbolicLink(Path.of("/proc/thread-self/ns/net")).toString()))
                    .isNotEqualTo(outside);
            assertThat(inside.call(() -> Thread.currentThread().isVirtual())).isFalse();
        }
        assertThatThrownBy(() -> Libc.ifNameToIndex("pg-only-here")).isInstanceOf(ErrnoException.class);
    }

    @Test
    void aFailingTaskDoesNotEndTheThread() throws Exception {
        String name = namespaces.create("ns");
        try (NetworkNamespace inside = NetworkNamespace.enter(name)) {
            inside.execute(() -> {
                throw new IllegalStateException("expected by the test");
            });
            assertThatThrownBy(() -> inside.call(() -> {
                throw new IOException("from the task");
            })).isInstanceOf(IOException.class).hasMessage("from the task");
            assertThat(inside.submit(() -> Libc.ifNameToIndex("lo")).get(5, TimeUnit.SECONDS)).isPositive();
        }
    }

    @Test
    void closedThreadRefusesTasks() throws Exception {
        String name = namespaces.create("ns");
        NetworkNamespace inside = NetworkNamespace.enter(name);
        inside.close();
        assertThatThrownBy(() -> inside.execute(() -> {})).isInstanceOf(RejectedExecutionException.class);
    }

    @Test
    void missingNamespaceFailsWithTheCallAndPath() {
        assertThatThrownBy(() -> NetworkNamespace.enter("pg-io-does-not-exist"))
                .isInstanceOf(ErrnoException.class)
                .hasMessage("open(/var/run/netns/pg-io-does-not-exist): No such file or directory (ENOENT)");
        assertThatThrownBy(() -> NetworkNamespace.enter("../etc")).isInstanceOf(IllegalArgumentException.class);
    }
}
