package net.pptpgw.concentrator.data;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SendWindowTest {

    @Test
    void theWindowClosesAtThePeersReceiveWindowSizeAndAnAckReopensIt() {
        SendWindow window = new SendWindow(3);
        assertThat(window.take()).isEqualTo(0);
        assertThat(window.take()).isEqualTo(1);
        assertThat(window.take()).isEqualTo(2);
        assertThat(window.outstanding()).isEqualTo(3);
        assertThat(window.isOpen()).isFalse();
        assertThat(window.acknowledge(1)).isTrue();
        assertThat(window.outstanding()).isEqualTo(1);
        assertThat(window.isOpen()).isTrue();
        assertThat(window.take()).isEqualTo(3);
    }

    @Test
    void staleAndUnsentAcknowledgmentsChangeNothing() {
        SendWindow window = new SendWindow(8);
        assertThat(window.acknowledge(0)).as("nothing sent yet").isFalse();
        window.take();
        window.take();
        assertThat(window.acknowledge(5)).as("beyond what we sent").isFalse();
        assertThat(window.acknowledge(0)).isTrue();
        assertThat(window.acknowledge(0)).as("repeated").isFalse();
        assertThat(window.acknowledge(0xFFFF_FFFFL)).as("before").isFalse();
        assertThat(window.lastAcknowledged()).isEqualTo(0);
        assertThat(window.outstanding()).isEqualTo(1);
    }

    @Test
    void sequenceNumbersAndAcknowledgmentsWrapAt2To32() {
        SendWindow window = new SendWindow(4, 0xFFFF_FFFEL);
        assertThat(window.take()).isEqualTo(0xFFFF_FFFEL);
        assertThat(window.take()).isEqualTo(0xFFFF_FFFFL);
        assertThat(window.take()).isEqualTo(0);
        assertThat(window.take()).isEqualTo(1);
        assertThat(window.isOpen()).isFalse();
        assertThat(window.acknowledge(0)).isTrue();
        assertThat(window.outstanding()).isEqualTo(1);
        assertThat(window.nextSequence()).isEqualTo(2);
    }

    @Test
    void aZeroWindowFallsBackInsteadOfStallingTheCall() {
        assertThat(new SendWindow(0).peerWindow()).isEqualTo(SendWindow.FALLBACK_WINDOW);
    }
}
