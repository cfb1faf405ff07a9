package net.pptpgw.client.data;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;
import net.pptpgw.client.control.CallIdAllocator;
import net.pptpgw.concentrator.call.Call;
import net.pptpgw.concentrator.call.CallRegistry;
import net.pptpgw.concentrator.data.PppFrameHandler;
import net.pptpgw.concentrator.data.PppLink;
import net.pptpgw.concentrator.data.PppLinkFactory;

/**
 * The client's connected calls by OUR call ID, the key of every GRE packet the PAC sends us
 * (RFC 2637 §4.1): the {@link CallRegistry} the GRE data plane demultiplexes with. A
 * {@link Call} here is seen from the PNS: {@code callId} ours, {@code peerCallId} the PAC's,
 * {@code peerAddress} the PAC's. Beside each call, the factory that starts its PPP side when
 * the data plane opens its link. Any thread; two array slots per possible call ID.
 */
public final class ClientCallRegistry implements CallRegistry, PppLinkFactory {

    private final AtomicReferenceArray<Call> calls = new AtomicReferenceArray<>(CallIdAllocator.CALL_ID_SPACE);
    private final AtomicReferenceArray<PppLinkFactory> links =
            new AtomicReferenceArray<>(CallIdAllocator.CALL_ID_SPACE);
    private final AtomicInteger active = new AtomicInteger();

    /** Registers a connected call and what starts its PPP once its GRE link opens. */
    public void add(Call call, PppLinkFactory link) {
        links.set(call.callId(), link);
        if (calls.getAndSet(call.callId(), call) == null) {
            active.incrementAndGet();
        }
    }

    /** Removes the call if it is still the one registered under its ID. */
    public void remove(Call call) {
        if (calls.compareAndSet(call.callId(), call, null)) {
            links.set(call.callId(), null);
            active.decrementAndGet();
        }
    }

    @Override
    public Call find(int callId) {
        return calls.get(callId);
    }

    @Override
    public int activeCalls() {
        return active.get();
    }

    @Override
    public PppFrameHandler linkOpened(PppLink link) {
        PppLinkFactory factory = links.get(link.call().callId());
        return factory != null ? factory.linkOpened(link) : PppLinkFactory.DISCARD.linkOpened(link);
    }
}
