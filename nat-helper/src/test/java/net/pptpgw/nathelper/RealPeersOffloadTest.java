package net.pptpgw.nathelper;

/**
 * {@link RealPeersTest} with {@code --kernel-offload}: the same clients on one call ID, the same
 * forged GRE (wrong source, unknown call ID) reaching no client, and in addition each call's
 * elements in the helper's nftables table, the kernel forwarding GRE both ways, and a closed
 * control connection taking its elements out at once.
 */
class RealPeersOffloadTest extends RealPeersTest {

    @Override
    boolean kernelOffload() {
        return true;
    }
}
