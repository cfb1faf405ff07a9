package net.pptpgw.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class IpCommandTest {

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
    void configuresAnInterfaceInTheNamedNamespace() throws Exception {
        String name = namespaces.create("ip");
        IpCommand ip = IpCommand.inNamespace(name);
        ip.run("link", "add", "pg-veth", "type", "veth", "peer", "name", "pg-veth-peer");
        ip.setMtu("pg-veth", 1400);
        ip.addAddress("pg-veth", "10.203.0.1/24");
        ip.linkUp("pg-veth");
        ip.addRoute("10.204.0.0/16", "pg-veth");

        assertThat(ip.run("address", "show", "dev", "pg-veth")).contains("mtu 1400").contains("inet 10.203.0.1/24");
        assertThat(ip.run("route", "show")).contains("10.204.0.0/16 dev pg-veth");
        assertThat(ip).hasToString("ip -n " + name);
    }

    @Test
    void failureCarriesTheCommandAndItsStandardError() throws Exception {
        String name = namespaces.create("ip");
        assertThatThrownBy(() -> IpCommand.inNamespace(name).linkUp("pg-missing0"))
                .isInstanceOf(IOException.class)
                .hasMessageStartingWith("`ip -n " + name + " link set dev pg-missing0 up` failed (exit 1): ")
                .hasMessageContaining("pg-missing0");
    }
}
