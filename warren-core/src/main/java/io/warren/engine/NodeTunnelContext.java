package io.warren.engine;

import io.warren.NodeOptions;
import io.warren.api.NodeListener;
import io.warren.format.Format;
import io.warren.format.Mode;
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
    public long keepaliveMillis(Format f) {
        NodeOptions o = options.get();
        return (f.mode() == Mode.POLL ? f.pollTimeout(o.pollTimeout()) : f.keepaliveInterval(o.keepalive())).toMillis();
    }

    @Override
    public long keepaliveNanos(Format f) {
        return f.keepaliveInterval(options.get().keepalive()).toNanos();
    }

    @Override
    public long pollTimeoutNanos(Format f) {
        return f.pollTimeout(options.get().pollTimeout()).toNanos();
    }

    @Override
    public int heldLimit() {
        return options.get().replaySize();
    }
}
