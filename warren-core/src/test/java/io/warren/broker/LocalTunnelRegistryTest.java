package io.warren.broker;

import io.warren.spi.TunnelRegistry;

/** The single-node registry against the shared contract: it shares nothing, so it knows nothing. */
class LocalTunnelRegistryTest extends TunnelRegistryContract {
    @Override
    protected TunnelRegistry startMember(TunnelRegistry.Listener listener) {
        TunnelRegistry r = TunnelRegistry.local();
        join(r.start(listener));
        return r;
    }
}
