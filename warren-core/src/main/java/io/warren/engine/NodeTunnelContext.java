package io.warren.engine;

import io.warren.NodeOptions;
import io.warren.api.NodeListener;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/** The node's side of {@link TunnelContext}: current options, listener and clock, without the node itself. */
final class NodeTunnelContext implements TunnelContext {
    private final Supplier<NodeOptions> options;
    private final NodeListener listener;
    private final LongSupplier clock;

    NodeTunnelContext(Supplier<NodeOptions> options, NodeListener listener, LongSupplier clock) {
        this.options = options;
        this.listener = listener;
        this.clock = clock;
    }

    @Override
    public long nanoTime() {
        return clock.getAsLong();
    }

    @Override
    public NodeListener listener() {
        return listener;
    }

    @Override
    public long keepaliveMillis() {
        return options.get().keepalive().toMillis();
    }

    @Override
    public long pollTimeoutNanos() {
        return options.get().pollTimeout().toNanos();
    }

    @Override
    public int heldLimit() {
        return options.get().replaySize();
    }
}
