package io.warren.server.ops;

import io.warren.engine.Node;
import io.warren.server.config.OperationsOptions;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The operational state a server shares with its HTTP endpoints: meters, the current
 * {@link OperationsOptions} (replaced on reload), whether the server is draining, and how to reload.
 * Thread-safe.
 */
public final class Operations {
    private final Node node;
    private final WarrenMetrics metrics;
    private volatile OperationsOptions options;
    private volatile boolean draining;
    private volatile Supplier<List<String>> reload;

    public Operations(Node node, WarrenMetrics metrics, OperationsOptions options) {
        this.node = node;
        this.metrics = metrics;
        this.options = Objects.requireNonNull(options);
    }

    public Node node() {
        return node;
    }

    public WarrenMetrics metrics() {
        return metrics;
    }

    public OperationsOptions options() {
        return options;
    }

    public void options(OperationsOptions v) {
        this.options = Objects.requireNonNull(v);
    }

    /** True once shutdown began: {@code /readyz} answers 503 so that load balancers stop sending clients. */
    public boolean draining() {
        return draining;
    }

    public void startDraining() {
        draining = true;
    }

    /** Installs the reload action: it re-reads the configuration, applies it and names what changed. */
    public void reloader(Supplier<List<String>> v) {
        this.reload = v;
    }

    /** Runs the reload action; null when this server has none (embedded without a configuration source). */
    public List<String> reload() {
        Supplier<List<String>> r = reload;
        return r == null ? null : r.get();
    }
}
