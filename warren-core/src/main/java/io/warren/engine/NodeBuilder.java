package io.warren.engine;

import io.warren.Limits;
import io.warren.NodeOptions;
import io.warren.api.NodeListener;
import io.warren.broker.MemoryDirectory;
import io.warren.datagram.DatagramIds;
import io.warren.format.Formats;
import io.warren.spi.Authenticator;
import io.warren.spi.Authorizer;
import io.warren.spi.Broker;
import io.warren.spi.ClientDirectory;
import io.warren.spi.ShardExecutor;
import io.warren.spi.TunnelRegistry;
import java.util.List;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;

/**
 * Assembles a {@link Node}: every collaborator has a default except the {@link Authorizer}, which an
 * embedding must choose explicitly, and the shard executors. Not thread-safe; use once.
 */
public final class NodeBuilder {
    NodeOptions options = NodeOptions.defaults();
    Formats formats = Formats.builtIn();

    @Nullable
    Broker broker;

    TunnelRegistry registry = TunnelRegistry.local();

    @Nullable
    ClientDirectory directory;

    Authenticator authenticator = Authenticator.allowAll();

    @Nullable
    Authorizer authorizer;

    Limits limits = Limits.defaults();
    NodeListener listener = NodeListener.NONE;
    DatagramIds ids = new DatagramIds();
    LongSupplier clock = System::nanoTime;

    @Nullable
    List<? extends ShardExecutor> executors;

    public NodeBuilder options(NodeOptions v) {
        this.options = v;
        return this;
    }

    public NodeBuilder formats(Formats v) {
        this.formats = v;
        return this;
    }

    public NodeBuilder broker(Broker v) {
        this.broker = v;
        return this;
    }
    /** Where tunnels are registered cluster-wide; {@link TunnelRegistry#local()} on a single node. */
    public NodeBuilder registry(TunnelRegistry v) {
        this.registry = v;
        return this;
    }

    /** Who holds what and presence, cluster-wide; {@link MemoryDirectory} on a single node (the default, also for null). */
    public NodeBuilder directory(@Nullable ClientDirectory v) {
        this.directory = v;
        return this;
    }

    public NodeBuilder authenticator(Authenticator v) {
        this.authenticator = v;
        return this;
    }
    /** Decides opens, subscribes and publishes. Required: {@link Authorizer#allowAll()} must be said. */
    public NodeBuilder authorizer(Authorizer v) {
        this.authorizer = v;
        return this;
    }

    public NodeBuilder limits(Limits v) {
        this.limits = v;
        return this;
    }

    public NodeBuilder listener(NodeListener v) {
        this.listener = v;
        return this;
    }

    public NodeBuilder ids(DatagramIds v) {
        this.ids = v;
        return this;
    }
    /** A nanosecond clock; tests pass a manual one to drive culling and keepalives. */
    public NodeBuilder clock(LongSupplier v) {
        this.clock = v;
        return this;
    }

    public NodeBuilder executors(List<? extends ShardExecutor> v) {
        this.executors = v;
        return this;
    }

    public Node build() {
        if (broker == null) {
            broker = new io.warren.broker.MemoryBroker();
        }
        if (directory == null) {
            directory = new MemoryDirectory(clock);
        }
        if (authorizer == null) {
            throw new IllegalStateException(
                    "a node needs an authorizer: choose one explicitly (Authorizer.allowAll() for an open server)");
        }
        if (executors == null || executors.isEmpty()) {
            throw new IllegalStateException("a node needs at least one shard executor");
        }
        return new Node(this);
    }
}
